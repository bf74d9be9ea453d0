import type { ImConversationEndedEvent, ImConversationMessage } from '@parley/contracts';
import MailComposer from 'nodemailer/lib/mail-composer';

/** A participant as the item shows them. */
export interface Participant {
  address: string;
  name: string;
}

export interface ConversationMailContext {
  /** The mailbox the item is for, and the other participant. */
  owner: Participant;
  other: Participant;
  event: ImConversationEndedEvent;
  /** Names the item in the trace header and the Message-ID. */
  eventId: string;
  now: Date;
}

/** Longest subject, as the store keeps it. */
const SUBJECT_MAX = 255;

/**
 * The conversation as Lync / Skype for Business files it in Conversation History: subject the
 * conversation's first line, From the participant who started it, To the other, and the transcript
 * (time, sender, text per IM) as HTML and plain text. `messages` are those the owner sent or received.
 */
export function composeConversationMail(context: ConversationMailContext, messages: readonly ImConversationMessage[]): Promise<Buffer> {
  const starter = messages[0].from === context.owner.address ? context.owner : context.other;
  const recipient = starter === context.owner ? context.other : context.owner;
  const omitted = context.event.omittedMessages;
  const note = omitted > 0 ? `${omitted} later ${omitted === 1 ? 'message was' : 'messages were'} too many to keep.` : null;
  return compose(context, {
    from: starter,
    to: recipient,
    subject: subjectOf(messages[0].text),
    messageId: `<${context.event.conversationId}.conversation@${domainOf(context.owner.address)}>`,
    sentAt: new Date(messages[0].sentAt),
    messages,
    intro: null,
    note,
  });
}

/**
 * The notice Lync sends when IMs reached none of the recipient's clients: "Missed conversation with
 * <sender>" in the Inbox, the missed IMs as its transcript. `messages` are the owner's missed ones.
 */
export function composeMissedConversationMail(
  context: ConversationMailContext,
  messages: readonly ImConversationMessage[],
): Promise<Buffer> {
  return compose(context, {
    from: context.other,
    to: context.owner,
    subject: `Missed conversation with ${context.other.name}`,
    messageId: `<${context.event.conversationId}.missed@${domainOf(context.owner.address)}>`,
    sentAt: new Date(messages[0].sentAt),
    messages,
    intro: `${context.other.name} tried to send you instant messages while you were not signed in.`,
    note: null,
  });
}

async function compose(
  context: ConversationMailContext,
  mail: {
    from: Participant;
    to: Participant;
    subject: string;
    messageId: string;
    sentAt: Date;
    messages: readonly ImConversationMessage[];
    intro: string | null;
    note: string | null;
  },
): Promise<Buffer> {
  const names = new Map([context.owner, context.other].map((p) => [p.address, p.name]));
  const lines = mail.messages.map((m) => ({ time: timeOf(m.sentAt), name: names.get(m.from) ?? m.from, text: m.text }));
  const text = [
    ...(mail.intro === null ? [] : [mail.intro, '']),
    ...lines.map((l) => `[${l.time}] ${l.name}: ${l.text}`),
    ...(mail.note === null ? [] : ['', mail.note]),
  ].join('\n');
  const html = [
    '<html><body>',
    ...(mail.intro === null ? [] : [`<p>${escapeHtml(mail.intro)}</p>`]),
    '<table>',
    ...lines.map(
      (l) =>
        `<tr><td style="color:#666">${escapeHtml(l.time)}</td><td><b>${escapeHtml(l.name)}</b></td>` +
        `<td style="white-space:pre-wrap">${escapeHtml(l.text)}</td></tr>`,
    ),
    '</table>',
    ...(mail.note === null ? [] : [`<p><i>${escapeHtml(mail.note)}</i></p>`]),
    '</body></html>',
  ].join('\n');
  const composer = new MailComposer({
    from: { name: mail.from.name, address: mail.from.address },
    to: [{ name: mail.to.name, address: mail.to.address }],
    subject: mail.subject,
    date: mail.sentAt,
    messageId: mail.messageId,
    headers: { 'X-Parley-Conversation-Id': context.event.conversationId },
    text,
    html,
  });
  const mime = await composer.compile().build();
  const received = `Received: by parley voicemail-ingest with IM id ${context.eventId}; ${context.now.toUTCString()}\r\n`;
  return Buffer.concat([Buffer.from(received, 'utf8'), mime]);
}

/** The first line of the first IM, as Lync titles a conversation. */
function subjectOf(text: string): string {
  const line = text.split(/\r?\n/, 1)[0].trim();
  const chars = [...(line === '' ? 'Conversation' : line)];
  return chars.length <= SUBJECT_MAX ? chars.join('') : `${chars.slice(0, SUBJECT_MAX - 1).join('')}…`;
}

/** HH:MM in UTC: the item's Date field carries the instant, clients show it in the reader's zone. */
function timeOf(instant: string): string {
  return `${new Date(instant).toISOString().slice(11, 16)} UTC`;
}

function domainOf(address: string): string {
  return address.split('@')[1] ?? 'localhost';
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
