import { type AddressObject, type Attachment, type ParsedMail, simpleParser } from 'mailparser';
import { randomBytes } from 'node:crypto';
import { calendarPartOf } from './calendar-part';
import { decodeHeaderValue } from './header-text';
import {
  DEFAULT_MAIL_PARSING_LIMITS,
  type MailParsingLimits,
  type MailParsingOptions,
  type ParsedAttachment,
  type ParsedInboundMail,
} from './inbound-mail';
import { type MimeStructure, type RawHeaderField, scanMimeStructure } from './mime-structure';
import { recognizeVoicemail } from './voicemail-recognition';

const CRLF = Buffer.from('\r\n');

/**
 * Parses a received mail and recognises voicemail in it (docs/voicemail-recognition.md). Never
 * throws for bad input: whatever the MIME, the result is a storable message, and `defects` says
 * what was wrong and what was made of it. The raw bytes are neither changed nor copied whole except
 * for the rare trimmed-header case.
 */
export async function parseInboundMail(raw: Buffer, options: MailParsingOptions): Promise<ParsedInboundMail> {
  const limits: MailParsingLimits = { ...DEFAULT_MAIL_PARSING_LIMITS, ...options.limits };
  const structure = scanMimeStructure(raw, limits);
  const defects = [...structure.defects];
  const keptFields = withinHeaderBudget(structure.headerFields, limits);
  const headers = keptFields.map((field) => ({ name: field.name, value: decodeHeaderValue(field.raw) }));
  const header = headerLookup(headers);

  let parsed: ParsedMail | null = null;
  let attachments: ParsedAttachment[] = [];
  try {
    const input = parserInput(raw, structure, keptFields);
    const skeleton = elideLargeBodies(raw, input, structure, options.elideBodiesFrom ?? ELIDE_BODIES_FROM);
    const fromSkeleton = skeleton === null ? null : await parseSkeleton(skeleton);
    if (fromSkeleton !== null) ({ parsed, attachments } = fromSkeleton);
    else {
      parsed = await simpleParser(input, PARSER_OPTIONS);
      attachments = parsed.attachments.map(toParsedAttachment);
    }
  } catch (error) {
    defects.push(`MIME parser gave up (${error instanceof Error ? error.message : String(error)}): stored without body or attachments`);
  }

  // Our own decoding: mailparser reads raw 8-bit header bytes as UTF-8 only.
  const subject = header('subject') ?? parsed?.subject ?? '';
  const from = firstAddress(parsed?.from);
  const bodyText = parsed === null ? null : parsed.text || null;
  const recognition = recognizeVoicemail({
    header,
    headerNames: headers.map((h) => h.name.toLowerCase()),
    subject,
    from,
    bodyText,
    attachments,
    defaultRegion: options.defaultRegion,
  });
  defects.push(...recognition.defects, ...missingFieldDefects(header, parsed));

  return {
    subject,
    from,
    to: addresses(parsed?.to),
    cc: addresses(parsed?.cc),
    sentAt: sentAtOf(header('date'), parsed),
    internetMessageId: parsed?.messageId ?? null,
    importance: importanceOf(header),
    headers,
    body: parsed?.html ? { type: 'HTML', content: parsed.html } : bodyText !== null ? { type: 'Text', content: bodyText } : null,
    attachments,
    itemClass: recognition.itemClass,
    voicemail: recognition.voicemail,
    missedCall: recognition.missedCall,
    calendar: calendarPartOf(attachments),
    truncated: structure.cutAt !== null || keptFields.length < structure.headerFieldCount,
    defects,
  };
}

const PARSER_OPTIONS = { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true } as const;

/** Base64 bodies from this size on are decoded here rather than by mailparser (see `elideLargeBodies`). */
const ELIDE_BODIES_FROM = 16 * 1024;

/** The parser's input with large base64 bodies replaced by short placeholders, and what each placeholder stands for. */
interface Skeleton {
  readonly input: Buffer;
  readonly elided: readonly { readonly placeholder: Buffer; readonly body: Buffer }[];
}

