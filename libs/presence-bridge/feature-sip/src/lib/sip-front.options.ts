import type { SipConfig } from '@parley/config';

/**
 * The SIP front's settings (PARLEY_SIP_*, in the README's configuration table): TCP port 0 turns SIP over TCP off; SIP
 * over TLS runs only with certificate files and a TLS port other than 0; SIP over WebSocket is always on the HTTP server
 * at {@link SIP_WEBSOCKET_PATH}.
 */
export interface SipFrontOptions extends SipConfig {
  /** HMAC key of the digest nonces, the same on every replica (`sipFrontOptionsFrom`); random per process when absent. */
  nonceKey?: Buffer;
  /**
   * Shortest PUBLISH expiry accepted (RFC 3903 §6: shorter → 423 with Min-Expires); default
   * {@link SIP_PUBLISH_MIN_EXPIRES}. Not an environment setting: the integration specs shorten it to watch a
   * publication expire.
   */
  publishMinExpires?: number;
  /** How long a TLS client has for its handshake; default {@link SIP_TLS_HANDSHAKE_TIMEOUT_MS}. Not an environment setting either. */
  tlsHandshakeTimeoutMs?: number;
}

export const SIP_FRONT_OPTIONS = Symbol('SIP_FRONT_OPTIONS');

/** RFC 7118 §7 leaves the path to the server; Parley's is fixed (issue 17). */
export const SIP_WEBSOCKET_PATH = '/sip';
/** The WebSocket subprotocol a SIP client must offer (RFC 7118 §4.1). */
export const SIP_WEBSOCKET_PROTOCOL = 'sip';

/** What the front puts in Server and Warning headers. */
export const SIP_AGENT = 'parley';
/** The methods this front serves (Allow of every 405 and OPTIONS answer). */
export const SIP_ALLOWED_METHODS = ['REGISTER', 'OPTIONS', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'MESSAGE'] as const;
/** Call-related methods (RFC 3261, 3262, 3311, 3515, 6086): known, out of scope → 405 with Allow. */
export const SIP_CALL_METHODS = ['INVITE', 'BYE', 'PRACK', 'UPDATE', 'INFO', 'REFER'] as const;

/** A request burst a connection may send at once above its steady rate (a client registering several lines). */
export const SIP_REQUEST_BURST = 20;
/** Retransmissions are recognised this long (64·T1, RFC 3261 §17.2.2). */
export const SIP_TRANSACTION_LIFETIME_MS = 32_000;
/** Transactions remembered per connection; the rate limit keeps real clients far below. */
export const SIP_MAX_TRANSACTIONS_PER_CONNECTION = 1_024;
/** Requests to one client (NOTIFY, MESSAGE) that may wait for its answers at once; past it they are not sent. */
export const SIP_MAX_PENDING_CLIENT_TRANSACTIONS = 256;
/** A client that does not read its responses is dropped once this much waits to be written to it. */
export const SIP_MAX_SEND_BUFFER_BYTES = 1024 * 1024;
/** The registration a client gets when it names no expiry (RFC 3261 §10.2.1.1 leaves it to the registrar). */
export const SIP_DEFAULT_EXPIRES = 3_600;
/** How often expired bindings are dropped from memory (they are already ignored once expired). */
export const SIP_SWEEP_INTERVAL_MS = 30_000;
/** A TLS client must finish its handshake within this time, else its connection is dropped. */
export const SIP_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long shutdown waits for connections to close before dropping them. */
export const SIP_SHUTDOWN_GRACE_MS = 2_000;

/**
 * PUBLISH expiry bounds (RFC 3903 §6) and the default for a PUBLISH without Expires (one hour,
 * as for presence subscriptions, RFC 3856 §6.4: the package names none for PUBLISH).
 */
export const SIP_PUBLISH_MIN_EXPIRES = 60;
export const SIP_PUBLISH_MAX_EXPIRES = 3_600;
export const SIP_PUBLISH_DEFAULT_EXPIRES = 3_600;
/**
 * How much longer a publication lasts than the Expires it is granted: a client counts from the 200's arrival, which
 * follows the request's by the time the settings take to apply, and refreshes near the end (SIP.js at 90%).
 */
export const SIP_PUBLISH_GRACE_SECONDS = 5;
/** Presence publications one user may hold on a replica (one per client is the norm); past it the oldest goes. */
export const SIP_MAX_PUBLICATIONS_PER_USER = 16;
/** Publications one replica holds at once; past it a new one gets 503 with Retry-After. */
export const SIP_MAX_PUBLICATIONS = 100_000;
/** What a client is asked to wait before it retries a request the replica is too busy for (503 Retry-After). */
export const SIP_BUSY_RETRY_AFTER_SECONDS = 5;
