import MailComposer from 'nodemailer/lib/mail-composer';
import { htmlToText } from '@parley/contracts';

export interface AutoReplyMail {
  /** The mailbox that is out of office, and its display name. */
  from: { address: string; name: string | null };
  to: string;
  /** The reply text as EWS stores it (HTML, or plain text). */
  reply: string;
  original: { subject: string; messageId: string | null; references: string | null };
  now: Date;
}

/** Longest subject, as the store keeps it. */
const SUBJECT_MAX = 255;

/**
 * The automatic reply (RFC 3834): "Automatic reply: <subject>" from the mailbox to the sender,
 * marked `Auto-Submitted: auto-replied` and `X-Auto-Response-Suppress: All` (so no compliant
 * responder answers it), threaded with `In-Reply-To` / `References`; the reply as HTML with a
 * plain-text alternative.
 */
export async function composeAutoReply(mail: AutoReplyMail): Promise<Buffer> {
  const isHtml = /<[a-z][\s\S]*>/i.test(mail.reply);
  const html = isHtml ? mail.reply : `<html><body><div style="white-space:pre-wrap">${escapeHtml(mail.reply)}</div></body></html>`;
  const text = isHtml ? htmlToText(mail.reply) : mail.reply;
  const subject = `Automatic reply: ${mail.original.subject}`;
  const messageId = mail.original.messageId === null ? null : bracketed(mail.original.messageId);
  const references = [mail.original.references, messageId].filter((r): r is string => r !== null && r.trim() !== '').join(' ');
  const composer = new MailComposer({
    from: { name: mail.from.name ?? '', address: mail.from.address },
    to: mail.to,
    subject: [...subject].length <= SUBJECT_MAX ? subject : `${[...subject].slice(0, SUBJECT_MAX - 1).join('')}…`,
    date: mail.now,
    ...(messageId === null ? {} : { inReplyTo: messageId }),
    ...(references === '' ? {} : { references }),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    text,
    html,
  });
  return composer.compile().build();
}

function bracketed(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
