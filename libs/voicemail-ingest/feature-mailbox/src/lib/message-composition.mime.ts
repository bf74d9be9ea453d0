import type { CalendarBody, MailAddress, MessageResponseKind } from '@parley/contracts';
import MailComposer from 'nodemailer/lib/mail-composer';

/** An address as a composed message names it. */
export interface ComposedAddress {
  readonly address: string;
  readonly name: string | null;
}

/** Everything a composed message's MIME says. */
export interface ComposedMessage {
  readonly from: ComposedAddress;
  readonly to: readonly ComposedAddress[];
  readonly cc: readonly ComposedAddress[];
  readonly bcc: readonly ComposedAddress[];
  readonly subject: string;
  readonly body: CalendarBody | null;
  readonly importance: 'Low' | 'Normal' | 'High';
  /** With its angle brackets. */
  readonly messageId: string;
  readonly date: Date;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
}

/**
 * The message's MIME. The sender's own copy keeps the Bcc header (Exchange shows a draft's and a
 * sent item's Bcc to their owner); the copy that goes out never carries it.
 */
export async function composeMessageMime(message: ComposedMessage, copy: 'kept' | 'sent'): Promise<Buffer> {
  const addresses = (list: readonly ComposedAddress[]) => list.map((a) => ({ name: a.name ?? '', address: a.address }));
  const composer = new MailComposer({
    from: { name: message.from.name ?? '', address: message.from.address },
    to: addresses(message.to),
    cc: addresses(message.cc),
    bcc: addresses(message.bcc),
    subject: message.subject,
    date: message.date,
    messageId: message.messageId,
    ...(message.inReplyTo === null ? {} : { inReplyTo: message.inReplyTo }),
    ...(message.references.length === 0 ? {} : { references: [...message.references] }),
    // As Outlook writes it (MailComposer alone does not turn `priority` into headers; nodemailer's transport does).
    ...(message.importance === 'Normal'
      ? {}
      : { headers: { Importance: message.importance, 'X-Priority': message.importance === 'High' ? '1 (Highest)' : '5 (Lowest)' } }),
    ...(message.body === null
      ? { text: '' }
      : message.body.type === 'HTML'
        ? { html: message.body.content }
        : { text: message.body.content }),
  });
  const node = composer.compile();
  node.keepBcc = copy === 'kept';
  return node.build();
}

/** What a reply or forward takes from the message it answers. */
export interface OriginalMessage {
  readonly subject: string;
  readonly from: MailAddress | null;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly sentAt: Date | null;
  readonly receivedAt: Date;
  readonly internetMessageId: string | null;
  /** Its References header, when it had one. */
  readonly references: string | null;
  readonly body: CalendarBody | null;
}

/** Exchange's subject prefixes; an original that already has the prefix does not get it twice. */
export function responseSubject(kind: MessageResponseKind, original: string): string {
  const prefix = kind === 'forward' ? 'FW: ' : 'RE: ';
  const subject = original.toLowerCase().startsWith(prefix.toLowerCase()) ? original : `${prefix}${original}`;
  return [...subject].slice(0, 255).join('');
}

/**
 * The recipients Exchange gives a response: a reply goes to the original's sender; a reply all to
 * the sender and the other To recipients (To) and the Cc recipients (Cc), never to the replying
 * mailbox itself; a forward to nobody until the client names recipients.
 */
export function responseRecipients(
  kind: MessageResponseKind,
  original: OriginalMessage,
  self: string,
): { to: ComposedAddress[]; cc: ComposedAddress[] } {
  if (kind === 'forward') return { to: [], cc: [] };
  const usable = (a: MailAddress | null): a is MailAddress => a !== null && a.address.includes('@');
  const sender = [original.from].filter(usable);
  if (kind === 'reply') return { to: sender, cc: [] };
  const seen = new Set<string>([self.toLowerCase()]);
  const unique = (list: readonly MailAddress[]) =>
    list.filter(usable).filter((a) => {
      const key = a.address.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  // The sender first, even when it is the replying mailbox (a reply all to one's own message goes to its recipients).
  const to = [...sender.filter((a) => a.address.toLowerCase() !== self.toLowerCase()), ...original.to];
  return { to: unique(to), cc: unique(original.cc) };
}

/** In-Reply-To and References of a reply (RFC 5322 3.6.4); a forward sets neither. */
export function responseThreading(
  kind: MessageResponseKind,
  original: OriginalMessage,
): { inReplyTo: string | null; references: string[] } {
  const id = original.internetMessageId;
  if (kind === 'forward' || id === null) return { inReplyTo: null, references: [] };
  const earlier = (original.references ?? '').match(/<[^<>\s]+>/g) ?? [];
  return { inReplyTo: id, references: [...earlier, id] };
}

/**
 * The new body over the quoted original, as Outlook writes it: a separator and the original's
 * From, Sent, To, Cc and Subject, then its body. HTML when either is HTML (text is escaped into it).
 */
export function responseBody(newBody: CalendarBody | null, original: OriginalMessage): CalendarBody {
  const list = (addresses: readonly MailAddress[]) => addresses.map(display).join('; ');
  const sent = (original.sentAt ?? original.receivedAt).toUTCString();
  const header: [string, string][] = [
    ['From', original.from === null ? '' : display(original.from)],
    ['Sent', sent],
    ['To', list(original.to)],
    ...(original.cc.length === 0 ? [] : ([['Cc', list(original.cc)]] as [string, string][])),
    ['Subject', original.subject],
  ];
  const html = newBody?.type === 'HTML' || original.body?.type === 'HTML';
  if (!html) {
    return {
      type: 'Text',
      content: [
        newBody?.content ?? '',
        '',
        '-----Original Message-----',
        ...header.map(([name, value]) => `${name}: ${value}`),
        '',
        original.body?.content ?? '',
      ].join('\r\n'),
    };
  }
  const asHtml = (body: CalendarBody | null) =>
    body === null
      ? ''
      : body.type === 'HTML'
        ? bodyOf(body.content)
        : `<div style="white-space:pre-wrap">${escapeHtml(body.content)}</div>`;
  return {
    type: 'HTML',
    content: [
      '<html><body>',
      asHtml(newBody),
      '<hr>',
      `<div>${header.map(([name, value]) => `<b>${name}:</b> ${escapeHtml(value)}`).join('<br>')}</div>`,
      '<br>',
      asHtml(original.body),
      '</body></html>',
    ].join('\n'),
  };
}

function display(a: MailAddress): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

/** What is between an HTML document's body tags (the whole text when it has none). */
function bodyOf(html: string): string {
  const match = /<body[^>]*>([\s\S]*?)<\/body>/i.exec(html);
  return match ? match[1] : html;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
