import { trimWs } from './char-classes';
import { echo, SipErrorCode, SipParseError } from './sip-error';
import { headerKey } from './header-names';
import { SipLimits, sipLimits } from './sip-limits';
import { parseSipMessage, readableHead, SipMessageOf } from './sip-parser';

export type SipStreamEvent =
  /** A complete, valid message. */
  | { readonly kind: 'message'; readonly message: SipMessageOf }
  /**
   * A complete message that the codec refused (missing header, bad URI …). The stream is still in step, so
   * the front answers `error.status` when `error.parsed` is a request, and carries on reading.
   */
  | { readonly kind: 'invalid'; readonly error: SipParseError }
  /** An RFC 5626 §3.5.1 keep-alive ping (CRLFCRLF): answer with a single CRLF pong. */
  | { readonly kind: 'ping' };

const EMPTY = Buffer.alloc(0);

/**
 * Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3): headers up to the empty line, then exactly
 * Content-Length octets of body. Never holds more than one message's limit plus the current chunk, and does
 * work linear in the bytes received however they are split (chunks are joined once per message, not per push).
 * A framing error (no Content-Length, oversized, a header section that never ends) is thrown and leaves the
 * framer failed: the connection must be closed since the next message boundary is unknown.
 */
export class SipStreamFramer {
  private readonly limits: SipLimits;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Progress of the search for CRLFCRLF: where it resumes (chunk, offset, absolute) and how much of it matched. */
  private scanChunk = 0;
  private scanOffset = 0;
  private scanned = 0;
  private matched = 0;
  /** Total length of the message at the head of the buffer, once its header section is complete. */
  private expected: number | undefined;
  private failure: SipParseError | undefined;

  constructor(private readonly options: { limits?: Partial<SipLimits>; strict?: boolean } = {}) {
    this.limits = sipLimits(options.limits);
  }

  /** Bytes received but not yet part of a complete message. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): SipStreamEvent[] {
    if (this.failure !== undefined) throw this.failure;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const events: SipStreamEvent[] = [];
    try {
      for (;;) {
        if (this.expected === undefined) {
          const keepAlive = this.scanned === 0 ? this.skipKeepAlive() : 'none';
          if (keepAlive === 'wait') break;
          if (keepAlive === 'ping') {
            events.push({ kind: 'ping' });
            continue;
          }
          if (keepAlive === 'pong') continue;
          if (!this.findHead()) break;
        }
        const total = this.expected as number;
        if (this.buffered < total) break;
        const bytes = this.consume(total);
        this.expected = undefined;
        try {
          events.push({ kind: 'message', message: parseSipMessage(bytes, { ...this.options, framing: 'stream' }) });
        } catch (error) {
          if (!(error instanceof SipParseError)) throw error;
          events.push({ kind: 'invalid', error });
        }
      }
    } catch (error) {
      if (error instanceof SipParseError) {
        this.failure = error;
        this.chunks = [];
        this.buffered = 0;
      }
      throw error;
    }
    return events;
  }

  /** CRLFs between messages: a double one is a ping, a single one is a pong (or stray) and is dropped. */
  private skipKeepAlive(): 'wait' | 'ping' | 'pong' | 'none' {
    const n = this.buffered;
    if (n === 0) return 'wait';
    if (this.byteAt(0) !== 0x0d) return 'none';
    if (n === 1) return 'wait';
    if (this.byteAt(1) !== 0x0a) return 'none';
    if (n === 2 || (n === 3 && this.byteAt(2) === 0x0d)) return 'wait';
    const ping = this.byteAt(2) === 0x0d && this.byteAt(3) === 0x0a;
    this.consume(ping ? 4 : 2);
    return ping ? 'ping' : 'pong';
  }

