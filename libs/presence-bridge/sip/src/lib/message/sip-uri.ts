import { allIn, HNV, HOST, IPV6, is, isDigit, PARAM, PASSWORD, SCHEME, URIC, USER } from './char-classes';

/** A `sip:` or `sips:` URI (RFC 3261 §19.1). Escapes are kept as they came: compare with {@link sipUriEquals}. */
export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly password?: string;
  /** Host name, IPv4 address, or IPv6 reference with its brackets (`[2001:db8::1]`). */
  readonly host: string;
  readonly port?: number;
  /** uri-parameters, names lower-cased; a parameter without value maps to null (`;lr`). */
  readonly params: ReadonlyMap<string, string | null>;
  /** `?name=value&…` headers, in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/** An absolute URI of another scheme (`tel:`, `http:`, `isbn:` …): carried, never interpreted. */
export interface OtherUri {
  readonly kind: 'other';
  readonly scheme: string;
  readonly text: string;
}

export type Uri = SipUri | OtherUri;

/** Returns the parsed URI, or a string saying what is wrong with it. */
export function parseUri(text: string): Uri | string {
  const colon = text.indexOf(':');
  if (colon <= 0) return 'no scheme';
  const scheme = text.slice(0, colon).toLowerCase();
  const first = scheme.charCodeAt(0);
  if (!(first >= 0x61 && first <= 0x7a && allIn(SCHEME, scheme))) return 'invalid scheme';
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, text.slice(colon + 1));
  const rest = text.slice(colon + 1);
  if (rest.length === 0 || !allIn(URIC, rest)) return 'invalid characters';
  return { kind: 'other', scheme, text };
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string): SipUri | string {
  let user: string | undefined;
  let password: string | undefined;
  let i = 0;
  const at = rest.indexOf('@');
  if (at !== -1) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    const u = colon === -1 ? userinfo : userinfo.slice(0, colon);
    const p = colon === -1 ? undefined : userinfo.slice(colon + 1);
    // An `@` after the host part (inside uri-headers) is not a userinfo delimiter.
    if (u.length > 0 && allIn(USER, u) && (p === undefined || allIn(PASSWORD, p))) {
      user = u;
      password = p;
      i = at + 1;
    } else if (u.length === 0 || !userinfo.includes('?')) {
      return 'invalid user part';
    }
  }
  let host: string;
  if (rest.charCodeAt(i) === 0x5b) {
    const close = rest.indexOf(']', i);
    if (close === -1) return 'unterminated IPv6 reference';
    const inner = rest.slice(i + 1, close);
    if (inner.length < 2 || !inner.includes(':') || !allIn(IPV6, inner)) return 'invalid IPv6 reference';
    host = rest.slice(i, close + 1);
    i = close + 1;
  } else {
    const start = i;
    while (i < rest.length && is(HOST, rest.charCodeAt(i))) i++;
    host = rest.slice(start, i);
    if (host.length === 0 || host.startsWith('.') || host.includes('..')) return 'invalid host';
  }
  let port: number | undefined;
  if (rest.charCodeAt(i) === 0x3a) {
    const start = ++i;
    while (i < rest.length && isDigit(rest.charCodeAt(i))) i++;
    if (i === start || i - start > 5) return 'invalid port';
    port = Number(rest.slice(start, i));
    if (port > 65535) return 'invalid port';
  }
  const params = new Map<string, string | null>();
  while (rest.charCodeAt(i) === 0x3b) {
    let end = i + 1;
    while (end < rest.length && rest.charCodeAt(end) !== 0x3b && rest.charCodeAt(end) !== 0x3f) end++;
    const param = rest.slice(i + 1, end);
    const eq = param.indexOf('=');
    const name = eq === -1 ? param : param.slice(0, eq);
    const value = eq === -1 ? null : param.slice(eq + 1);
    if (name.length === 0 || !allIn(PARAM, name) || (value !== null && (value.length === 0 || !allIn(PARAM, value)))) {
      return 'invalid uri-parameter';
    }
    params.set(name.toLowerCase(), value);
    i = end;
  }
  const headers: [string, string][] = [];
  if (rest.charCodeAt(i) === 0x3f) {
    for (const header of rest.slice(i + 1).split('&')) {
      const eq = header.indexOf('=');
      if (eq <= 0 || !allIn(HNV, header.slice(0, eq)) || !allIn(HNV, header.slice(eq + 1))) return 'invalid uri-header';
      headers.push([header.slice(0, eq), header.slice(eq + 1)]);
    }
    i = rest.length;
  }
  if (i !== rest.length) return 'unexpected characters after the host';
  return { kind: 'sip', scheme, user, password, host, port, params, headers };
}

export function formatUri(uri: Uri): string {
  if (uri.kind === 'other') return uri.text;
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) out += `${uri.user}${uri.password === undefined ? '' : `:${uri.password}`}@`;
  out += uri.host;
  if (uri.port !== undefined) out += `:${uri.port}`;
  for (const [name, value] of uri.params) out += value === null ? `;${name}` : `;${name}=${value}`;
  if (uri.headers.length > 0) out += `?${uri.headers.map(([name, value]) => `${name}=${value}`).join('&')}`;
  return out;
}

/** `sip:alice@example.com` → `alice@example.com` (what Parley keys users by); undefined for a URI without user. */
export function addressOfRecord(uri: Uri): string | undefined {
  if (uri.kind !== 'sip' || uri.user === undefined) return undefined;
  return `${unescapeUri(uri.user)}@${uri.host.toLowerCase()}`;
}

/** Resolves `%HH` escapes (RFC 3261 §19.1.4: escaped and unescaped forms of a character are equal). */
export function unescapeUri(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // Not UTF-8 once unescaped (`%00`-style octets are fine, lone `%C3` is not): compare it as written.
    return text;
  }
}

/** RFC 3261 §19.1.4 comparison, enough for matching a user's own URIs: scheme, user, host, port, transport. */
export function sipUriEquals(a: Uri, b: Uri): boolean {
  if (a.kind !== 'sip' || b.kind !== 'sip') return a.kind === 'other' && b.kind === 'other' && a.scheme === b.scheme && a.text === b.text;
  return (
    a.scheme === b.scheme &&
    unescapeUri(a.user ?? '') === unescapeUri(b.user ?? '') &&
    a.host.toLowerCase() === b.host.toLowerCase() &&
    a.port === b.port &&
    (a.params.get('transport') ?? '').toLowerCase() === (b.params.get('transport') ?? '').toLowerCase()
  );
}
