import { mailboxKey } from '@parley/contracts';
import { userStates } from '@parley/presence-bridge/presence-engine';
import { z } from 'zod';
import { instantSchema } from './presence-state.schema';

/** Fixed by the protocol (the per-connection limits are configurable and announced in `hello`). */
export const ProtocolLimits = {
  /** Addresses in one `subscribe` / `unsubscribe`. */
  maxTargetsPerRequest: 1000,
  /**
   * UTF-16 code units of one instant message's text, whatever the server is configured to take: the
   * schema's outer bound (65,536 characters, the largest PARLEY_PRESENCE_IM_MAX_CHARS, in UTF-16).
   * The limit that applies is `hello.limits.maxImChars`.
   */
  maxImTextUnits: 131_072,
  /** Of a request `id` or an IM's `clientMessageId` given as a string. */
  maxIdLength: 64,
} as const;

/** The protocol's version in `hello`; a breaking change is a new version (and a new path). */
export const PROTOCOL_VERSION = 1;

/** Echoed in the reply (and in an `error` about the request) so clients can match answers; a string or an integer. */
export const requestIdSchema = z
  .union([z.string().min(1).max(ProtocolLimits.maxIdLength), z.number().int().safe()])
  .meta({ id: 'RequestId', description: 'Chosen by the client, echoed in the answer.' });
export type RequestId = z.infer<typeof requestIdSchema>;

const address = mailboxKey.meta({ id: 'Address', description: 'An SMTP address (compared without case).' });
const targets = z.array(address).min(1).max(ProtocolLimits.maxTargetsPerRequest);
const groupId = z.string().min(1).max(64);

// Unknown fields are ignored (not refused), so a newer client can add optional ones.
const request = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), id: requestIdSchema.optional(), ...shape });

/** Every message a client sends, by `type`. */
export const clientMessageSchemas = {
  /** Application-level liveness check: answered `pong`. */
  ping: request('ping', {}),
  /** Watch users: answered `snapshot`, then `presence` on every change. */
  subscribe: request('subscribe', { targets }),
  unsubscribe: request('unsubscribe', { targets }),
  /** Sets the user's own state, until `expiresAt` or (absent / null) until reset: answered `settings`. */
  'set-state': request('set-state', { state: z.enum(userStates), expiresAt: instantSchema.nullable().optional() }),
  /** Back to the automatic state: answered `settings`. */
  'reset-state': request('reset-state', {}),
  /** Sets the personal note (null or blank clears it): answered `settings`. */
  'set-note': request('set-note', { note: z.string().max(10_000).nullable() }),
  /** The user's last keyboard/mouse/touch activity on this client (absent: now); answered `ok`. */
  activity: request('activity', { lastActivityAt: instantSchema.optional() }),
  /** Answered `contacts`. */
  'get-contacts': request('get-contacts', {}),
  /** Answered `group`. */
  'add-group': request('add-group', { name: z.string().max(1024) }),
  /** Answered `group`. */
  'rename-group': request('rename-group', { groupId, name: z.string().max(1024) }),
  'remove-group': request('remove-group', { groupId }),
  /** Adds (or, when listed, moves) a contact; no group: "Other contacts". */
  'add-contact': request('add-contact', { contact: address, groupId: groupId.nullable().optional() }),
  'move-contact': request('move-contact', { contact: address, groupId: groupId.nullable() }),
  'remove-contact': request('remove-contact', { contact: address }),
  /** Answered `blocks`. */
  'get-blocks': request('get-blocks', {}),
  /** The watcher then sees this user Offline (undetectably); idempotent. */
  block: request('block', { watcher: address }),
  unblock: request('unblock', { watcher: address }),
  /** Answered `im-delivered` or `im-failed`, both carrying `clientMessageId`. */
  'send-im': request('send-im', {
    clientMessageId: requestIdSchema,
    to: address,
    text: z.string().min(1).max(ProtocolLimits.maxImTextUnits),
  }),
  /** Best effort, no answer unless invalid. */
  typing: request('typing', { to: address, typing: z.boolean() }),
} as const;

export type ClientMessageType = keyof typeof clientMessageSchemas;
export const clientMessageSchema = z.discriminatedUnion(
  'type',
  Object.values(clientMessageSchemas) as unknown as [
    (typeof clientMessageSchemas)[ClientMessageType],
    ...(typeof clientMessageSchemas)[ClientMessageType][],
  ],
);
export type ClientMessage = z.output<typeof clientMessageSchema>;
export type ClientMessageOf<T extends ClientMessageType> = z.output<(typeof clientMessageSchemas)[T]>;

export function isClientMessageType(type: unknown): type is ClientMessageType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(clientMessageSchemas, type);
}
