import { OOF_REPLY_MAX_CHARS } from '@parley/contracts';
import { z } from 'zod';
import { dateTimeTimeZoneSchema, graphErrorSchema } from './common.schemas';
import { instantOf } from './date-time-time-zone';

// The shapes of the mailbox part of Parley's Graph-compatible API (ews-gateway serves it): requests
// are validated with these schemas and the OpenAPI document is generated from them.

/** Graph's `automaticRepliesStatus` values. */
export const automaticRepliesStatuses = ['disabled', 'alwaysEnabled', 'scheduled'] as const;
export type AutomaticRepliesStatus = (typeof automaticRepliesStatuses)[number];

/** Graph's `externalAudienceScope` values. */
export const externalAudienceScopes = ['none', 'contactsOnly', 'all'] as const;
export type ExternalAudienceScope = (typeof externalAudienceScopes)[number];

/** The `mailboxSettings` properties Graph has and Parley does not: a PATCH naming one is refused, nothing written. */
export const unsupportedMailboxSettings = [
  'archiveFolder',
  'dateFormat',
  'delegateMeetingMessageDeliveryOptions',
  'language',
  'timeFormat',
  'timeZone',
  'userPurpose',
  'workingHours',
] as const;

/** Directory search (`GET /users?$search=`): results per page by default and at most (`$top`), and the longest search text. */
export const USER_SEARCH_LIMITS = { defaultTop: 10, maxTop: 25, maxSearchChars: 256 } as const;

/** A `dateTimeTimeZone` in a request, read as the instant it denotes (ms since the epoch); the zone may be IANA or Windows. */
const zonedInstant = z.strictObject({ dateTime: z.string().max(40), timeZone: z.string().max(100) }).transform((value, ctx) => {
  const instant = instantOf(value);
  if ('problem' in instant) {
    ctx.addIssue({ code: 'custom', message: instant.problem });
    return z.NEVER;
  }
  return instant.ms;
});

const reply = z.string().max(OOF_REPLY_MAX_CHARS);

export function mailboxApiSchemas() {
  const automaticRepliesSetting = z
    .object({
      status: z.enum(automaticRepliesStatuses),
      externalAudience: z.enum(externalAudienceScopes),
      scheduledStartDateTime: dateTimeTimeZoneSchema
        .nullable()
        .meta({ description: 'When the scheduled replies begin (kept whatever the status); null when never set.' }),
      scheduledEndDateTime: dateTimeTimeZoneSchema.nullable().meta({ description: 'When the scheduled replies end; null when never set.' }),
      internalReplyMessage: z.string().meta({ description: 'The reply to senders inside the organization (HTML, as EWS stores it).' }),
      externalReplyMessage: z.string().meta({ description: 'The reply to senders outside it, for the external audience.' }),
    })
    .meta({ description: 'Automatic replies (out of office): the same settings as EWS Get/SetUserOofSettings.' });
  const automaticRepliesSettingEntity = automaticRepliesSetting
    .extend({ '@odata.context': z.string() })
    .meta({ description: 'The automatic replies setting, with its OData context.' });
  const mailboxSettings = z
    .object({ '@odata.context': z.string(), automaticRepliesSetting })
    .meta({ description: 'The mailbox settings Parley has: the automatic replies.' });
  const automaticRepliesSettingPatch = z
    .strictObject({
      status: z.enum(automaticRepliesStatuses).optional(),
      externalAudience: z.enum(externalAudienceScopes).optional(),
      scheduledStartDateTime: zonedInstant.optional(),
      scheduledEndDateTime: zonedInstant.optional(),
      internalReplyMessage: reply.optional(),
      externalReplyMessage: reply.optional(),
    })
    .meta({
      description: `The properties to change; the others keep their value. Times in any IANA or Windows zone; replies at most ${OOF_REPLY_MAX_CHARS} characters. scheduled needs both times, the start before the end.`,
    });
  const mailboxSettingsPatch = z
    .looseObject({ automaticRepliesSetting: automaticRepliesSettingPatch.optional() })
    .superRefine((body, ctx) => {
      for (const key of Object.keys(body)) {
        if (key === 'automaticRepliesSetting') continue;
        const unsupported = (unsupportedMailboxSettings as readonly string[]).includes(key);
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: unsupported
            ? 'is a mailbox setting Parley does not support; only automaticRepliesSetting can be changed'
            : 'is not a property of mailboxSettings',
        });
      }
    })
    .meta({ description: 'The settings to change: automaticRepliesSetting (partial) only.' });
  const directoryUser = z
    .object({
      id: z.string().meta({ description: "The user's directory object id." }),
      displayName: z.string(),
      mail: z.string(),
      userPrincipalName: z.string().meta({ description: 'The SMTP address, as Parley names users.' }),
    })
    .meta({ description: 'A directory user (the properties the search answers).' });
  const userCollection = z
    .object({ '@odata.context': z.string(), value: z.array(directoryUser) })
    .meta({ description: 'Enabled users whose display name or address contains the search text, prefix matches first.' });
  return {
    dateTimeTimeZone: dateTimeTimeZoneSchema,
    automaticRepliesSetting,
    automaticRepliesSettingEntity,
    mailboxSettings,
    automaticRepliesSettingPatch,
    mailboxSettingsPatch,
    directoryUser,
    userCollection,
    graphError: graphErrorSchema,
  };
}

export type MailboxApiSchemas = ReturnType<typeof mailboxApiSchemas>;

/** The name of each schema in the OpenAPI document's components (Graph's type names where Graph has the type). */
export const mailboxSchemaNames: Record<keyof MailboxApiSchemas, string> = {
  dateTimeTimeZone: 'microsoft.graph.dateTimeTimeZone',
  automaticRepliesSetting: 'microsoft.graph.automaticRepliesSetting',
  automaticRepliesSettingEntity: 'AutomaticRepliesSettingEntity',
  mailboxSettings: 'microsoft.graph.mailboxSettings',
  automaticRepliesSettingPatch: 'AutomaticRepliesSettingPatch',
  mailboxSettingsPatch: 'MailboxSettingsPatch',
  directoryUser: 'microsoft.graph.user',
  userCollection: 'UserCollection',
  graphError: 'ErrorResponse',
};

/** What the API answers for automatic replies. */
export type GraphAutomaticRepliesSetting = z.output<MailboxApiSchemas['automaticRepliesSetting']>;
/** A validated automaticRepliesSetting PATCH: times as instants (ms). */
export type AutomaticRepliesSettingPatch = z.output<MailboxApiSchemas['automaticRepliesSettingPatch']>;
/** A user in a directory search answer. */
export type GraphDirectoryUser = z.output<MailboxApiSchemas['directoryUser']>;
