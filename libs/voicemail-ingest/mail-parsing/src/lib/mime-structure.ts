import type { MailParsingLimits } from './inbound-mail';

/** One header field as found in the raw bytes: `raw` is the value (after the colon), still folded and undecoded. */
export interface RawHeaderField {
  readonly name: string;
  readonly raw: Buffer;
}

/**
 * What one linear pass over the raw MIME found before the full parser runs: the top-level header
 * fields, whether the mail stays within the limits, and what is malformed. The full parser
 * (mailparser) repairs quietly or gives up on oversized input; this pass names the defects and
 * says how much of the input the parser may see.
 */
export interface MimeStructure {
  /** The top-level header fields, at most `maxHeaderFields`. */
  readonly headerFields: readonly RawHeaderField[];
  /** Content-Type, Content-Transfer-Encoding and MIME-Version of the top level, wherever they stood (for a trimmed copy). */
  readonly mimeFields: readonly RawHeaderField[];
  readonly headerFieldCount: number;
  /** Where the top-level body starts (raw.length when there is none). */
  readonly bodyStart: number;
  /** False when the input does not start with a header field (then it is all body). */
  readonly hasHeaderSection: boolean;
  /** The top-level header section is over a limit: the parser must get a trimmed copy. */
  readonly headerSectionOverLimit: boolean;
  /** Offset where the first part past a limit starts; the parser sees only what is before it. */
  readonly cutAt: number | null;
  /** The base64 bodies of leaf parts (not multipart, not attached messages) before `cutAt`, in order: [start, end) of each. */
  readonly base64Bodies: readonly BodyRange[];
  readonly defects: readonly string[];
}

export interface BodyRange {
  readonly start: number;
  readonly end: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const HYPHEN = 0x2d;
/** RFC 5322 field name: printable US-ASCII except the colon. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** A delimiter line may carry trailing white space (RFC 2046 transport padding); beyond this it is content. */
const MAX_DELIMITER_PADDING = 998;
const MIME_FIELDS = new Set(['content-type', 'content-transfer-encoding', 'mime-version']);

interface HeaderSection {
  readonly fields: RawHeaderField[];
  readonly mimeFields: RawHeaderField[];
  readonly fieldCount: number;
  readonly contentType: string | null;
  readonly transferEncoding: string | null;
  readonly bodyStart: number;
  readonly malformedLines: number;
}

export function scanMimeStructure(raw: Buffer, limits: MailParsingLimits): MimeStructure {
  const defects: string[] = [];
  if (raw.length === 0) {
    defects.push('empty input: stored as a message without subject, body or attachments');
  }
  const top = readHeaderSection(raw, 0, raw.length, limits.maxHeaderFields);
  const hasHeaderSection = top.fieldCount > 0 || raw.length === 0 || startsWithBlankLine(raw);
  if (!hasHeaderSection) {
    defects.push('no header section: the whole input is taken as a plain-text body');
    return {
      headerFields: [],
      mimeFields: [],
      headerFieldCount: 0,
      bodyStart: 0,
      hasHeaderSection,
      headerSectionOverLimit: false,
      cutAt: null,
      base64Bodies: [],
      defects,
    };
  }
  if (top.malformedLines > 0) {
    defects.push(`${top.malformedLines} line(s) in the header section are not header fields and were ignored`);
  }
  const topHeaderBytes = top.bodyStart;
  const headerSectionOverLimit = top.fieldCount > limits.maxHeaderFields || topHeaderBytes > limits.maxHeaderBytes;
  if (top.fieldCount > limits.maxHeaderFields) {
    defects.push(
      `${top.fieldCount} header fields, over the limit of ${limits.maxHeaderFields}: only the first ${limits.maxHeaderFields} kept`,
    );
  }
  if (topHeaderBytes > limits.maxHeaderBytes) {
    defects.push(`header section of ${topHeaderBytes} bytes, over the limit of ${limits.maxHeaderBytes}: fields past it dropped`);
  }
  const walk = new StructureWalk(raw, limits, defects);
  walk.entityBody(top, raw.length, 0);
  return {
    headerFields: top.fields,
    mimeFields: top.mimeFields,
    headerFieldCount: top.fieldCount,
    bodyStart: top.bodyStart,
    hasHeaderSection,
    headerSectionOverLimit,
    cutAt: walk.cutAt,
    base64Bodies: walk.base64Bodies,
    defects,
  };
}

class StructureWalk {
  cutAt: number | null = null;
  readonly base64Bodies: BodyRange[] = [];
  private parts = 0;

