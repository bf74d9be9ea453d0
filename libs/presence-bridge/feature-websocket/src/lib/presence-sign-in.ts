import type { IncomingMessage } from 'node:http';

/** Who opened a presence WebSocket. */
export interface PresenceSocketUser {
  /** Lower-cased SMTP address. */
  mailbox: string;
}

/** Why an upgrade was refused before the handshake: answered with an HTTP status (docs/presence-protocol.md). */
export class PresenceSignInRefused extends Error {
  constructor(
    readonly reason: 'unauthenticated' | 'throttled',
    message: string,
    /** For `throttled`: how long the client should wait. */
    readonly retryAfterMs?: number,
    /** For `unauthenticated`: whether bearer tokens are accepted (the challenge then offers them). */
    readonly bearerAccepted = false,
  ) {
    super(message);
    this.name = 'PresenceSignInRefused';
  }
}

/**
 * Signs in the upgrade request of a presence WebSocket (its `Authorization` header, the client
 * address for throttling). Throws `PresenceSignInRefused`; anything else is a server failure.
 */
export abstract class PresenceSignIn {
  abstract authenticate(req: IncomingMessage): Promise<PresenceSocketUser>;
}
