import { HOST, IPV6, is, isDigit, isWs, scanMeter, TOKEN, trimWs } from './char-classes';
import { parseUri, Uri } from './sip-uri';

/** Header parameters (`;name=value`), names lower-cased; quoted values unquoted; no value → null. */
export type SipParams = ReadonlyMap<string, string | null>;

/** A name-addr / addr-spec value of To, From, Contact, Route, Record-Route, Refer-To … */
export interface NameAddr {
  readonly displayName?: string;
  readonly uri: Uri;
  readonly params: SipParams;
}

/** One Via element (RFC 3261 §20.42). */
export interface Via {
  /** `SIP/2.0`, upper-cased. */
  readonly protocol: string;
  /** `UDP`, `TCP`, `TLS`, `WS`, `WSS` …, upper-cased. */
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly params: SipParams;
  readonly branch?: string;
  readonly received?: string;
  /** `;rport` present: null when empty (a request asking for it), the number when filled in. */
  readonly rport?: number | null;
}

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** Thrown by the grammar functions; the message layer turns it into a SipParseError naming the header. */
export class GrammarError extends Error {}

/**
 * Splits a list header at top-level commas: commas inside quoted strings and `<…>` do not count.
 * Elements are trimmed; empty elements are kept (the caller decides whether `a,,b` is legal).
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (c === 0x22) inQuote = true;
    else if (c === 0x3c) inAngle = true;
    else if (c === 0x3e) inAngle = false;
    else if (c === 0x2c && !inAngle) {
      out.push(trimWs(value.slice(start, i)));
      start = i + 1;
    }
  }
  out.push(trimWs(value.slice(start)));
  scanMeter.steps += value.length;
  return out;
}

/** A position in a header value with the few scanning steps the grammar needs. */
class Cursor {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }
  peek(): number {
    return this.s.charCodeAt(this.i);
  }
  skipWs(): number {
    const start = this.i;
    while (this.i < this.s.length && isWs(this.s.charCodeAt(this.i))) this.i++;
    return this.i - start;
  }
  /** Consumes `ch` (with whitespace either side) or returns false. */
  eat(ch: number): boolean {
    const save = this.i;
    this.skipWs();
    if (this.peek() === ch) {
      this.i++;
      this.skipWs();
      return true;
    }
    this.i = save;
    return false;
  }
  token(what: string): string {
    const start = this.i;
    while (this.i < this.s.length && is(TOKEN, this.s.charCodeAt(this.i))) this.i++;
    if (this.i === start) throw new GrammarError(`expected ${what}`);
    return this.s.slice(start, this.i);
  }
  /** A quoted-string at the cursor, returned without quotes and with quoted-pairs resolved. */
  quoted(): string {
    if (this.peek() !== 0x22) throw new GrammarError('expected a quoted string');
    let out = '';
    for (let i = this.i + 1; i < this.s.length; i++) {
      scanMeter.steps++;
      const c = this.s.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return out;
      }
      if (c === 0x5c) {
        if (i + 1 >= this.s.length) break;
        i++;
      }
      out += this.s[i];
    }
    throw new GrammarError('unterminated quoted string');
  }
  expectEnd(): void {
    this.skipWs();
    if (!this.done) throw new GrammarError(`unexpected '${this.s[this.i]}'`);
  }
}

/** `*( SEMI generic-param )` up to the end of the value. gen-value = token / host / quoted-string. */
function params(c: Cursor): Map<string, string | null> {
  const out = new Map<string, string | null>();
  while (c.eat(0x3b)) {
    const name = c.token('a parameter name').toLowerCase();
    let value: string | null = null;
    if (c.eat(0x3d)) {
      if (c.peek() === 0x22) value = c.quoted();
      else if (c.peek() === 0x5b) {
        const close = c.s.indexOf(']', c.i);
        if (close === -1) throw new GrammarError('unterminated IPv6 reference');
        value = c.s.slice(c.i, close + 1);
        c.i = close + 1;
      } else {
        // A token; `:` also appears in bare IPv6 `received` values (RFC 5118 §4.5).
        const start = c.i;
        while (!c.done && (is(TOKEN, c.peek()) || c.peek() === 0x3a)) c.i++;
        if (c.i === start) throw new GrammarError(`parameter '${name}' has no value`);
        value = c.s.slice(start, c.i);
      }
    }
    out.set(name, value);
  }
  c.expectEnd();
  return out;
}

