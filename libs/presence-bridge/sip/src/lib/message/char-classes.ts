/**
 * ASCII character classes of the RFC 3261 §25 grammar as lookup tables: every scan is a table read per
 * character, so parsing stays linear (no regular expressions over untrusted header values).
 */
function table(extra: string, alphanum = true): Uint8Array {
  const t = new Uint8Array(128);
  if (alphanum) {
    for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
    for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
    for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  }
  for (const ch of extra) t[ch.charCodeAt(0)] = 1;
  return t;
}

const MARK = "-_.!~*'()";
/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~");
/** user = 1*( unreserved / escaped / user-unreserved ); `%` is checked separately as an escape. */
export const USER = table(MARK + '&=+$,;?/%');
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export const PASSWORD = table(MARK + '&=+$,%');
/** paramchar = param-unreserved / unreserved / escaped */
export const PARAM = table(MARK + '[]/:&+$%');
/** hname / hvalue characters: hnv-unreserved / unreserved / escaped */
export const HNV = table(MARK + '[]/?:+$%');
/** hostname characters (labels and dots); IPv4 addresses are a subset. */
export const HOST = table('-.');
/** Inside an IPv6 reference. */
export const IPV6 = table(':.', false);
for (let c = 0x30; c <= 0x39; c++) IPV6[c] = 1;
for (const ch of 'abcdefABCDEF') IPV6[ch.charCodeAt(0)] = 1;
/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
export const SCHEME = table('+-.');
/** Characters allowed in an absolute URI of a scheme this codec does not interpret (RFC 2396 uric + "#"). */
export const URIC = table(MARK + ';/?:@&=+$,%[]#');

/**
 * Characters examined by the grammar since the process started. Not exported from the lib: the fuzz spec
 * reads it to check that work grows linearly with the input (a step budget per input, not a stopwatch).
 */
export const scanMeter = { steps: 0 };

export function is(cls: Uint8Array, code: number): boolean {
  scanMeter.steps++;
  return code < 128 && cls[code] === 1;
}

export function isWs(code: number): boolean {
  scanMeter.steps++;
  return code === 0x20 || code === 0x09;
}

export function isDigit(code: number): boolean {
  scanMeter.steps++;
  return code >= 0x30 && code <= 0x39;
}

function isHex(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** True when every character of `s` is in `cls` and every `%` starts a `%HH` escape. */
export function allIn(cls: Uint8Array, s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!is(cls, c)) return false;
    if (c === 0x25 && !(i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2)))) return false;
  }
  return true;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!is(TOKEN, s.charCodeAt(i))) return false;
  return true;
}

/** Removes SP and HT at both ends: SIP's LWS, unlike `String.prototype.trim`, which also eats U+FEFF and NBSP. */
export function trimWs(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isWs(s.charCodeAt(start))) start++;
  while (end > start && isWs(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}
