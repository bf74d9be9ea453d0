// The presence protocol's message types, taken from the server's schemas as types only: `import type`
// is erased by esbuild, so neither zod nor any server code reaches the bundle.
import type {
  ClientMessage,
  ClientMessageOf,
  ClientMessageType,
  ConnectionLimits,
  ErrorCode,
  PresenceState,
  ServerMessage,
  ServerMessageOf,
} from '@parley/presence-bridge/protocol';

export type { ClientMessage, ConnectionLimits, ErrorCode, PresenceState, ServerMessage, ServerMessageOf };

export type AvailabilityToken = PresenceState['token'];
export type ActivityToken = NonNullable<PresenceState['activity']>;
export type UserState = ClientMessageOf<'set-state'>['state'];
export type Hello = ServerMessageOf<'hello'>;
export type ContactsAnswer = ServerMessageOf<'contacts'>;
export type IncomingIm = ServerMessageOf<'im'>;
export type MessageWaiting = ServerMessageOf<'message-waiting'>;

/** A request as the caller writes it: the client adds the `id`. */
export type Request = ClientMessage extends infer M ? (M extends { type: string } ? Omit<M, 'id'> : never) : never;
export type RequestOf<T extends ClientMessageType> = Omit<ClientMessageOf<T>, 'id'>;

/** Which answer each request gets (docs/presence-protocol.md); `typing` is not answered. */
export interface AnswerTypes {
  ping: 'pong';
  subscribe: 'snapshot';
  unsubscribe: 'ok';
  'set-state': 'settings';
  'reset-state': 'settings';
  'set-note': 'settings';
  activity: 'ok';
  'get-contacts': 'contacts';
  'add-group': 'group';
  'rename-group': 'group';
  'remove-group': 'ok';
  'add-contact': 'ok';
  'move-contact': 'ok';
  'remove-contact': 'ok';
  'get-blocks': 'blocks';
  block: 'ok';
  unblock: 'ok';
  'send-im': 'im-delivered' | 'im-failed';
}
export type AnsweredType = keyof AnswerTypes;
export type AnswerOf<T extends AnsweredType> = ServerMessageOf<AnswerTypes[T]>;

/** The protocol's note limit (set-note), in characters. */
export const MAX_NOTE_CHARS = 500;