  /** Scans the bytes not yet scanned for the end of the header section; false when more bytes are needed. */
  private findHead(): boolean {
    for (; this.scanChunk < this.chunks.length; this.scanChunk++, this.scanOffset = 0) {
      const chunk = this.chunks[this.scanChunk];
      for (; this.scanOffset < chunk.length; this.scanOffset++) {
        const b = chunk[this.scanOffset];
        this.scanned++;
        // CR LF CR LF: on a mismatch, a CR can still start the sequence.
        this.matched = b === (this.matched % 2 === 0 ? 0x0d : 0x0a) ? this.matched + 1 : b === 0x0d ? 1 : 0;
        if (this.matched === 4) return this.headComplete(this.scanned);
      }
    }
    if (this.buffered > this.limits.maxMessageBytes) {
      throw new SipParseError(SipErrorCode.MessageTooLarge, `No end of headers within ${this.limits.maxMessageBytes} bytes.`);
    }
    return false;
  }

  private headComplete(headLength: number): boolean {
    const head = this.flatten().subarray(0, headLength - 4);
    const bodyLength = contentLength(head);
    const total = headLength + bodyLength;
    const tooLarge =
      bodyLength > this.limits.maxBodyBytes
        ? new SipParseError(SipErrorCode.BodyTooLarge, `The body is ${bodyLength} bytes; the limit is ${this.limits.maxBodyBytes}.`)
        : total > this.limits.maxMessageBytes
          ? new SipParseError(SipErrorCode.MessageTooLarge, `The message is ${total} bytes; the limit is ${this.limits.maxMessageBytes}.`)
          : undefined;
    if (tooLarge !== undefined) {
      // The headers are in hand: the front can still answer 413/513 before it closes the connection.
      tooLarge.parsed = readableHead(head, this.limits);
      throw tooLarge;
    }
    this.expected = total;
    return true;
  }

  private byteAt(index: number): number {
    let i = index;
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i];
      i -= chunk.length;
    }
    return -1;
  }

  /** Joins the buffered chunks into one (once per message) and returns it. */
  private flatten(): Buffer {
    if (this.chunks.length > 1) {
      this.chunks = [Buffer.concat(this.chunks, this.buffered)];
      this.scanChunk = 0;
      this.scanOffset = this.scanned;
    }
    return this.chunks[0] ?? EMPTY;
  }

  /** Removes the first `n` bytes and starts the next message's scan. */
  private consume(n: number): Buffer {
    const all = this.flatten();
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    this.scanChunk = 0;
    this.scanOffset = 0;
    this.scanned = 0;
    this.matched = 0;
    return all.subarray(0, n);
  }
}

/** Content-Length (or `l`) from a raw header section; only this one header is needed to find the boundary. */
function contentLength(head: Buffer): number {
  // latin1 maps each byte to one character: header names are ASCII, and the parser checks UTF-8 later.
  const lines = head.toString('latin1').split('\r\n');
  let value: string | undefined;
  let current: string | undefined;
  const take = () => {
    if (current === undefined) return;
    const colon = current.indexOf(':');
    if (colon > 0 && headerKey(trimWs(current.slice(0, colon))) === 'content-length') {
      if (value !== undefined) throw invalidLength('Content-Length appears more than once.');
      value = trimWs(current.slice(colon + 1));
    }
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > 0 && (line[0] === ' ' || line[0] === '\t') && current !== undefined) current += ` ${trimWs(line)}`;
    else {
      take();
      current = line;
    }
  }
  take();
  if (value === undefined) {
    throw new SipParseError(SipErrorCode.MissingContentLength, 'Content-Length is mandatory on a stream transport.', 'Content-Length');
  }
  if (value.length === 0 || value.length > 10 || ![...value].every((ch) => ch >= '0' && ch <= '9')) {
    throw invalidLength(`Invalid Content-Length '${echo(value, 16)}'.`);
  }
  return Number(value);
}

function invalidLength(message: string): SipParseError {
  return new SipParseError(SipErrorCode.InvalidHeader, message, 'Content-Length');
}
