import { trimWs } from './char-classes';
import { echo, SipErrorCode, SipParseError } from './sip-error';
import { headerKey } from './header-names';
import { SipLimits, sipLimits } from './sip-limits';
import { parseSipMessage, SipMessageOf } from './sip-parser';

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

const CRLFCRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

/**
 * Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3): headers up to the empty line, then exactly
 * Content-Length octets of body. Never holds more than one message's limit plus the current chunk; a framing
 * error (no Content-Length, oversized, garbage instead of a header section) is thrown and leaves the framer
 * failed — the connection must be closed since the next message boundary is unknown.
 */
export class SipStreamFramer {
  private readonly limits: SipLimits;
  private pending: Buffer = EMPTY;
  /** Where the search for CRLFCRLF resumes, so a header section arriving byte by byte is scanned once. */
  private scanFrom = 0;
  /** Total length of the message at the head of `pending`, once its header section is complete. */
  private expected: number | undefined;
  private failure: SipParseError | undefined;

  constructor(private readonly options: { limits?: Partial<SipLimits>; strict?: boolean } = {}) {
    this.limits = sipLimits(options.limits);
  }

  /** Bytes received but not yet part of a complete message. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): SipStreamEvent[] {
    if (this.failure !== undefined) throw this.failure;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const events: SipStreamEvent[] = [];
    try {
      for (;;) {
        if (this.expected === undefined) {
          const keepAlive = this.skipKeepAlive();
          if (keepAlive === 'wait') break;
          if (keepAlive === 'ping') {
            events.push({ kind: 'ping' });
            continue;
          }
          if (keepAlive === 'pong') continue;
          if (!this.findHead()) break;
        }
        const total = this.expected as number;
        if (this.pending.length < total) break;
        const bytes = this.pending.subarray(0, total);
        this.pending = this.pending.length === total ? EMPTY : this.pending.subarray(total);
        this.expected = undefined;
        this.scanFrom = 0;
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
        this.pending = EMPTY;
      }
      throw error;
    }
    return events;
  }

  /** CRLFs between messages: a double one is a ping, a single one is a pong (or stray) and is dropped. */
  private skipKeepAlive(): 'wait' | 'ping' | 'pong' | 'none' {
    const p = this.pending;
    if (p.length === 0) return 'wait';
    if (p[0] !== 0x0d) return 'none';
    if (p.length === 1) return 'wait';
    if (p[1] !== 0x0a) return 'none';
    if (p.length === 2 || (p.length === 3 && p[2] === 0x0d)) return 'wait';
    const ping = p[2] === 0x0d && p[3] === 0x0a;
    this.pending = p.subarray(ping ? 4 : 2);
    return ping ? 'ping' : 'pong';
  }

  /** Looks for the end of the header section and reads Content-Length from it; false when more bytes are needed. */
  private findHead(): boolean {
    const end = this.pending.indexOf(CRLFCRLF, Math.max(0, this.scanFrom - 3));
    if (end === -1) {
      this.scanFrom = this.pending.length;
      if (this.pending.length > this.limits.maxMessageBytes) {
        throw new SipParseError(SipErrorCode.MessageTooLarge, `No end of headers within ${this.limits.maxMessageBytes} bytes.`);
      }
      return false;
    }
    const bodyLength = contentLength(this.pending.subarray(0, end));
    if (bodyLength > this.limits.maxBodyBytes) {
      throw new SipParseError(SipErrorCode.BodyTooLarge, `The body is ${bodyLength} bytes; the limit is ${this.limits.maxBodyBytes}.`);
    }
    const total = end + 4 + bodyLength;
    if (total > this.limits.maxMessageBytes) {
      throw new SipParseError(SipErrorCode.MessageTooLarge, `The message is ${total} bytes; the limit is ${this.limits.maxMessageBytes}.`);
    }
    this.expected = total;
    return true;
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