function uriOrThrow(text: string): Uri {
  const uri = parseUri(text);
  if (typeof uri === 'string') throw new GrammarError(`invalid URI: ${uri}`);
  return uri;
}

/** name-addr / addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39). */
export function parseNameAddr(value: string): NameAddr {
  const c = new Cursor(value);
  c.skipWs();
  let displayName: string | undefined;
  if (c.peek() === 0x22) {
    displayName = c.quoted();
    c.skipWs();
    if (c.peek() !== 0x3c) throw new GrammarError("expected '<' after the display name");
  } else {
    // display-name = *(token LWS): read tokens while they are followed by more tokens or by `<`.
    const start = c.i;
    const words: string[] = [];
    while (!c.done && is(TOKEN, c.peek())) {
      const wordStart = c.i;
      while (!c.done && is(TOKEN, c.peek())) c.i++;
      words.push(c.s.slice(wordStart, c.i));
      c.skipWs();
    }
    if (c.peek() === 0x3c) {
      if (words.length > 0) displayName = words.join(' ');
    } else {
      c.i = start;
    }
  }
  let uri: Uri;
  if (c.peek() === 0x3c) {
    const close = c.s.indexOf('>', c.i);
    if (close === -1) throw new GrammarError("unterminated '<'");
    const inner = c.s.slice(c.i + 1, close);
    for (let i = 0; i < inner.length; i++) if (isWs(inner.charCodeAt(i))) throw new GrammarError("whitespace inside '<…>'");
    uri = uriOrThrow(inner);
    c.i = close + 1;
  } else {
    // addr-spec: the URI ends at the first `;` or whitespace; its own parameters would be header parameters.
    const start = c.i;
    while (!c.done && c.peek() !== 0x3b && !isWs(c.peek())) c.i++;
    const text = c.s.slice(start, c.i);
    if (text.includes(',') || text.includes('?')) throw new GrammarError("an addr-spec with ',' or '?' must be enclosed in '<…>'");
    uri = uriOrThrow(text);
  }
  const p = params(c);
  // A tag identifies the dialog (RFC 3261 §19.3): `;tag` without a value is not one.
  if (p.get('tag') === null) throw new GrammarError('tag without a value');
  return { displayName, uri, params: p };
}

function host(c: Cursor): string {
  const start = c.i;
  if (c.peek() === 0x5b) {
    const close = c.s.indexOf(']', c.i);
    if (close === -1) throw new GrammarError('unterminated IPv6 reference');
    for (let i = c.i + 1; i < close; i++) if (!is(IPV6, c.s.charCodeAt(i))) throw new GrammarError('invalid IPv6 reference');
    c.i = close + 1;
  } else {
    while (!c.done && is(HOST, c.peek())) c.i++;
    if (c.i === start) throw new GrammarError('expected a host');
  }
  return c.s.slice(start, c.i);
}

function port(c: Cursor): number | undefined {
  if (!c.eat(0x3a)) return undefined;
  const start = c.i;
  while (!c.done && isDigit(c.peek())) c.i++;
  const n = Number(c.s.slice(start, c.i));
  if (c.i === start || c.i - start > 5 || n > 65535) throw new GrammarError('invalid port');
  return n;
}

/** One Via element: sent-protocol LWS sent-by *( SEMI via-params ). */
export function parseVia(value: string): Via {
  const c = new Cursor(value);
  c.skipWs();
  const name = c.token('a protocol name');
  if (!c.eat(0x2f)) throw new GrammarError("expected '/'");
  const version = c.token('a protocol version');
  if (!c.eat(0x2f)) throw new GrammarError("expected '/'");
  const transport = c.token('a transport').toUpperCase();
  if (c.skipWs() === 0) throw new GrammarError('expected whitespace before the sent-by');
  const sentHost = host(c);
  const sentPort = port(c);
  const p = params(c);
  const rport = p.get('rport');
  if (rport !== undefined && rport !== null && !(isUnsigned(rport) && Number(rport) <= 65535)) throw new GrammarError('invalid rport');
  return {
    protocol: `${name}/${version}`.toUpperCase(),
    transport,
    host: sentHost,
    port: sentPort,
    params: p,
    branch: p.get('branch') ?? undefined,
    received: p.get('received') ?? undefined,
    rport: rport === undefined ? undefined : rport === null ? null : Number(rport),
  };
}

