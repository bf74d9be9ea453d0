/** Why a drop was refused; the HTTP front maps each to its status and problem type (voicemail-drop.problem.ts). */
export enum VoicemailDropErrorCode {
  MissingCredentials = 'missing-credentials',
  InvalidKey = 'invalid-key',
  RevokedKey = 'revoked-key',
  Throttled = 'throttled',
  RateLimited = 'rate-limited',
  UnsupportedMediaType = 'unsupported-media-type',
  MalformedRequest = 'malformed-request',
  InvalidMetadata = 'invalid-metadata',
  TooManyRecipients = 'too-many-recipients',
  PayloadTooLarge = 'payload-too-large',
  UnknownMailbox = 'unknown-mailbox',
  OverQuota = 'over-quota',
  Unavailable = 'unavailable',
}

export class VoicemailDropException extends Error {
  constructor(
    readonly code: VoicemailDropErrorCode,
    message: string,
    readonly extras: {
      /** Seconds until a retry can succeed (`Retry-After`). */
      retryAfterSeconds?: number;
      /** The recipients the refusal is about. */
      recipients?: readonly string[];
      /** Field-level problems of the metadata. */
      errors?: readonly { pointer: string; detail: string }[];
    } = {},
  ) {
    super(message);
    this.name = 'VoicemailDropException';
  }
}
