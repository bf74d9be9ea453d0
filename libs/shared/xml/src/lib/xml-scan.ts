import { XmlError, XmlErrorKind } from './xml-error';
import { locate } from './xml-location';

/** What one document may hold; each bound is checked where it is first exceeded. */
export interface ScanLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
  /** Attributes on one start tag, namespace declarations included. */
  readonly maxAttributesPerElement: number;
  /** Attributes in the whole document, namespace declarations included. */
  readonly maxAttributes: number;
  /** Characters of one attribute value, as written (before references are expanded). */
  readonly maxAttributeLength: number;
  /** Characters of character data directly in one element (its text runs and CDATA sections together), as written. */
  readonly maxTextLength: number;
  /** Characters of character data in the whole document, as written. */
  readonly maxTotalTextLength: number;
}

const LT = 0x3c;
const GT = 0x3e;
const QUOT = 0x22;
const APOS = 0x27;
const SLASH = 0x2f;

const EQ = 0x3d;

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

// XML 1.0 (fifth edition) §2.3 Name, colons included: namespaces are checked after parsing.
const NAME_START =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
// The combining marks (U+0300–U+036F) are NameChars in their own right, not parts of a sequence.
// eslint-disable-next-line no-misleading-character-class
const XML_NAME = new RegExp(`^[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*$`, 'u');

export function isXmlName(name: string): boolean {
  return XML_NAME.test(name);
}

type Fail = (kind: XmlErrorKind, message: string, at: number) => never;

/** The running totals one scan checks against its limits. */
interface ScanCounts {
  attributes: number;
  text: number;
}

/**
 * A single linear, non-recursive pass over the document that runs BEFORE the real parser and
 * enforces what the parser must never see: any DTD (`<!DOCTYPE`, `<!ENTITY`, …) — refused at
 * its first character, so no entity is ever declared, let alone expanded — nesting deeper than
 * `maxDepth`, more than `maxElements` elements, more attributes or longer values and text than
 * `limits` allow (so what the parser sees costs a bounded time: its own work per attribute and
 * per text character is far above this pass's), unbalanced tags, several roots, text outside
 * the root, and the tag syntax fast-xml-parser's own parser is lenient about (names, quoted and
 * unique attributes, end tags without attributes). It stops at the first excess. References are
 * checked when text and attribute values are decoded; namespaces after parsing.
 */
export function scanStructure(xml: string, limits: ScanLimits): void {
  const fail = (kind: XmlErrorKind, message: string, at: number): never => {
    throw new XmlError(kind, message, locate(xml, at));
  };
  const n = xml.length;
  const open: string[] = [];
  // Characters of character data so far in each open element, parallel to `open`.
  const textLengths: number[] = [];
  const counts: ScanCounts = { attributes: 0, text: 0 };
  const addText = (length: number, at: number) => {
    const inElement = (textLengths[textLengths.length - 1] += length);
    if (inElement > limits.maxTextLength) {
      fail(
        XmlErrorKind.TooLong,
        `Element '${open[open.length - 1].slice(0, 64)}' has more than ${limits.maxTextLength} characters of text.`,
        at,
      );
    }
    counts.text += length;
    if (counts.text > limits.maxTotalTextLength)
      fail(XmlErrorKind.TooLong, `The request has more than ${limits.maxTotalTextLength} characters of text.`, at);
  };
  let elements = 0;
  let i = 0;

  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (open.length === 0) {
      for (let k = i; k < textEnd; k++) {
        if (!isXmlSpace(xml.charCodeAt(k))) fail(XmlErrorKind.Malformed, 'Text is not allowed outside the root element.', k);
      }
    } else if (textEnd > i) {
      addText(textEnd - i, i);
    }
    if (lt === -1) break;
    i = lt;

    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end === -1) fail(XmlErrorKind.Malformed, 'Unterminated comment.', i);
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      if (open.length === 0) fail(XmlErrorKind.Malformed, 'CDATA is not allowed outside the root element.', i);
      const end = xml.indexOf(']]>', i + 9);
      if (end === -1) fail(XmlErrorKind.Malformed, 'Unterminated CDATA section.', i);
      addText(end - (i + 9), i);
      i = end + 3;
    } else if (xml.startsWith('<!', i)) {
      fail(XmlErrorKind.DtdForbidden, 'Document type and entity declarations are not allowed.', i);
    } else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end === -1) fail(XmlErrorKind.Malformed, 'Unterminated processing instruction.', i);
      // The XML declaration may only open the document; other `xml…` targets are reserved.
      if (i !== 0 && /^xml(\s|\?|$)/i.test(xml.slice(i + 2, Math.min(end + 1, i + 6)))) {
        fail(XmlErrorKind.Malformed, 'The XML declaration is only allowed at the start of the document.', i);
      }
      i = end + 2;
    } else if (xml.charCodeAt(i + 1) === SLASH) {
      const end = xml.indexOf('>', i + 2);
      if (end === -1) fail(XmlErrorKind.Malformed, 'Unterminated end tag.', i);
      const name = xml.slice(i + 2, end).trimEnd();
      if (!isXmlName(name)) fail(XmlErrorKind.Malformed, `'${name.slice(0, 64)}' is not a valid end tag.`, i);
      const expected = open.pop();
      if (expected === undefined) fail(XmlErrorKind.Malformed, `End tag '${name}' has no start tag.`, i);
      textLengths.pop();
      if (name !== expected) fail(XmlErrorKind.Malformed, `End tag '${name}' does not match start tag '${expected}'.`, i);
      i = end + 1;
    } else {
      const { name, end, selfClosing } = readStartTag(xml, i, limits, counts, fail);
      if (open.length === 0 && elements > 0) fail(XmlErrorKind.Malformed, 'Only one root element is allowed.', i);
      if (++elements > limits.maxElements) {
        fail(XmlErrorKind.TooManyElements, `The request has more than ${limits.maxElements} elements.`, i);
      }
      if (open.length + 1 > limits.maxDepth) {
        fail(XmlErrorKind.TooDeep, `Elements are nested deeper than ${limits.maxDepth} levels.`, i);
      }
      if (!selfClosing) {
        open.push(name);
        textLengths.push(0);
      }
      i = end + 1;
    }
  }

  if (elements === 0) fail(XmlErrorKind.Malformed, 'The request has no root element.', 0);
  if (open.length > 0) fail(XmlErrorKind.Malformed, `Element '${open[open.length - 1]}' is not closed.`, n);
}

