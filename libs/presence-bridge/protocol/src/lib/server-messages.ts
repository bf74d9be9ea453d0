import { userStates } from '@parley/presence-bridge/presence-engine';
import { z } from 'zod';
import { PROTOCOL_VERSION, requestIdSchema } from './client-messages';
import { errorCodes } from './protocol-codes';
import { instantSchema, messageWaitingSchema, presenceEntrySchema, presenceStateSchema } from './presence-state.schema';

const reply = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), id: requestIdSchema.optional(), ...shape });
const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type), ...shape });

/** This connection's limits (their env keys: docs/presence-protocol.md). */
export const connectionLimitsSchema = z.object({
  maxFrameBytes: z.number().int().positive(),
  messagesPerSecond: z.number().positive(),
  messageBurst: z.number().int().positive(),
  maxSubscriptions: z.number().int().nonnegative(),
  maxConnectionsPerUser: z.number().int().positive(),
  maxSendBufferBytes: z.number().int().positive(),
  pingIntervalMs: z.number().int().positive(),
  maxTargetsPerRequest: z.number().int().positive(),
  /** Unicode characters of one instant message (PARLEY_PRESENCE_IM_MAX_CHARS); a longer one is refused `invalid-message`. */
  maxImChars: z.number().int().positive(),
});
export type ConnectionLimits = z.infer<typeof connectionLimitsSchema>;

const contactGroupSchema = z.object({ id: z.string(), name: z.string() });

/** Every message the server sends, by `type`. */
export const serverMessageSchemas = {
  /** First message of every connection. */
  hello: event('hello', {
    protocolVersion: z.literal(PROTOCOL_VERSION),
    serverVersion: z.string(),
    /** The signed-in user (lower-cased). */
    mailbox: z.string(),
    /** This connection's endpoint, as it appears in the user's own `presence.endpoints`. */
    endpointId: z.string(),
    limits: connectionLimitsSchema,
  }),
  pong: reply('pong', {}),
  /** A request without data to return succeeded. */
  ok: reply('ok', {}),
  error: reply('error', {
    code: z.enum(errorCodes),
    message: z.string(),
    /** With `rate-limited`: when the next message will be accepted. */
    retryAfterMs: z.number().int().nonnegative().optional(),
  }),
  /** The answer to `subscribe`: the current presence of each known target; `unknown` are not directory users (not subscribed). */
  snapshot: reply('snapshot', { presences: z.array(presenceEntrySchema), unknown: z.array(z.string()) }),
  /** A change of a watched user's presence (the user's own included); only ever newer `sequence`s per user. */
  presence: event('presence', { mailbox: z.string(), sequence: z.number().int().positive(), presence: presenceStateSchema }),
  /** The user's voicemail counts, on connect and whenever they change (RFC 3842 message-summary). */
  'message-waiting': event('message-waiting', messageWaitingSchema.shape),
  /** The answer to `set-state`, `reset-state`, `set-note`: the user's hand-set state and note as stored. */
  settings: reply('settings', {
    userState: z.object({ state: z.enum(userStates), expiresAt: instantSchema.nullable() }).nullable(),
    note: z.string().nullable(),
  }),
  contacts: reply('contacts', {
    groups: z.array(contactGroupSchema.extend({ contacts: z.array(z.string()) })),
    /** Contacts in no group ("Other contacts"). */
    ungrouped: z.array(z.string()),
  }),
  group: reply('group', { group: contactGroupSchema }),
  blocks: reply('blocks', { blocked: z.array(z.string()) }),
  /** An instant message to this user. */
  im: event('im', { messageId: z.string(), from: z.string(), text: z.string(), sentAt: instantSchema }),
  'im-delivered': reply('im-delivered', { clientMessageId: requestIdSchema }),
  'im-failed': reply('im-failed', { clientMessageId: requestIdSchema, reason: z.enum(['recipient-offline', 'timeout']) }),
  typing: event('typing', { from: z.string(), typing: z.boolean() }),
} as const;

export type ServerMessageType = keyof typeof serverMessageSchemas;
export const serverMessageSchema = z.discriminatedUnion(
  'type',
  Object.values(serverMessageSchemas) as unknown as [
    (typeof serverMessageSchemas)[ServerMessageType],
    ...(typeof serverMessageSchemas)[ServerMessageType][],
  ],
);
export type ServerMessage = z.output<typeof serverMessageSchema>;
export type ServerMessageOf<T extends ServerMessageType> = z.output<(typeof serverMessageSchemas)[T]>;
