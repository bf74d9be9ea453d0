import { echo, XmlError, XmlErrorKind } from './xml-error';

// Anything outside the XML 1.0 `Char` production: C0 controls other than TAB/LF/CR, lone
// surrogates (the `u` flag makes them match as code points), U+FFFE and U+FFFF.
const FORBIDDEN_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const FORBIDDEN_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Index of the first character XML 1.0 forbids, or -1. */
export function indexOfForbiddenChar(s: string): number {
  const m = FORBIDDEN_CHAR.exec(s);
  return m === null ? -1 : m.index;
}

/** Removes characters XML 1.0 cannot carry, even escaped. */
export function stripForbiddenChars(s: string): string {
  return FORBIDDEN_CHAR.test(s) ? s.replace(FORBIDDEN_CHARS, '') : s;
}

function isXmlCodePoint(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// Longest sensible reference body; leading zeros in character references are legal, hence slack.
const MAX_REFERENCE_LENGTH = 32;

function malformed(message: string): XmlError {
  return new XmlError(XmlErrorKind.Malformed, message);
}

function resolveReference(ref: string): string {
  if (Object.prototype.hasOwnProperty.call(PREDEFINED, ref)) return PREDEFINED[ref];
  let cp: number | undefined;
  if (/^#x[0-9a-fA-F]+$/.test(ref)) cp = parseInt(ref.slice(2), 16);
  else if (/^#[0-9]+$/.test(ref)) cp = parseInt(ref.slice(1), 10);
  if (cp === undefined) {
    // No DTD is ever accepted, so only the five predefined entities can be declared.
    throw malformed(`Reference to undeclared entity '&${echo(ref, 24)};'.`);
  }
  if (!isXmlCodePoint(cp)) throw malformed(`Character reference '&${echo(ref, 24)};' names a character XML forbids.`);
  return String.fromCodePoint(cp);
}

/**
 * Expands the predefined entities and character references, strictly: an undeclared entity or
 * a bare `&` is a well-formedness error, never passed through.
 */
export function decodeReferences(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const semi = raw.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp - 1 > MAX_REFERENCE_LENGTH) {
      throw malformed("'&' must start a character or entity reference ('&amp;' for a literal ampersand).");
    }
    out += raw.slice(from, amp) + resolveReference(raw.slice(amp + 1, semi));
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
// In attributes, TAB/LF/CR must be escaped too or attribute-value normalisation turns them into spaces.
const ATTR_ESCAPES: Readonly<Record<string, string>> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
};

/** Escapes character data; characters XML forbids are dropped (see README). */
const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"\t\n\r]/;

export function escapeText(s: string): string {
  const clean = stripForbiddenChars(s);
  return TEXT_SPECIAL.test(clean) ? clean.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]) : clean;
}

/** Escapes a double-quoted attribute value; characters XML forbids are dropped. */
export function escapeAttribute(s: string): string {
  const clean = stripForbiddenChars(s);
  return ATTR_SPECIAL.test(clean) ? clean.replace(/[&<>"\t\n\r]/g, (c) => ATTR_ESCAPES[c]) : clean;
}
