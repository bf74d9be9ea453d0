import { AuthErrorCode } from '@parley/auth';
import type { DeliveryRefusal, OutboundRefusal } from '@parley/voicemail-ingest/feature-mailbox';

/**
 * A refusal as smtp-server takes it from a handler: `responseCode` is the reply code, and the
 * message starts with the enhanced status code (RFC 3463) so the listener sends it as written.
 */
export class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    readonly enhancedCode: string,
    text: string,
  ) {
    super(`${enhancedCode} ${text}`);
    this.name = 'SmtpReply';
  }
}

/** An enhanced status code at the start of a reply text: the listener then adds none of its own. */
export const ENHANCED_STATUS_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

/** Every reply the SMTP front writes itself, by situation (docs/smtp.md lists them). */
export const SmtpReplies = {
  startTlsFirst: () => new SmtpReply(530, '5.7.0', 'Must issue a STARTTLS command first'),
  authenticationRequired: () => new SmtpReply(530, '5.7.0', 'Authentication required'),
  badCredentials: () => new SmtpReply(535, '5.7.8', 'Authentication credentials invalid'),
  signInThrottled: (retryAfterMs: number | undefined) =>
    new SmtpReply(
      454,
      '4.7.0',
      `Too many failed sign-in attempts; try again in ${Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000))} s`,
    ),
  relayClientRefused: (address: string) => new SmtpReply(554, '5.7.1', `Relaying from ${address} is not permitted`),
  tooManyConnectionsFromClient: () => new SmtpReply(421, '4.7.0', 'Too many connections from your address, try again later'),
  sendAsDenied: (address: string) => new SmtpReply(550, '5.7.1', `Not permitted to send as ${address}`),
  relayDenied: (address: string) => new SmtpReply(550, '5.7.1', `Relaying to ${address} denied: Parley delivers only to its own mailboxes`),
  unknownRecipient: (address: string) => new SmtpReply(550, '5.1.1', `No such mailbox: ${address}`),
  overQuota: (address?: string) => new SmtpReply(552, '5.2.2', address ? `Mailbox full: ${address}` : 'Mailbox full'),
  tooLarge: (limit: number) => new SmtpReply(552, '5.3.4', `Message exceeds the maximum size of ${limit} bytes`),
  temporaryFailure: () => new SmtpReply(451, '4.3.0', 'Temporary failure, please try again later'),
  shuttingDown: () => new SmtpReply(421, '4.3.2', 'Service shutting down, try again later'),
} as const;

/** The reply to a store refusal after DATA (every `DeliveryRefusal` has one). */
export function replyForRefusal(refusal: DeliveryRefusal, recipients: readonly string[], maxMessageBytes: number): SmtpReply {
  switch (refusal) {
    case 'unknown-recipient':
      return SmtpReplies.unknownRecipient(recipients.join(', ') || 'recipient');
    case 'over-quota':
      return SmtpReplies.overQuota(recipients.join(', ') || undefined);
    case 'too-large':
      return SmtpReplies.tooLarge(maxMessageBytes);
    case 'temporary':
      return SmtpReplies.temporaryFailure();
  }
}

/** The reply when the outbound queue refused a message's recipients outside Parley (every `OutboundRefusal` has one). */
export function replyForOutboundRefusal(refusal: OutboundRefusal, recipients: readonly string[]): SmtpReply {
  switch (refusal) {
    case 'relay-disabled':
      return SmtpReplies.relayDenied(recipients.join(', ') || 'recipient');
    case 'no-recipients':
    case 'temporary':
      return SmtpReplies.temporaryFailure();
  }
}

/** The reply to a failed AUTH (every `AuthErrorCode` has one; the last three never come from a password check). */
export function replyForAuthError(code: AuthErrorCode, retryAfterMs: number | undefined): SmtpReply {
  switch (code) {
    case AuthErrorCode.Throttled:
      return SmtpReplies.signInThrottled(retryAfterMs);
    case AuthErrorCode.Unauthenticated:
    case AuthErrorCode.ImpersonationDenied:
    case AuthErrorCode.UnknownMailbox:
    case AuthErrorCode.CsrfRejected:
      return SmtpReplies.badCredentials();
  }
}
