import type { InboundMail } from '@parley/voicemail-ingest/feature-mailbox';

/** Why an arriving mail gets no automatic reply whatever the mailbox's OOF (docs/voicemail-ingest.md, "OOF auto-replies"). */
export type AutoReplyRefusal =
  | 'not-from-a-sender' // IM history, the HTTP drop
  | 'null-sender'
  | 'system-sender' // MAILER-DAEMON, postmaster, a list's owner- / -request address
  | 'auto-submitted'
  | 'bulk'
  | 'mailing-list'
  | 'suppressed';

export type AutoReplyEligibility = { readonly sender: string } | { readonly refused: AutoReplyRefusal };

type Header = { readonly name: string; readonly value: string };

/**
 * Whom an arriving mail may be answered to (RFC 3834 §2): the envelope sender of mail a person
 * sent — by SMTP (submission or relay) or through the outbound queue to a Parley mailbox (EWS
 * SendItem) — never a null or system sender (so never a DSN or another mailbox's auto-reply, both
 * sent with the null sender), never mail that says it is automatic, bulk or from a list, or that
 * asks not to be answered (`X-Auto-Response-Suppress`, Exchange's).
 */
export function autoReplyEligibility(
  mail: Pick<InboundMail, 'channel' | 'envelopeFrom'>,
  headers: readonly Header[],
): AutoReplyEligibility {
  if (mail.channel === 'im-history' || mail.channel === 'http-drop') return { refused: 'not-from-a-sender' };
  const sender = mail.envelopeFrom?.trim().toLowerCase() ?? '';
  if (sender === '' || !sender.includes('@')) return { refused: 'null-sender' };
  const local = sender.slice(0, sender.lastIndexOf('@'));
  if (local === 'mailer-daemon' || local === 'postmaster' || local.startsWith('owner-') || local.endsWith('-request'))
    return { refused: 'system-sender' };
  for (const header of headers) {
    const name = header.name.toLowerCase();
    const value = header.value.trim().toLowerCase();
    // RFC 3834: `no` (a comment and parameters aside) is a person's mail; any other value is automatic.
    if (
      name === 'auto-submitted' &&
      value
        .replace(/\([^)]*\)/g, '')
        .split(';')[0]
        .trim() !== 'no'
    )
      return { refused: 'auto-submitted' };
    if (name === 'precedence' && ['bulk', 'list', 'junk'].includes(value)) return { refused: 'bulk' };
    if (name.startsWith('list-')) return { refused: 'mailing-list' };
    if (name === 'x-auto-response-suppress' && value.split(',').some((t) => ['oof', 'all'].includes(t.trim())))
      return { refused: 'suppressed' };
  }
  return { sender };
}
