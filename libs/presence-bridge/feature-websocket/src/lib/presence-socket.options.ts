import type { PresenceSocketConfig } from '@parley/config';

/** The limits of one presence WebSocket (env keys in docs/presence-protocol.md) and what `hello` announces. */
export interface PresenceSocketOptions extends PresenceSocketConfig {
  serverVersion: string;
}

export const PRESENCE_SOCKET_OPTIONS = Symbol('PRESENCE_SOCKET_OPTIONS');

/** The path the protocol is served on. */
export const PRESENCE_SOCKET_PATH = '/presence';

/** How long a closing socket may take to answer the close handshake before it is dropped. */
export const CLOSE_HANDSHAKE_TIMEOUT_MS = 5_000;