/**
 * Reads the start tag at `start` in one forward pass: its name, then each attribute as
 * `S name S? = S? "value"` (or single quotes) — every name valid and used once, no `<` in a
 * value — up to its `>` or `/>`. Attribute limits are checked as each attribute is read (counted
 * into `counts`), so a tag with a million attributes costs as much as one over the limit.
 */
function readStartTag(
  xml: string,
  start: number,
  limits: ScanLimits,
  counts: ScanCounts,
  fail: Fail,
): { name: string; end: number; selfClosing: boolean } {
  const n = xml.length;
  let j = start + 1;
  while (j < n && !isXmlSpace(xml.charCodeAt(j)) && !isTagDelimiter(xml.charCodeAt(j))) j++;
  const name = xml.slice(start + 1, j);
  if (name === '') fail(XmlErrorKind.Malformed, "'<' must start a tag ('&lt;' for a literal '<').", start);
  if (!isXmlName(name)) fail(XmlErrorKind.Malformed, `'${name.slice(0, 64)}' is not a valid element name.`, start);
  let seen: Set<string> | undefined;
  let onElement = 0;
  for (;;) {
    const spaceStart = j;
    while (j < n && isXmlSpace(xml.charCodeAt(j))) j++;
    const c = xml.charCodeAt(j);
    if (j >= n || c === LT) fail(XmlErrorKind.Malformed, 'Unterminated start tag.', start);
    if (c === GT) return { name, end: j, selfClosing: false };
    if (c === SLASH) {
      if (xml.charCodeAt(j + 1) !== GT) fail(XmlErrorKind.Malformed, "'/' in a start tag must be followed by '>'.", j);
      return { name, end: j + 1, selfClosing: true };
    }
    if (j === spaceStart) fail(XmlErrorKind.Malformed, 'Attributes must be separated by whitespace.', j);
    const nameStart = j;
    while (j < n && !isXmlSpace(xml.charCodeAt(j)) && xml.charCodeAt(j) !== EQ && !isTagDelimiter(xml.charCodeAt(j))) j++;
    const attribute = xml.slice(nameStart, j);
    if (!isXmlName(attribute)) fail(XmlErrorKind.Malformed, `'${attribute.slice(0, 64)}' is not a valid attribute name.`, nameStart);
    while (j < n && isXmlSpace(xml.charCodeAt(j))) j++;
    if (xml.charCodeAt(j) !== EQ) fail(XmlErrorKind.Malformed, `Attribute '${attribute.slice(0, 64)}' has no value.`, nameStart);
    j++;
    while (j < n && isXmlSpace(xml.charCodeAt(j))) j++;
    const quote = xml.charCodeAt(j);
    if (quote !== QUOT && quote !== APOS)
      fail(XmlErrorKind.Malformed, `The value of attribute '${attribute.slice(0, 64)}' must be quoted.`, j);
    const close = xml.indexOf(quote === QUOT ? '"' : "'", j + 1);
    if (close === -1) fail(XmlErrorKind.Malformed, `The value of attribute '${attribute.slice(0, 64)}' is not terminated.`, j);
    if (++onElement > limits.maxAttributesPerElement) {
      fail(
        XmlErrorKind.TooManyAttributes,
        `Element '${name.slice(0, 64)}' has more than ${limits.maxAttributesPerElement} attributes.`,
        nameStart,
      );
    }
    if (++counts.attributes > limits.maxAttributes)
      fail(XmlErrorKind.TooManyAttributes, `The request has more than ${limits.maxAttributes} attributes.`, nameStart);
    if (close - j - 1 > limits.maxAttributeLength) {
      fail(
        XmlErrorKind.TooLong,
        `The value of attribute '${attribute.slice(0, 64)}' is longer than ${limits.maxAttributeLength} characters.`,
        j,
      );
    }
    // Bounded by the length check above.
    for (let k = j + 1; k < close; k++) {
      if (xml.charCodeAt(k) === LT) fail(XmlErrorKind.Malformed, "'<' is not allowed in an attribute value.", k);
    }
    seen ??= new Set();
    if (seen.has(attribute)) fail(XmlErrorKind.Malformed, `Attribute '${attribute.slice(0, 64)}' is repeated.`, nameStart);
    seen.add(attribute);
    j = close + 1;
  }
}

/** Characters that end a name inside a tag. */
function isTagDelimiter(c: number): boolean {
  return c === GT || c === SLASH || c === LT || c === EQ || c === QUOT || c === APOS;
}
