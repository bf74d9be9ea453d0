import { EwsError, EwsErrorCode } from './ews-error';
import { locate } from './xml-location';

export interface ScanLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
}

const LT = 0x3c;
const GT = 0x3e;
const QUOT = 0x22;
const APOS = 0x27;
const SLASH = 0x2f;

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * A single linear, non-recursive pass over the document that runs BEFORE the real parser and
 * enforces what the parser must never see: any DTD (`<!DOCTYPE`, `<!ENTITY`, …) — refused at
 * its first character, so no entity is ever declared, let alone expanded — nesting deeper than
 * `maxDepth`, more than `maxElements` elements, unbalanced tags, several roots or text outside
 * the root. Everything else (attribute syntax, names) is left to the validator and parser.
 */
export function scanStructure(xml: string, limits: ScanLimits): void {
  const fail = (code: EwsErrorCode, message: string, at: number): never => {
    throw new EwsError(code, message, { location: locate(xml, at) });
  };
  const n = xml.length;
  const open: string[] = [];
  let elements = 0;
  let i = 0;

  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (open.length === 0) {
      for (let k = i; k < textEnd; k++) {
        if (!isXmlSpace(xml.charCodeAt(k))) fail(EwsErrorCode.MalformedXml, 'Text is not allowed outside the root element.', k);
      }
    }
    if (lt === -1) break;
    i = lt;

    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end === -1) fail(EwsErrorCode.MalformedXml, 'Unterminated comment.', i);
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      if (open.length === 0) fail(EwsErrorCode.MalformedXml, 'CDATA is not allowed outside the root element.', i);
      const end = xml.indexOf(']]>', i + 9);
      if (end === -1) fail(EwsErrorCode.MalformedXml, 'Unterminated CDATA section.', i);
      i = end + 3;
    } else if (xml.startsWith('<!', i)) {
      fail(EwsErrorCode.DtdForbidden, 'Document type and entity declarations are not allowed.', i);
    } else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end === -1) fail(EwsErrorCode.MalformedXml, 'Unterminated processing instruction.', i);
      // The XML declaration may only open the document; other `xml…` targets are reserved.
      if (i !== 0 && /^xml(\s|\?|$)/i.test(xml.slice(i + 2, Math.min(end + 1, i + 6)))) {
        fail(EwsErrorCode.MalformedXml, 'The XML declaration is only allowed at the start of the document.', i);
      }
      i = end + 2;
    } else if (xml.charCodeAt(i + 1) === SLASH) {
      const end = xml.indexOf('>', i + 2);
      if (end === -1) fail(EwsErrorCode.MalformedXml, 'Unterminated end tag.', i);
      const name = xml.slice(i + 2, end).trim();
      const expected = open.pop();
      if (expected === undefined) fail(EwsErrorCode.MalformedXml, `End tag '${name}' has no start tag.`, i);
      if (name !== expected) fail(EwsErrorCode.MalformedXml, `End tag '${name}' does not match start tag '${expected}'.`, i);
      i = end + 1;
    } else {
      const end = findTagEnd(xml, i, fail);
      let nameEnd = i + 1;
      while (nameEnd < end && !isXmlSpace(xml.charCodeAt(nameEnd)) && xml.charCodeAt(nameEnd) !== SLASH) nameEnd++;
      const name = xml.slice(i + 1, nameEnd);
      if (name === '') fail(EwsErrorCode.MalformedXml, "'<' must start a tag ('&lt;' for a literal '<').", i);
      if (open.length === 0 && elements > 0) fail(EwsErrorCode.MalformedXml, 'Only one root element is allowed.', i);
      if (++elements > limits.maxElements) {
        fail(EwsErrorCode.TooManyElements, `The request has more than ${limits.maxElements} elements.`, i);
      }
      if (open.length + 1 > limits.maxDepth) {
        fail(EwsErrorCode.TooDeep, `Elements are nested deeper than ${limits.maxDepth} levels.`, i);
      }
      if (xml.charCodeAt(end - 1) !== SLASH) open.push(name);
      i = end + 1;
    }
  }

  if (elements === 0) fail(EwsErrorCode.MalformedXml, 'The request has no root element.', 0);
  if (open.length > 0) fail(EwsErrorCode.MalformedXml, `Element '${open[open.length - 1]}' is not closed.`, n);
}

/** Index of the `>` closing the start tag at `start`, skipping quoted attribute values. */
function findTagEnd(xml: string, start: number, fail: (code: EwsErrorCode, message: string, at: number) => never): number {
  const n = xml.length;
  let j = start + 1;
  while (j < n) {
    const c = xml.charCodeAt(j);
    if (c === QUOT || c === APOS) {
      let k = j + 1;
      while (k < n && xml.charCodeAt(k) !== c) {
        if (xml.charCodeAt(k) === LT) fail(EwsErrorCode.MalformedXml, "'<' is not allowed in an attribute value.", k);
        k++;
      }
      if (k >= n) break;
      j = k + 1;
    } else if (c === GT) {
      return j;
    } else if (c === LT) {
      break;
    } else {
      j++;
    }
  }
  return fail(EwsErrorCode.MalformedXml, 'Unterminated start tag.', start);
}
