/**
 * The stable codes of the presence WebSocket protocol (docs/presence-protocol.md). Clients branch on
 * them, so a code is never renamed or reused; new ones may be added.
 */

/** `error.code`: a request was refused and the socket stays open. */
export const ErrorCodes = {
  /** The message is JSON with a known `type` whose fields do not match the schema. */
  invalidMessage: 'invalid-message',
  /** `type` is missing or not one this server knows (a newer client, or a typo). */
  unknownType: 'unknown-type',
  /** More messages than the per-connection rate allows: this one was dropped. */
  rateLimited: 'rate-limited',
  /** The subscription would take the connection past its subscription limit; nothing was subscribed. */
  tooManySubscriptions: 'too-many-subscriptions',
  /** An address that is not an SMTP address. */
  invalidAddress: 'invalid-address',
  /** A user cannot add or block themself. */
  selfReference: 'self-reference',
  groupNotFound: 'group-not-found',
  /** The user already has a group of this name (names compare without case). */
  groupExists: 'group-exists',
  /** A group with contacts cannot be removed: move or remove them first. */
  groupNotEmpty: 'group-not-empty',
  invalidGroupName: 'invalid-group-name',
  contactNotFound: 'contact-not-found',
  /** More groups, contacts or blocked watchers than one user may have. */
  limitExceeded: 'limit-exceeded',
  invalidState: 'invalid-state',
  /** An expiry that is not in the future. */
  invalidExpiry: 'invalid-expiry',
  noteTooLong: 'note-too-long',
  /** The server cannot take this now (too many instant messages waiting for delivery); retry shortly. */
  busy: 'busy',
  /** The server failed; the request may be retried. Nothing about the cause is disclosed. */
  internalError: 'internal-error',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
export const errorCodes = Object.values(ErrorCodes) as [ErrorCode, ...ErrorCode[]];

/** WebSocket close codes the server uses (RFC 6455 §7.4), each with its fixed reason text. */
export const CloseCodes = {
  /** The server is shutting down; reconnect (to another replica). */
  goingAway: 1001,
  /** A binary frame: the protocol is JSON text only. */
  unsupportedData: 1003,
  /** A text frame that is not valid UTF-8, not JSON, or not a JSON object. */
  malformed: 1007,
  /** The client kept sending past the rate limit after `rate-limited`, or the user has too many connections. */
  policyViolation: 1008,
  /** A frame larger than the frame size limit. */
  tooBig: 1009,
  /** The session could not be set up (the core failed); reconnect later. */
  internalError: 1011,
  /** The client did not read what the server sent fast enough (its send buffer went past the limit). */
  tryAgainLater: 1013,
} as const;
export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

/** The reason texts sent with each close (at most 123 bytes each, as RFC 6455 allows). */
export const CloseReasons = {
  shutdown: 'server shutting down',
  binaryFrame: 'binary frames are not accepted',
  malformedJson: 'malformed JSON',
  notAnObject: 'a message must be a JSON object',
  rateLimit: 'rate limit exceeded',
  tooManyConnections: 'too many connections for this user',
  setupFailed: 'session setup failed',
  slowReader: 'slow reader',
} as const;