/**
 * mailparser decodes base64 through a per-byte line splitter, a streaming decoder and an MD5 of
 * every attachment: most of a voicemail's parse time goes into its recording. A large base64 body
 * is swapped for a placeholder and decoded here in one native call instead. Only bodies Node's
 * decoder reads as mailparser would (padding at the very end only) and only when the parser sees
 * the raw bytes unchanged (no trimmed header section); null when there is nothing to elide.
 */
function elideLargeBodies(raw: Buffer, input: Buffer, structure: MimeStructure, from: number): Skeleton | null {
  if (input.buffer !== raw.buffer || input.byteOffset !== raw.byteOffset) return null;
  const end = input.length;
  const bodies = structure.base64Bodies.filter((b) => b.end <= end && b.end - b.start >= from && paddedAtEndOnly(raw, b.start, b.end));
  if (bodies.length === 0) return null;
  const nonce = randomBytes(9).toString('hex');
  const pieces: Buffer[] = [];
  const elided: Skeleton['elided'][number][] = [];
  let at = 0;
  bodies.forEach((b, i) => {
    const placeholder = Buffer.from(`parley-elided-body-${i}-${nonce}`, 'latin1');
    pieces.push(raw.subarray(at, b.start), Buffer.from(placeholder.toString('base64'), 'latin1'));
    elided.push({ placeholder, body: Buffer.from(raw.toString('latin1', b.start, b.end), 'base64') });
    at = b.end;
  });
  pieces.push(raw.subarray(at, end));
  return { input: Buffer.concat(pieces), elided };
}

/** Node's decoder stops at the first `=`; mailparser's goes on past padding in mid-body, so such bodies stay with mailparser. */
function paddedAtEndOnly(raw: Buffer, start: number, end: number): boolean {
  const padding = raw.subarray(start, end).indexOf(0x3d);
  if (padding === -1) return true;
  for (let i = start + padding; i < end; i += 1) {
    const byte = raw[i];
    if (byte !== 0x3d && byte !== 0x0d && byte !== 0x0a && byte !== 0x20 && byte !== 0x09) return false;
  }
  return true;
}

/**
 * Parses the skeleton and puts each decoded body in its placeholder's attachment. Null when a
 * placeholder did not come back as exactly one attachment (mailparser split or decoded the mail
 * otherwise than the structure scan, or took the part as body text): then the caller parses the
 * whole input, so the result never depends on the shortcut.
 */
async function parseSkeleton(skeleton: Skeleton): Promise<{ parsed: ParsedMail; attachments: ParsedAttachment[] } | null> {
  const parsed = await simpleParser(skeleton.input, PARSER_OPTIONS);
  const attachments = parsed.attachments.map(toParsedAttachment);
  for (const { placeholder, body } of skeleton.elided) {
    const matches = attachments.flatMap((a, i) => (a.content.equals(placeholder) ? [i] : []));
    if (matches.length !== 1) return null;
    attachments[matches[0]] = { ...attachments[matches[0]], content: body };
  }
  const marker = skeleton.elided[0].placeholder.toString('latin1').split('-').pop() ?? '';
  if (`${parsed.text ?? ''}${parsed.html || ''}`.includes(marker)) return null;
  return { parsed, attachments };
}

/** What mailparser gets: the raw bytes, cut before parts past the limits, or with a trimmed header section. */
function parserInput(raw: Buffer, structure: MimeStructure, keptFields: readonly RawHeaderField[]): Buffer {
  const end = structure.cutAt ?? raw.length;
  if (!structure.hasHeaderSection) {
    // An empty header section first, so all of the input is body rather than a broken header.
    return Buffer.concat([CRLF, raw]);
  }
  if (!structure.headerSectionOverLimit) {
    return end === raw.length ? raw : raw.subarray(0, end);
  }
  const fields = [...keptFields, ...structure.mimeFields.filter((field) => !keptFields.includes(field))];
  const section = fields.flatMap((field) => [Buffer.from(`${field.name}:`, 'latin1'), field.raw, CRLF]);
  return Buffer.concat([...section, CRLF, raw.subarray(structure.bodyStart, end)]);
}