  constructor(
    private readonly raw: Buffer,
    private readonly limits: MailParsingLimits,
    private readonly defects: string[],
  ) {}

  /** Walks a nested entity; false once a limit has cut the rest off. */
  private entity(start: number, end: number, depth: number): boolean {
    this.parts += 1;
    if (this.parts > this.limits.maxParts) {
      return this.cut(start, `more than ${this.limits.maxParts} MIME parts`);
    }
    const section = readHeaderSection(this.raw, start, end, this.limits.maxHeaderFields);
    if (section.fieldCount > this.limits.maxHeaderFields || section.bodyStart - start > this.limits.maxHeaderBytes) {
      return this.cut(
        start,
        `a MIME part's header section is over the limits (${section.fieldCount} fields, ${section.bodyStart - start} bytes)`,
      );
    }
    return this.entityBody(section, end, depth);
  }

  entityBody(section: HeaderSection, end: number, depth: number): boolean {
    const contentType = section.contentType?.trim().toLowerCase() ?? '';
    if (contentType.startsWith('message/rfc822') || contentType.startsWith('message/global')) {
      // The parser walks into attached messages too, so they count towards depth and parts.
      if (depth + 1 > this.limits.maxMultipartDepth) {
        return this.cut(section.bodyStart, `nesting deeper than the limit of ${this.limits.maxMultipartDepth}`);
      }
      return this.entity(section.bodyStart, end, depth + 1);
    }
    if (!contentType.startsWith('multipart/')) {
      if (section.transferEncoding?.trim().toLowerCase() === 'base64') this.base64Bodies.push({ start: section.bodyStart, end });
      return true;
    }
    if (depth + 1 > this.limits.maxMultipartDepth) {
      return this.cut(section.bodyStart, `nesting deeper than the limit of ${this.limits.maxMultipartDepth}`);
    }
    const boundary = boundaryOf(section.contentType ?? '');
    if (boundary === null) {
      this.defects.push(`${contentType.split(';')[0]} without a boundary parameter: its content is not split into parts`);
      return true;
    }
    const { parts, closed } = this.findParts(boundary, section.bodyStart, end);
    if (parts.length === 0) {
      this.defects.push(`multipart boundary "${boundary}" never occurs: the multipart has no parts`);
      return true;
    }
    if (!closed) {
      this.defects.push(`multipart boundary "${boundary}" has no closing delimiter: the last part runs to the end`);
    }
    for (const [partStart, partEnd] of parts) {
      if (!this.entity(partStart, partEnd, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private findParts(boundary: string, from: number, end: number): { parts: [number, number][]; closed: boolean } {
    const delimiter = Buffer.from(`--${boundary}`, 'latin1');
    // Searches stay inside the part (a view, not a copy): a boundary missing from every one of many
    // nested parts must not make each search run to the end of a large mail.
    const view = this.raw.subarray(0, end);
    const parts: [number, number][] = [];
    let partStart: number | null = null;
    let at = view.indexOf(delimiter, from);
    while (at !== -1) {
      const atLineStart = at === from || this.raw[at - 1] === LF;
      const afterName = at + delimiter.length;
      const closing = this.raw[afterName] === HYPHEN && this.raw[afterName + 1] === HYPHEN;
      const lineEnd = atLineStart ? delimiterLineEnd(this.raw, closing ? afterName + 2 : afterName, end) : -1;
      if (lineEnd !== -1) {
        if (partStart !== null) {
          parts.push([partStart, contentEndBefore(this.raw, at, partStart)]);
        }
        if (closing) {
          return { parts, closed: true };
        }
        partStart = lineEnd;
      }
      at = view.indexOf(delimiter, afterName);
    }
    if (partStart !== null) {
      parts.push([partStart, end]);
    }
    return { parts, closed: false };
  }

  private cut(at: number, why: string): false {
    this.cutAt = at;
    this.defects.push(`${why}: the mail is cut at byte ${at}, parts from there on are dropped (the original MIME is kept whole)`);
    return false;
  }
}

/** Reads header fields from `start` to the first empty line; keeps at most `keep` of them, but always finds Content-Type. */
function readHeaderSection(raw: Buffer, start: number, end: number, keep: number): HeaderSection {
  const fields: RawHeaderField[] = [];
  const mimeFields: RawHeaderField[] = [];
  let fieldCount = 0;
  let malformedLines = 0;
  let contentType: string | null = null;
  let transferEncoding: string | null = null;
  let current: { name: string; valueStart: number; valueEnd: number } | null = null;
  const finish = (): void => {
    if (current === null) return;
    const field = { name: current.name, raw: raw.subarray(current.valueStart, current.valueEnd) };
    const lowerName = current.name.toLowerCase();
    if (contentType === null && lowerName === 'content-type') {
      contentType = unfold(field.raw.toString('latin1'));
    }
    if (transferEncoding === null && lowerName === 'content-transfer-encoding') {
      transferEncoding = unfold(field.raw.toString('latin1'));
    }
    if (MIME_FIELDS.has(lowerName) && !mimeFields.some((f) => f.name.toLowerCase() === lowerName)) {
      mimeFields.push(field);
    }
    if (fieldCount <= keep) {
      fields.push(field);
    }
    current = null;
  };
  const view = raw.subarray(0, end);
  let pos = start;
  while (pos < end) {
    let lineEnd = view.indexOf(LF, pos);
    if (lineEnd === -1) lineEnd = end;
    const contentEnd = lineEnd > pos && raw[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    if (contentEnd === pos) {
      finish();
      return { fields, mimeFields, fieldCount, contentType, transferEncoding, bodyStart: Math.min(lineEnd + 1, end), malformedLines };
    }
    if (raw[pos] === SP || raw[pos] === HTAB) {
      if (current !== null) current.valueEnd = contentEnd;
      else malformedLines += 1;
    } else {
      finish();
      const colon = raw.subarray(0, contentEnd).indexOf(0x3a, pos);
      const name = colon > pos && colon < contentEnd ? raw.toString('latin1', pos, colon).trimEnd() : '';
      if (FIELD_NAME.test(name)) {
        fieldCount += 1;
        current = { name, valueStart: colon + 1, valueEnd: contentEnd };
      } else if (fieldCount === 0 && malformedLines === 0 && !isMboxFromLine(raw, pos)) {
        // The first line is not a header field: there is no header section at all.
        return { fields, mimeFields, fieldCount: 0, contentType: null, transferEncoding: null, bodyStart: start, malformedLines: 0 };
      } else {
        malformedLines += 1;
      }
    }
    pos = lineEnd + 1;
  }
  finish();
  return { fields, mimeFields, fieldCount, contentType, transferEncoding, bodyStart: end, malformedLines };
}

function isMboxFromLine(raw: Buffer, pos: number): boolean {
  return raw.toString('latin1', pos, pos + 5) === 'From ';
}

function startsWithBlankLine(raw: Buffer): boolean {
  return raw[0] === LF || (raw[0] === CR && raw[1] === LF);
}

/** The end of a delimiter line (offset after its LF), or -1 when what follows the boundary makes it content. */
function delimiterLineEnd(raw: Buffer, from: number, end: number): number {
  const limit = Math.min(end, from + MAX_DELIMITER_PADDING);
  for (let i = from; i < limit; i += 1) {
    const byte = raw[i];
    if (byte === LF) return i + 1;
    if (byte !== SP && byte !== HTAB && byte !== CR) return -1;
  }
  return limit === end ? end : -1;
}

/** The line break before a delimiter belongs to the delimiter (RFC 2046). */
function contentEndBefore(raw: Buffer, delimiterAt: number, partStart: number): number {
  let contentEnd = delimiterAt;
  if (contentEnd > partStart && raw[contentEnd - 1] === LF) contentEnd -= 1;
  if (contentEnd > partStart && raw[contentEnd - 1] === CR) contentEnd -= 1;
  return contentEnd;
}

export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').trim();
}

export function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2] ?? null;
  return boundary === null || boundary.length === 0 || boundary.length > 200 ? null : boundary;
}
