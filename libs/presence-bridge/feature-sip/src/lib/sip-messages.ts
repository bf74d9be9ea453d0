import {
  type ImOutcome,
  type InstantMessaging,
  PresenceCoreErrorCode,
  PresenceCoreException,
} from '@parley/presence-bridge/feature-presence';
import { type SipRequest, type SipResponse } from '@parley/presence-bridge/sip';
import { SIP_BUSY_RETRY_AFTER_SECONDS } from './sip-front.options';
import type { SipIdentities, SipIdentity } from './sip-identities';
import { sipReply, sipWarning } from './sip-reply';

const TEXT_TYPE = 'text/plain';
/** Charsets read as UTF-8: US-ASCII is a subset of it. */
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * MESSAGE from a SIP client (RFC 3428, `text/plain` in UTF-8) as an IM of the presence core, the same `send` the
 * JSON protocol's `send-im` uses: delivered to every endpoint of the recipient, on whichever replica, and answered
 * once one took it.
 */
export class SipMessages {
  constructor(
    private readonly ims: InstantMessaging,
    private readonly identities: Pick<SipIdentities, 'byUri'>,
  ) {}

  /**
   * Answers a MESSAGE of the authenticated `user` (SMTP address) to `target`, the user its Request-URI names (undefined:
   * the URI names no user). From must be the sender's own SIP URI.
   */
  async receive(request: SipRequest, user: string, target: SipIdentity | undefined): Promise<SipResponse> {
    if (target === undefined) return sipReply(request, 404, { headers: [sipWarning('a MESSAGE is sent to a user')] });
    const from = await this.identities.byUri(request.from().uri);
    if (from?.address !== user) {
      return sipReply(request, 403, { headers: [sipWarning('From must name the authenticated user')] });
    }
    const to = target.address;
    const text = readText(request);
    if (text === undefined) return sipReply(request, 415, { headers: [['Accept', TEXT_TYPE]] });
    if (text === null) return sipReply(request, 400, { headers: [sipWarning('the text is not UTF-8')] });
    let outcome: ImOutcome;
    try {
      outcome = await this.ims.send(user, to, text);
    } catch (error) {
      if (!(error instanceof PresenceCoreException)) throw error;
      return this.refusal(request, error, text);
    }
    if (outcome.status === 'delivered') return sipReply(request, 200);
    switch (outcome.reason) {
      case 'recipient-offline':
        // Also when the recipient blocked the sender: the core gives one answer for both, so a block stays hidden.
        return sipReply(request, 480);
      case 'timeout':
        // The recipient's replica did not confirm in time: the text may or may not have arrived.
        return sipReply(request, 408, { headers: [sipWarning('the recipient did not confirm delivery in time')] });
    }
  }

  /** The core's refusals of a send (exhaustive: a new code fails to compile here). */
  private refusal(request: SipRequest, error: PresenceCoreException, text: string): SipResponse {
    const code: PresenceCoreErrorCode = error.code;
    switch (code) {
      case PresenceCoreErrorCode.InvalidMessage:
        // Empty, or longer than the core's PARLEY_PRESENCE_IM_MAX_CHARS: 413 is RFC 3428's answer to a message too large.
        return sipReply(request, text.length === 0 ? 400 : 413, { headers: [sipWarning(error.message)] });
      case PresenceCoreErrorCode.Busy:
        return sipReply(request, 503, { headers: [['Retry-After', String(SIP_BUSY_RETRY_AFTER_SECONDS)], sipWarning(error.message)] });
      case PresenceCoreErrorCode.InvalidAddress:
        return sipReply(request, 404, { headers: [sipWarning(error.message)] });
      case PresenceCoreErrorCode.TooManyEndpoints:
      case PresenceCoreErrorCode.TooManyTargets:
        // Refusals of connecting and of snapshots: a send never gets them.
        throw error;
    }
  }
}

/** The body as text; undefined: not `text/plain` in a charset read here (415); null: not valid UTF-8 (400). */
function readText(request: SipRequest): string | undefined | null {
  const type = request.contentType();
  if (type === undefined || `${type.type}/${type.subtype}` !== TEXT_TYPE) return undefined;
  const charset = type.params.get('charset');
  if (charset !== undefined && (charset === null || !UTF8_CHARSETS.has(charset.toLowerCase()))) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(request.body);
  } catch {
    return null;
  }
}