function isUnsigned(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** 1*DIGIT, at most `max`; longer digit strings are refused before any arithmetic. */
export function parseUnsigned(value: string, max: number): number {
  const s = trimWs(value);
  if (!isUnsigned(s)) throw new GrammarError('expected digits');
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 0x30) i++;
  if (s.length - i > 10 || Number(s.slice(i)) > max) throw new GrammarError(`larger than ${max}`);
  return Number(s.slice(i));
}

/** delta-seconds: digits; a huge but well-formed value is read as 2**32-1 rather than refused (RFC 3261 §20.19). */
export function parseDeltaSeconds(value: string): number {
  const s = trimWs(value);
  if (!isUnsigned(s)) throw new GrammarError('expected digits');
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 0x30) i++;
  const max = 2 ** 32 - 1;
  return s.length - i > 10 ? max : Math.min(Number(s.slice(i)), max);
}

/** A Contact's `expires` parameter (RFC 3261 §20.10), undefined when absent. */
export function contactExpires(contact: NameAddr): number | undefined {
  const value = contact.params.get('expires');
  if (value === undefined) return undefined;
  if (value === null) throw new GrammarError('expires without a value');
  return parseDeltaSeconds(value);
}

/** A Contact's `q` parameter: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), undefined when absent. */
export function contactQ(contact: NameAddr): number | undefined {
  const value = contact.params.get('q');
  if (value === undefined) return undefined;
  const digits = value === null ? '' : value;
  const dot = digits.indexOf('.');
  const whole = dot === -1 ? digits : digits.slice(0, dot);
  const fraction = dot === -1 ? '' : digits.slice(dot + 1);
  const valid =
    (whole === '0' || whole === '1') &&
    fraction.length <= 3 &&
    [...fraction].every((ch) => (whole === '1' ? ch === '0' : ch >= '0' && ch <= '9'));
  if (!valid) throw new GrammarError(`invalid q value`);
  return Number(digits);
}

/** CSeq = 1*DIGIT LWS Method; the number is below 2**31 (RFC 3261 §8.1.1.5). */
export function parseCSeq(value: string): CSeq {
  const c = new Cursor(value);
  c.skipWs();
  const start = c.i;
  while (!c.done && isDigit(c.peek())) c.i++;
  const seq = parseUnsigned(c.s.slice(start, c.i), 2 ** 31 - 1);
  if (c.skipWs() === 0) throw new GrammarError('expected whitespace after the sequence number');
  const method = c.token('a method');
  c.expectEnd();
  return { seq, method };
}

/** Call-ID = word [ "@" word ]: anything without whitespace, not empty. */
export function parseCallId(value: string): string {
  if (value.length === 0) throw new GrammarError('empty');
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) throw new GrammarError('whitespace or control character');
  }
  return value;
}

/** `Event: presence;id=1` and similar `token *(;param)` values (Event, Subscription-State, Content-Disposition). */
export function parseTokenWithParams(value: string): { value: string; params: SipParams } {
  const c = new Cursor(value);
  c.skipWs();
  const token = c.token('a token');
  return { value: token, params: params(c) };
}

/** `type/subtype *(;param)` (RFC 3261 §20.15). */
export function parseMediaType(value: string): { type: string; subtype: string; params: SipParams } {
  const c = new Cursor(value);
  c.skipWs();
  const type = c.token('a media type').toLowerCase();
  if (!c.eat(0x2f)) throw new GrammarError("expected '/'");
  const subtype = c.token('a media subtype').toLowerCase();
  return { type, subtype, params: params(c) };
}
