import { isDigit, isToken, isWs, trimWs } from './char-classes';
import { echo, SipErrorCode, SipParseError } from './sip-error';
import { SipHeaderField, SipHeaders } from './sip-headers';
import { SipLimits, sipLimits } from './sip-limits';
import { SipRequest } from './sip-request';
import { SipResponse } from './sip-response';
import { parseUri, Uri } from './sip-uri';

export type SipMessageOf = SipRequest | SipResponse;

export interface SipParseOptions {
  limits?: Partial<SipLimits>;
  /**
   * `stream` (TCP/TLS): the input is exactly one message cut by the framer; Content-Length is mandatory
   * (RFC 3261 §18.3). `message` (a WebSocket frame, RFC 7118 §5, or a datagram): Content-Length is optional;
   * without it the body is the rest of the input, with it octets beyond it are ignored.
   */
  framing?: 'stream' | 'message';
  /** Parse every header the codec knows a grammar for, instead of only the mandatory ones (`validateAll`). */
  strict?: boolean;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses one SIP message (RFC 3261 §7). Throws {@link SipParseError} for anything malformed; the mandatory
 * headers of a request or response are checked here, the rest parse on access.
 */
export function parseSipMessage(input: Buffer | string, options: SipParseOptions = {}): SipMessageOf {
  const limits = sipLimits(options.limits);
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  let start = 0;
  while (start + 1 < buf.length && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  if (buf.length > limits.maxMessageBytes) {
    const error = new SipParseError(
      SipErrorCode.MessageTooLarge,
      `The message is ${buf.length} bytes; the limit is ${limits.maxMessageBytes}.`,
    );
    const end = buf.subarray(0, limits.maxMessageBytes).indexOf(CRLFCRLF, start);
    if (end !== -1) error.parsed = readableHead(buf.subarray(start, end), limits);
    throw error;
  }
  const headEnd = buf.indexOf(CRLFCRLF, start);
  if (headEnd === -1) throw new SipParseError(SipErrorCode.MalformedHeaders, 'The header section does not end with an empty line.');
  const { message, deferred } = readHead(buf.subarray(start, headEnd), limits);
  const headers = message.headers;
  const bodyStart = headEnd + 4;
  try {
    const body = readBody(message, buf, bodyStart, limits, options.framing ?? 'message');
    const complete: SipMessageOf =
      message.kind === 'request'
        ? new SipRequest(message.method, message.uri, message.requestUriText, headers, body)
        : new SipResponse(message.status, message.reason, headers, body);
    if (deferred !== undefined) throw deferred;
    if (options.strict === true) complete.validateAll();
    else complete.validate();
    return complete;
  } catch (error) {
    if (error instanceof SipParseError && error.status !== undefined) error.parsed ??= message;
    throw error;
  }
}

/** Start line and headers; a problem that still leaves the message answerable is returned as `deferred`. */
function readHead(head: Buffer, limits: SipLimits): { message: SipMessageOf; deferred?: SipParseError } {
  const lines = decodeHead(head).split('\r\n');
  const startLine = parseStartLine(lines[0]);
  const headers = new SipHeaders(unfoldHeaders(lines, limits));
  const empty = Buffer.alloc(0);
  return startLine.kind === 'request'
    ? { message: new SipRequest(startLine.method, startLine.uri, startLine.uriText, headers, empty), deferred: startLine.deferred }
    : { message: new SipResponse(startLine.status, startLine.reason, headers, empty) };
}

/**
 * The header section (without its empty line) of a message refused as too large, when it is readable and
 * carries what a response needs: so the front can answer 413/513 (RFC 3261 §21.4.11, §21.5.14) before closing.
 */
export function readableHead(head: Buffer, limits: SipLimits): SipMessageOf | undefined {
  try {
    const { message, deferred } = readHead(head, limits);
    if (deferred !== undefined) return undefined;
    message.validate();
    return message;
  } catch (error) {
    if (error instanceof SipParseError) return undefined;
    throw error;
  }
}

function decodeHead(bytes: Buffer): string {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new SipParseError(SipErrorCode.InvalidEncoding, 'The header section is not valid UTF-8.');
  }
  // A lone CR or LF would end a line for one reader and not for another: a way to smuggle a header.
  // (NUL is legal inside a quoted-pair, RFC 3261 §25.1; RFC 4475 §3.1.1.2 sends one.)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d ? text.charCodeAt(i + 1) !== 0x0a : c === 0x0a && text.charCodeAt(i - 1) !== 0x0d) {
      throw new SipParseError(SipErrorCode.MalformedHeaders, 'A bare CR or LF in the header section.');
    }
  }
  return text;
}

type StartLine =
  | { kind: 'request'; method: string; uri: Uri; uriText: string; deferred?: SipParseError }
  | { kind: 'response'; status: number; reason: string };

function isSipVersion(text: string): boolean {
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT ("SIP" case-insensitively).
  if (text.length < 7 || text.slice(0, 4).toUpperCase() !== 'SIP/') return false;
  const dot = text.indexOf('.', 4);
  if (dot <= 4 || dot === text.length - 1) return false;
  for (let i = 4; i < text.length; i++) if (i !== dot && !isDigit(text.charCodeAt(i))) return false;
  return true;
}

