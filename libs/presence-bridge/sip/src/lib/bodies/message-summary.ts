import type { MessageWaiting } from '@parley/presence-bridge/presence-engine';
import { echo, SipBodyError, SipBodyErrorCode } from './body-error';

/** The message-context-classes of RFC 3458 that RFC 3842 summary lines use, with their header names. */
const CLASS_HEADERS = {
  voice: 'Voice-Message',
  fax: 'Fax-Message',
  pager: 'Pager-Message',
  multimedia: 'Multimedia-Message',
  text: 'Text-Message',
  none: 'None',
} as const;
export type MessageContextClass = keyof typeof CLASS_HEADERS;

export interface MessageCounts {
  readonly newMessages: number;
  readonly oldMessages: number;
  /** Urgent ones among them; written only when both are given. */
  readonly urgentNew?: number;
  readonly urgentOld?: number;
}

/** An `application/simple-message-summary` body (RFC 3842 §5.2). */
export interface MessageSummary {
  readonly messagesWaiting: boolean;
  /** The account the summary is for (`Message-Account`). */
  readonly account: string | null;
  readonly counts: Partial<Record<MessageContextClass, MessageCounts>>;
}

export const MESSAGE_SUMMARY_MAX_BYTES = 8 * 1024;

/** The summary for a user's voicemail counts: waiting while any is unread, voice counts new/old. */
export function messageSummaryFor(sipUri: string, waiting: MessageWaiting): MessageSummary {
  return {
    messagesWaiting: waiting.newMessages > 0,
    account: sipUri,
    counts: { voice: { newMessages: waiting.newMessages, oldMessages: waiting.oldMessages } },
  };
}

function count(n: number, what: string): string {
  // A bad count is a programming error, not client data.
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer`);
  return String(n);
}

/** Writes the body, CRLF line ends, in the order of RFC 3842's grammar. */
export function writeMessageSummary(summary: MessageSummary): string {
  const lines = [`Messages-Waiting: ${summary.messagesWaiting ? 'yes' : 'no'}`];
  if (summary.account !== null) {
    if (/[\r\n]/.test(summary.account)) throw new RangeError('the account must be one line');
    lines.push(`Message-Account: ${summary.account}`);
  }
  for (const cls of Object.keys(CLASS_HEADERS) as MessageContextClass[]) {
    const c = summary.counts[cls];
    if (c === undefined) continue;
    let line = `${CLASS_HEADERS[cls]}: ${count(c.newMessages, 'newMessages')}/${count(c.oldMessages, 'oldMessages')}`;
    if (c.urgentNew !== undefined && c.urgentOld !== undefined)
      line += ` (${count(c.urgentNew, 'urgentNew')}/${count(c.urgentOld, 'urgentOld')})`;
    lines.push(line);
  }
  return lines.map((l) => `${l}\r\n`).join('');
}

const HEADER_LINE = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*?)[ \t]*$/;
const COUNTS = /^(\d{1,9})[ \t]*\/[ \t]*(\d{1,9})(?:[ \t]*\([ \t]*(\d{1,9})[ \t]*\/[ \t]*(\d{1,9})[ \t]*\))?$/;
const CLASS_BY_HEADER = new Map(Object.entries(CLASS_HEADERS).map(([cls, header]) => [header.toLowerCase(), cls as MessageContextClass]));

function refuse(message: string): SipBodyError {
  return new SipBodyError(SipBodyErrorCode.InvalidMessageSummary, message);
}

/**
 * Reads a message-summary body: the status line first, then the account and summary lines in
 * any order; other headers are ignored, and so is everything after the first empty line (the
 * optional headers of single messages).
 */
export function parseMessageSummary(body: string, maxBytes = MESSAGE_SUMMARY_MAX_BYTES): MessageSummary {
  if (Buffer.byteLength(body, 'utf8') > maxBytes) throw refuse(`The body is larger than ${maxBytes} bytes.`);
  const lines = body.split(/\r?\n/);
  const header = (line: string) => {
    const m = HEADER_LINE.exec(line);
    if (m === null) throw refuse(`'${echo(line, 40)}' is not a header line.`);
    return { name: m[1].toLowerCase(), value: m[2] };
  };
  const status = header(lines[0] ?? '');
  if (status.name !== 'messages-waiting') throw refuse('The body must start with Messages-Waiting.');
  const waiting = status.value.toLowerCase();
  if (waiting !== 'yes' && waiting !== 'no') throw refuse(`Messages-Waiting '${echo(status.value, 16)}' is neither yes nor no.`);

  let account: string | null = null;
  const counts: Partial<Record<MessageContextClass, MessageCounts>> = {};
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const { name, value } = header(line);
    if (name === 'message-account') {
      account = value;
      continue;
    }
    const cls = CLASS_BY_HEADER.get(name);
    if (cls === undefined) continue;
    const m = COUNTS.exec(value);
    if (m === null) throw refuse(`'${echo(value, 32)}' is not new/old counts.`);
    counts[cls] = {
      newMessages: Number(m[1]),
      oldMessages: Number(m[2]),
      ...(m[3] === undefined ? {} : { urgentNew: Number(m[3]), urgentOld: Number(m[4]) }),
    };
  }
  return { messagesWaiting: waiting === 'yes', account, counts };
}