function withinHeaderBudget(fields: readonly RawHeaderField[], limits: MailParsingLimits): RawHeaderField[] {
  const kept: RawHeaderField[] = [];
  let bytes = 0;
  for (const field of fields.slice(0, limits.maxHeaderFields)) {
    bytes += field.name.length + field.raw.length + 3;
    if (bytes > limits.maxHeaderBytes) break;
    kept.push(field);
  }
  return kept;
}

function headerLookup(headers: readonly { name: string; value: string }[]): (name: string) => string | null {
  const first = new Map<string, string>();
  for (const { name, value } of headers) {
    const key = name.toLowerCase();
    if (!first.has(key)) first.set(key, value);
  }
  return (name) => first.get(name.toLowerCase()) ?? null;
}

function toParsedAttachment(attachment: Attachment): ParsedAttachment {
  return {
    filename: attachment.filename ?? null,
    contentType: declaredContentType(attachment),
    content: attachment.content,
    contentId: attachment.cid ?? null,
    inline: attachment.contentDisposition === 'inline' || (attachment.related === true && attachment.contentDisposition !== 'attachment'),
  };
}

/** mailparser replaces `application/octet-stream` by a type guessed from the file name; the store keeps what the part said. */
function declaredContentType(attachment: Attachment): string {
  const declared = attachment.headers.get('content-type');
  const value = typeof declared === 'object' && declared !== null && 'value' in declared ? declared.value : null;
  return typeof value === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(value.trim())
    ? value.trim().toLowerCase()
    : attachment.contentType.toLowerCase();
}

function missingFieldDefects(header: (name: string) => string | null, parsed: ParsedMail | null): string[] {
  const defects: string[] = [];
  if (header('date') === null) defects.push('no Date header: sentAt is null');
  else if (sentAtOf(header('date'), parsed) === null)
    defects.push(`Date header ${JSON.stringify(header('date'))} is not a valid date: sentAt is null`);
  if (header('message-id') === null) defects.push('no Message-ID header');
  if (header('from') === null) defects.push('no From header');
  return defects;
}

/** The Date header's instant; null when absent or unreadable (mailparser would put the parse time in its place). */
function sentAtOf(dateHeader: string | null, parsed: ParsedMail | null): Date | null {
  if (dateHeader === null || Number.isNaN(Date.parse(dateHeader.replace(/\([^()]*\)/g, ' ')))) return null;
  const date = parsed?.date;
  return date !== undefined && !Number.isNaN(date.getTime()) ? date : new Date(Date.parse(dateHeader.replace(/\([^()]*\)/g, ' ')));
}

/** Importance, then X-Priority (1–2 high, 4–5 low), then Priority, then X-MSMail-Priority, then Asterisk's urgent flag. */
function importanceOf(header: (name: string) => string | null): ParsedInboundMail['importance'] {
  const importance = header('importance')?.trim().toLowerCase();
  if (importance === 'high' || importance === 'low' || importance === 'normal') return capitalize(importance);
  const xPriority = /^\s*([1-5])\b/.exec(header('x-priority') ?? '')?.[1];
  if (xPriority) return xPriority <= '2' ? 'High' : xPriority >= '4' ? 'Low' : 'Normal';
  const priority = header('priority')?.trim().toLowerCase();
  if (priority === 'urgent') return 'High';
  if (priority === 'non-urgent') return 'Low';
  if (priority === 'normal') return 'Normal';
  const msMail = header('x-msmail-priority')?.trim().toLowerCase();
  if (msMail === 'high' || msMail === 'low' || msMail === 'normal') return capitalize(msMail);
  if (/^urgent$/i.test(header('x-asterisk-vm-flag')?.trim() ?? '')) return 'High';
  return 'Normal';
}

function capitalize(value: 'high' | 'low' | 'normal'): ParsedInboundMail['importance'] {
  return value === 'high' ? 'High' : value === 'low' ? 'Low' : 'Normal';
}

function addresses(field: AddressObject | AddressObject[] | undefined): ParsedInboundMail['to'] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list
    .flatMap((o) => o.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((a) => ({ address: (a.address ?? '').slice(0, 320), name: a.name ? a.name.slice(0, 256) : null }));
}

function firstAddress(field: AddressObject | undefined): ParsedInboundMail['from'] {
  return addresses(field)[0] ?? null;
}