function parseStartLine(line: string): StartLine {
  const invalid = (why: string) => new SipParseError(SipErrorCode.InvalidStartLine, `Invalid start line (${why}): '${echo(line)}'.`);
  const firstSp = line.indexOf(' ');
  if (firstSp <= 0) throw invalid('no space');
  const first = line.slice(0, firstSp);
  if (isSipVersion(first)) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const code = line.slice(firstSp + 1, firstSp + 4);
    if (code.length !== 3 || !isDigit(code.charCodeAt(0)) || !isDigit(code.charCodeAt(1)) || !isDigit(code.charCodeAt(2)))
      throw invalid('status code');
    const status = Number(code);
    if (status < 100 || status > 699 || line.charCodeAt(firstSp + 4) !== 0x20) throw invalid('status code');
    if (first.toUpperCase() !== 'SIP/2.0') throw invalid('version');
    return { kind: 'response', status, reason: line.slice(firstSp + 5) };
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  if (!isToken(first)) throw invalid('method');
  const lastSp = line.lastIndexOf(' ');
  const version = line.slice(lastSp + 1);
  if (lastSp === firstSp || !isSipVersion(version)) throw invalid('version');
  const uriText = line.slice(firstSp + 1, lastSp);
  const placeholder: Uri = { kind: 'other', scheme: '', text: uriText };
  if (version.toUpperCase() !== 'SIP/2.0') {
    const deferred = new SipParseError(SipErrorCode.UnsupportedVersion, `SIP version ${echo(version, 16)} is not supported.`);
    return { kind: 'request', method: first, uri: placeholder, uriText, deferred };
  }
  const badUri = (why: string) => ({
    kind: 'request' as const,
    method: first,
    uri: placeholder,
    uriText,
    deferred: new SipParseError(SipErrorCode.InvalidRequestUri, `Invalid Request-URI (${why}): '${echo(uriText)}'.`),
  });
  for (let i = 0; i < uriText.length; i++) if (isWs(uriText.charCodeAt(i))) return badUri('whitespace');
  const uri = parseUri(uriText);
  if (typeof uri === 'string') return badUri(uri);
  // RFC 3261 §19.1.1: headers are not allowed in a Request-URI.
  if (uri.kind === 'sip' && uri.headers.length > 0) return badUri('headers in a Request-URI');
  return { kind: 'request', method: first, uri, uriText };
}

/** Header lines after the start line: folding undone (RFC 3261 §7.3.1), names checked, limits applied. */
function unfoldHeaders(lines: string[], limits: SipLimits): SipHeaderField[] {
  const fields: { name: string; value: string }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (isWs(line.charCodeAt(0))) {
      const last = fields[fields.length - 1];
      if (last === undefined) throw new SipParseError(SipErrorCode.MalformedHeaders, 'A continuation line before any header.');
      const more = trimWs(line);
      if (more.length > 0) last.value = last.value.length === 0 ? more : `${last.value} ${more}`;
      if (last.name.length + last.value.length + 2 > limits.maxHeaderLineBytes) throw lineTooLong(limits);
      continue;
    }
    if (line.length > limits.maxHeaderLineBytes) throw lineTooLong(limits);
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : trimWs(line.slice(0, colon));
    if (!isToken(name)) throw new SipParseError(SipErrorCode.MalformedHeaders, `Not a header line: '${echo(line)}'.`);
    if (fields.length === limits.maxHeaders) {
      throw new SipParseError(SipErrorCode.TooManyHeaders, `More than ${limits.maxHeaders} header lines.`);
    }
    fields.push({ name, value: trimWs(line.slice(colon + 1)) });
  }
  return fields;
}

function lineTooLong(limits: SipLimits): SipParseError {
  return new SipParseError(SipErrorCode.HeaderLineTooLong, `A header line is longer than ${limits.maxHeaderLineBytes} bytes.`);
}

function readBody(message: SipMessageOf, buf: Buffer, bodyStart: number, limits: SipLimits, framing: 'stream' | 'message'): Buffer {
  const declared = message.contentLength();
  const available = buf.length - bodyStart;
  if (declared === undefined && framing === 'stream') {
    throw new SipParseError(SipErrorCode.MissingContentLength, 'Content-Length is mandatory on a stream transport.', 'Content-Length');
  }
  const length = declared ?? available;
  if (length > limits.maxBodyBytes) {
    throw new SipParseError(SipErrorCode.BodyTooLarge, `The body is ${length} bytes; the limit is ${limits.maxBodyBytes}.`);
  }
  if (length > available) {
    throw new SipParseError(
      SipErrorCode.TruncatedBody,
      `Content-Length is ${length} but only ${available} bytes follow.`,
      'Content-Length',
    );
  }
  // Copied so that a message kept in a registration or a queue does not pin the whole receive buffer.
  return Buffer.from(buf.subarray(bodyStart, bodyStart + length));
}
