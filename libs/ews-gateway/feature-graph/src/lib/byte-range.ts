/** What a `Range` header asks of a content of a known size (RFC 9110 §14.2). */
export type ByteRangeRequest =
  /** No range, one the server ignores (another unit, bad syntax, several ranges): the whole content, 200. */
  | { kind: 'whole' }
  /** One satisfiable range: bytes `[start, end)`, 206. */
  | { kind: 'range'; start: number; end: number }
  /** One range that selects nothing of this content: 416. */
  | { kind: 'unsatisfiable' };

/** The longest `Range` header read; anything longer is ignored (the whole content is answered). */
const MAX_RANGE_HEADER_CHARS = 200;
const RANGE_SPEC = /^(?:(\d{1,15})-(\d{0,15})|-(\d{1,15}))$/;

/**
 * The byte range `header` asks of a content of `size` bytes. One range is answered as asked:
 * `a-b` (b capped at the end), `a-`, `-n` (the last n bytes, all of them when n is larger).
 * Several ranges are answered with the whole content (RFC 9110 allows a server to ignore Range;
 * media players ask for one range at a time). A header that does not parse, or names a unit other
 * than bytes, is ignored as the RFC requires. One range that selects nothing — a start at or past
 * the end, a suffix of 0, any range of an empty content — is unsatisfiable.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRangeRequest {
  if (header === undefined || header.length > MAX_RANGE_HEADER_CHARS) return { kind: 'whole' };
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return { kind: 'whole' };
  const specs = m[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length !== 1) return { kind: 'whole' };
  const spec = RANGE_SPEC.exec(specs[0]);
  if (!spec) return { kind: 'whole' };
  const [, first, last, suffix] = spec;
  if (suffix !== undefined) {
    const length = Number(suffix);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - length), end: size };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'whole' }; // invalid: last before first
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size : Math.min(Number(last) + 1, size);
  return { kind: 'range', start, end };
}

/**
 * Whether a conditional range request's `If-Range` still holds (RFC 9110 §13.1.5): a strong
 * entity tag equal to the current one. A date never holds here (no `Last-Modified` is sent), nor
 * does a weak tag; then the whole content is answered, as the RFC requires.
 */
export function ifRangeHolds(ifRange: string | undefined, etag: string): boolean {
  if (ifRange === undefined) return true;
  return ifRange.trim() === etag;
}
