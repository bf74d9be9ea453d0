import { z } from 'zod';
import { dateTimeTimeZoneSchema, graphErrorSchema } from './common.schemas';
import { parseIsoDuration } from './iso-duration';

// The shapes of the presence part of Parley's Graph-compatible API, as zod schemas: presence-bridge
// validates requests with them and the OpenAPI document (graph-openapi.ts) is generated from them,
// so the two cannot drift.

/** Graph's `presence.availability` values (presence-bridge checks them against its engine's type). */
export const graphAvailabilities = [
  'Available',
  'AvailableIdle',
  'Away',
  'BeRightBack',
  'Busy',
  'BusyIdle',
  'DoNotDisturb',
  'Offline',
  'PresenceUnknown',
] as const;

/** Graph's `presence.activity` values (Parley produces all but `UrgentInterruptionsOnly`). */
export const graphActivities = [
  'Available',
  'Away',
  'BeRightBack',
  'Busy',
  'DoNotDisturb',
  'InACall',
  'InAConferenceCall',
  'Inactive',
  'InAMeeting',
  'Offline',
  'OffWork',
  'OutOfOffice',
  'PresenceUnknown',
  'Presenting',
  'UrgentInterruptionsOnly',
] as const;

/** The limits a request is checked against (configuration: `PARLEY_GRAPH_*`). */
export interface GraphApiLimits {
  /** Ids in one getPresencesByUserId (Graph's documented maximum is 650). */
  maxBatchIds: number;
  /** Longest `expirationDuration` of a preferred presence, in milliseconds. */
  maxPreferredPresenceMs: number;
}

/** A user as a path segment or an id in a batch: an SMTP address (Graph's user principal name) or the directory's object id. */
const userKey = z.string().min(1).max(320);

export function graphApiSchemas(limits: GraphApiLimits) {
  const itemBody = z.object({ content: z.string(), contentType: z.enum(['text', 'html']) }).meta({ description: 'Text and its type.' });
  const dateTimeTimeZone = dateTimeTimeZoneSchema;
  const statusMessage = z
    .object({
      message: itemBody,
      expiryDateTime: dateTimeTimeZone.nullable().optional(),
      publishedDateTime: z.string().nullable().optional(),
    })
    .meta({ description: "The user's personal note." });
  const outOfOfficeSettings = z
    .object({ message: z.string().nullable(), isOutOfOffice: z.boolean() })
    .meta({ description: 'Whether the user is out of office, and the automatic reply shown for it.' });
  const presence = z
    .object({
      id: z.string().meta({ description: "The user's directory object id (pass it, or the SMTP address, back as a user id)." }),
      availability: z.enum(graphAvailabilities),
      activity: z.enum(graphActivities),
      statusMessage: statusMessage.nullable(),
      outOfOfficeSettings,
      sequenceNumber: z
        .string()
        .nullable()
        .meta({ description: 'Lexicographically sortable version of this presence (later versions sort after earlier ones).' }),
    })
    .meta({ description: "A user's presence as the caller sees it." });
  const presenceEntity = presence.extend({ '@odata.context': z.string() }).meta({ description: 'One presence, with its OData context.' });
  const presenceCollection = z
    .object({ '@odata.context': z.string(), value: z.array(presence) })
    .meta({ description: 'The presences of the ids that name directory users, in the order asked.' });
  const getPresencesByUserIdRequest = z.object({
    ids: z
      .array(userKey)
      .max(limits.maxBatchIds)
      .meta({ description: `SMTP addresses or directory object ids, at most ${limits.maxBatchIds}.` }),
  });
  const setUserPreferredPresenceRequest = z.object({
    availability: z.enum(['Available', 'Busy', 'DoNotDisturb', 'BeRightBack', 'Away', 'Offline']),
    activity: z
      .enum(['Available', 'Busy', 'DoNotDisturb', 'BeRightBack', 'Away', 'OffWork'])
      .meta({ description: 'With the availability, one of the pairs Graph accepts: each availability with itself, Offline with OffWork.' }),
    expirationDuration: z
      .string()
      .nullable()
      .optional()
      .transform((text, ctx) => {
        if (text === null || text === undefined) return undefined;
        const ms = parseIsoDuration(text);
        if (ms === undefined || ms <= 0 || ms > limits.maxPreferredPresenceMs) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a positive ISO 8601 duration (days, hours, minutes, seconds) of at most ${Math.floor(limits.maxPreferredPresenceMs / 3_600_000)} hours`,
          });
          return z.NEVER;
        }
        return ms;
      })
      .meta({ description: 'ISO 8601 duration (e.g. PT8H); absent: a day for Busy and DoNotDisturb, a week for the others.' }),
  });
  const graphError = graphErrorSchema;
  return {
    itemBody,
    dateTimeTimeZone,
    statusMessage,
    outOfOfficeSettings,
    presence,
    presenceEntity,
    presenceCollection,
    getPresencesByUserIdRequest,
    setUserPreferredPresenceRequest,
    graphError,
  };
}

export type GraphApiSchemas = ReturnType<typeof graphApiSchemas>;

/** The name of each schema in the OpenAPI document's components (Graph's type names where Graph has the type). */
export const graphSchemaNames: Record<keyof GraphApiSchemas, string> = {
  itemBody: 'microsoft.graph.itemBody',
  dateTimeTimeZone: 'microsoft.graph.dateTimeTimeZone',
  statusMessage: 'microsoft.graph.presenceStatusMessage',
  outOfOfficeSettings: 'microsoft.graph.outOfOfficeSettings',
  presence: 'microsoft.graph.presence',
  presenceEntity: 'PresenceEntity',
  presenceCollection: 'PresenceCollection',
  getPresencesByUserIdRequest: 'GetPresencesByUserIdRequest',
  setUserPreferredPresenceRequest: 'SetUserPreferredPresenceRequest',
  graphError: 'ErrorResponse',
};
/** A presence as the API answers it. */
export type GraphPresence = z.output<GraphApiSchemas['presence']>;
