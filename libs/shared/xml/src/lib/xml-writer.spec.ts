import {
  attr,
  el,
  parseXml,
  qualifiedName,
  withNamespaces,
  XML_NS,
  writeXml as writeXmlWith,
  type XmlNode,
  type XmlWriteOptions,
} from '../index';

// The writer's first user is EWS; its namespaces and Exchange's prefixes make realistic fixtures.
const NS = {
  SOAP: 'http://schemas.xmlsoap.org/soap/envelope/',
  MESSAGES: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  TYPES: 'http://schemas.microsoft.com/exchange/services/2006/types',
  XSI: 'http://www.w3.org/2001/XMLSchema-instance',
  XML: XML_NS.XML,
} as const;
const EXCHANGE_PREFIXES = { [NS.SOAP]: 's', [NS.MESSAGES]: 'm', [NS.TYPES]: 't', [NS.XSI]: 'xsi' };
const writeXml = (root: XmlNode, options: XmlWriteOptions = {}) => writeXmlWith(root, { preferredPrefixes: EXCHANGE_PREFIXES, ...options });

describe('writeXml', () => {
  it('uses the preferred prefixes, declares each namespace where first needed and keeps child order', () => {
    const tree = el(NS.MESSAGES, 'Items', {}, [
      el(NS.TYPES, 'Subject', {}, 'Hi'),
      el(NS.TYPES, 'Body', { BodyType: 'Text' }),
      el(NS.TYPES, 'Start', {}, '2024-01-01T10:00:00Z'),
      el(NS.TYPES, 'Size', {}, 42),
    ]);
    expect(writeXml(tree)).toBe(
      '<?xml version="1.0" encoding="utf-8"?>' +
        `<m:Items xmlns:m="${NS.MESSAGES}">` +
        `<t:Subject xmlns:t="${NS.TYPES}">Hi</t:Subject>` +
        `<t:Body xmlns:t="${NS.TYPES}" BodyType="Text"/>` +
        `<t:Start xmlns:t="${NS.TYPES}">2024-01-01T10:00:00Z</t:Start>` +
        `<t:Size xmlns:t="${NS.TYPES}">42</t:Size>` +
        '</m:Items>',
    );
  });

  it('declares once on the ancestor that asks for it, and skips absent parts', () => {
    const tree = withNamespaces(
      el(NS.MESSAGES, 'R', { Skipped: undefined, Flag: true }, [el(NS.TYPES, 'A'), false, null, undefined, el('', 'plain')]),
      { m: NS.MESSAGES, t: NS.TYPES },
    );
    expect(writeXml(tree, { declaration: false })).toBe(
      `<m:R xmlns:m="${NS.MESSAGES}" xmlns:t="${NS.TYPES}" Flag="true"><t:A/><plain/></m:R>`,
    );
  });

  it('writes namespaced attributes and invents prefixes for unknown namespaces without clashes', () => {
    const tree = withNamespaces(
      el('urn:other', 'a', { [qualifiedName(NS.XSI, 'type')]: 't:X', [qualifiedName(NS.XML, 'lang')]: 'en' }, [el('urn:third', 'b')]),
      { ns1: 'urn:taken' },
    );
    expect(writeXml(tree, { declaration: false })).toBe(
      `<ns2:a xmlns:ns1="urn:taken" xmlns:ns2="urn:other" xmlns:xsi="${NS.XSI}" xsi:type="t:X" xml:lang="en">` +
        '<ns3:b xmlns:ns3="urn:third"/></ns2:a>',
    );
  });

  it('escapes text and attributes so that they parse back unchanged', () => {
    const value = `x<y&z"q'>]]>\ttab\nnl\r\ncrlf 😀 \u0085\u2028`;
    const xml = writeXml(el('', 'r', { a: value }, value), { declaration: false });
    expect(xml).toBe(
      '<r a="x&lt;y&amp;z&quot;q\'&gt;]]&gt;&#9;tab&#10;nl&#13;&#10;crlf 😀 \u0085\u2028">' +
        'x&lt;y&amp;z"q\'&gt;]]&gt;\ttab\nnl&#13;\ncrlf 😀 \u0085\u2028</r>',
    );
    const back = parseXml(xml);
    expect(attr(back, 'a')).toBe(value);
    expect(back.text).toBe(value);
  });

  it('drops characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE/FFFF)', () => {
    const dirty = 'a\u0000b\u0001c\u001fd\ud800e\udfff\ufffef\uffffg\u0007';
    const xml = writeXml(el('', 'r', { a: dirty }, dirty), { declaration: false });
    expect(xml).toBe('<r a="abcdefg">abcdefg</r>');
    expect(parseXml(xml).text).toBe('abcdefg');
  });

  it('refuses names that are not XML names (a programming error, not user data)', () => {
    expect(() => writeXml(el(NS.TYPES, 'bad name'))).toThrow(/invalid XML element name/);
    expect(() => writeXml(el(NS.TYPES, 'ok', { 'a"b': 'x' }))).toThrow(/invalid XML attribute name/);
    expect(() => el(NS.TYPES, 'n', {}, Number.NaN)).toThrow(RangeError);
  });

  it('writes the default namespace when asked, and undeclares it for an element in no namespace', () => {
    const PIDF = 'urn:ietf:params:xml:ns:pidf';
    const RPID = 'urn:ietf:params:xml:ns:pidf:rpid';
    const tree = withNamespaces(
      el(PIDF, 'presence', { entity: 'pres:a@b' }, [el(PIDF, 'tuple', { id: 't' }), el(RPID, 'away'), el('', 'x')]),
      {
        '': PIDF,
      },
    );
    const xml = writeXmlWith(tree, { declaration: false, preferredPrefixes: { [RPID]: 'rpid' } });
    expect(xml).toBe(
      `<presence xmlns="${PIDF}" entity="pres:a@b"><tuple id="t"/><rpid:away xmlns:rpid="${RPID}"/><x xmlns=""/></presence>`,
    );
    const back = parseXml(xml);
    expect(back.children.map((c) => [c.ns, c.local])).toEqual([
      [PIDF, 'tuple'],
      [RPID, 'away'],
      ['', 'x'],
    ]);
  });

  it('invents prefixes when none is preferred', () => {
    expect(writeXmlWith(el('urn:a', 'r', {}, el('urn:b', 'c')), { declaration: false })).toBe(
      '<ns1:r xmlns:ns1="urn:a"><ns2:c xmlns:ns2="urn:b"/></ns1:r>',
    );
  });
});
