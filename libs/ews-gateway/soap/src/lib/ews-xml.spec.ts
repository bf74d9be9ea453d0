import { el, XmlError, XmlErrorKind } from '@parley/xml';
import { ewsErrorCodeForXml, ewsErrorFromXml, EwsErrorCode, EwsResponseCode, NS, parseEwsXml, requireChild, writeEwsXml } from '../index';
import { ewsErrorOf } from '../../test/soap-fixtures';

describe('the XML front as EWS sees it', () => {
  it('maps every refusal of the XML front to the EWS reason of the same name, all schema validation errors', () => {
    const expected: Record<XmlErrorKind, EwsErrorCode> = {
      [XmlErrorKind.TooLarge]: EwsErrorCode.TooLarge,
      [XmlErrorKind.InvalidEncoding]: EwsErrorCode.InvalidEncoding,
      [XmlErrorKind.DtdForbidden]: EwsErrorCode.DtdForbidden,
      [XmlErrorKind.TooDeep]: EwsErrorCode.TooDeep,
      [XmlErrorKind.TooManyElements]: EwsErrorCode.TooManyElements,
      [XmlErrorKind.TooManyAttributes]: EwsErrorCode.TooManyAttributes,
      [XmlErrorKind.TooLong]: EwsErrorCode.TooLong,
      [XmlErrorKind.Malformed]: EwsErrorCode.MalformedXml,
    };
    for (const kind of Object.values(XmlErrorKind)) {
      expect(ewsErrorCodeForXml(kind)).toBe(expected[kind]);
      const err = ewsErrorFromXml(new XmlError(kind, 'why', { line: 3, position: 7 }));
      expect([err.code, err.responseCode, err.message, err.location]).toEqual([
        expected[kind],
        EwsResponseCode.ErrorSchemaValidation,
        'why',
        { line: 3, position: 7 },
      ]);
    }
  });

  it('refuses through parseEwsXml with the texts and locations EWS clients have always seen', () => {
    const dtd = ewsErrorOf(() => parseEwsXml('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'));
    expect([dtd.code, dtd.message, dtd.location]).toEqual([
      EwsErrorCode.DtdForbidden,
      'Document type and entity declarations are not allowed.',
      { line: 1, position: 22 },
    ]);
    const attrs = ewsErrorOf(() => parseEwsXml(`<a${' x="1" y="2"'}/>`, { maxAttributesPerElement: 1 }));
    expect([attrs.code, attrs.message]).toEqual([EwsErrorCode.TooManyAttributes, "Element 'a' has more than 1 attributes."]);
    expect(ewsErrorOf(() => parseEwsXml('<a>&xxe;</a>')).message).toBe("Reference to undeclared entity '&xxe;'.");
    expect(ewsErrorOf(() => parseEwsXml('x'.repeat(11), { maxBytes: 10 })).message).toBe('The request is 11 bytes; the limit is 10.');
  });

  it('requires a child as a schema error', () => {
    const root = parseEwsXml(`<m:GetItem xmlns:m="${NS.MESSAGES}"/>`);
    const err = ewsErrorOf(() => requireChild(root, NS.MESSAGES, 'ItemIds'));
    expect([err.code, err.message]).toEqual([EwsErrorCode.InvalidValue, "Element 'GetItem' must contain a 'ItemIds' element."]);
  });

  it("writes with Exchange's prefixes", () => {
    expect(writeEwsXml(el(NS.MESSAGES, 'R', {}, el(NS.TYPES, 'A')), { declaration: false })).toBe(
      `<m:R xmlns:m="${NS.MESSAGES}"><t:A xmlns:t="${NS.TYPES}"/></m:R>`,
    );
  });
});
