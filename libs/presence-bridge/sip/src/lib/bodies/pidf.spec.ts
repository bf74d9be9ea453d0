import { XmlErrorKind } from '@parley/xml';
import { parsePidf, PIDF_NS, SipBodyError, SipBodyErrorCode, writePidf, type PidfDocument } from '../../index';

/** Runs `fn`, which must throw a `SipBodyError`, and returns that error. */
function bodyErrorOf(fn: () => unknown): SipBodyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SipBodyError) return e;
    throw new Error(`expected a SipBodyError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a SipBodyError, nothing was thrown');
}

const DECLS = `xmlns="${PIDF_NS.PIDF}" xmlns:dm="${PIDF_NS.DATA_MODEL}" xmlns:rpid="${PIDF_NS.RPID}"`;

describe('parsePidf', () => {
  it('reads tuples, document notes with their language, a person with RPID activities and user input, whatever the prefixes', () => {
    const doc = parsePidf(
      `<?xml version="1.0" encoding="UTF-8"?>
<p:presence xmlns:p="${PIDF_NS.PIDF}" xmlns:d="${PIDF_NS.DATA_MODEL}" xmlns:r="${PIDF_NS.RPID}" entity="pres:bob@parley.test">
  <p:tuple id="desk">
    <p:status><p:basic> open </p:basic></p:status>
    <p:contact priority="0.8">sip:bob@192.0.2.4</p:contact>
    <p:note>desk phone</p:note>
    <p:timestamp>2026-12-03T10:15:00+01:00</p:timestamp>
  </p:tuple>
  <p:tuple id="mobile"><p:status><p:basic>closed</p:basic></p:status></p:tuple>
  <p:note xml:lang="en">Back at 3</p:note>
  <p:note xml:lang="fr">De retour à 15 h</p:note>
  <d:person id="bob">
    <r:activities until="2026-12-03T15:00:00Z"><r:meeting/><r:busy/><r:juggling/><r:other>Design review</r:other></r:activities>
    <r:user-input last-input="2026-12-03T09:00:00Z">idle</r:user-input>
    <d:note>person note</d:note>
    <d:timestamp>2026-12-03T09:15:00Z</d:timestamp>
  </d:person>
</p:presence>`,
    );
    expect(doc).toEqual<PidfDocument>({
      entity: 'pres:bob@parley.test',
      tuples: [
        {
          id: 'desk',
          basic: 'open',
          contact: 'sip:bob@192.0.2.4',
          notes: [{ text: 'desk phone', lang: null }],
          timestamp: Date.parse('2026-12-03T09:15:00Z'),
        },
        { id: 'mobile', basic: 'closed', contact: null, notes: [], timestamp: null },
      ],
      notes: [
        { text: 'Back at 3', lang: 'en' },
        { text: 'De retour à 15 h', lang: 'fr' },
      ],
      persons: [
        {
          id: 'bob',
          activities: { activities: ['meeting', 'busy'], other: ['Design review'], from: null, until: Date.parse('2026-12-03T15:00:00Z') },
          userInput: { state: 'idle', lastInput: Date.parse('2026-12-03T09:00:00Z') },
          notes: [{ text: 'person note', lang: null }],
          timestamp: Date.parse('2026-12-03T09:15:00Z'),
          parley: null,
        },
      ],
    });
  });

  it('ignores elements and namespaces it does not know, devices and extensions included', () => {
    const doc = parsePidf(
      `<presence ${DECLS} xmlns:x="urn:example:ext" entity="sip:carol@parley.test">` +
        '<tuple id="t1"><status><basic>open</basic><x:location>here</x:location></status><x:caps/></tuple>' +
        '<dm:device id="d1"><dm:deviceID>urn:uuid:0</dm:deviceID></dm:device>' +
        '<x:anything><presence/></x:anything>' +
        '</presence>',
    );
    expect(doc.tuples).toEqual([{ id: 't1', basic: 'open', contact: null, notes: [], timestamp: null }]);
    expect([doc.notes, doc.persons]).toEqual([[], []]);
  });

  // Shapes of what widely used clients publish, written here after their documented templates.
  it('reads a minimal softphone publication (a tuple, an empty or one-activity person)', () => {
    const baresipLike = (basic: string, activity: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\r\n<presence xmlns="urn:ietf:params:xml:ns:pidf"\r\n` +
      `    xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"\r\n    xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"\r\n` +
      `    entity="sip:alice@parley.test">\r\n  <dm:person id="p4159">${activity}</dm:person>\r\n` +
      `  <tuple id="t4109">\r\n    <status>\r\n      <basic>${basic}</basic>\r\n    </status>\r\n` +
      `    <contact>sip:alice@parley.test</contact>\r\n  </tuple>\r\n</presence>\r\n`;
    const open = parsePidf(baresipLike('open', '<rpid:activities/>'));
    expect(open.tuples[0].basic).toBe('open');
    expect(open.persons[0].activities?.activities).toEqual([]);
    expect(parsePidf(baresipLike('open', '<rpid:activities><rpid:busy/></rpid:activities>')).persons[0].activities?.activities).toEqual([
      'busy',
    ]);
    expect(parsePidf(Buffer.from(baresipLike('closed', ''))).tuples[0].basic).toBe('closed');
  });

  it('refuses DTDs and entities before any expansion, as the XML front does', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE presence [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
      `<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b"><note>&b;</note></presence>`;
    const dtd = bodyErrorOf(() => parsePidf(laughs));
    expect([dtd.code, dtd.xmlKind, dtd.location]).toEqual([
      SipBodyErrorCode.XmlRefused,
      XmlErrorKind.DtdForbidden,
      { line: 1, position: 22 },
    ]);
    const external = bodyErrorOf(() => parsePidf(`<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b"><note>&xxe;</note></presence>`));
    expect([external.code, external.xmlKind]).toEqual([SipBodyErrorCode.XmlRefused, XmlErrorKind.Malformed]);
  });

  it('bounds the size and the work of a document', () => {
    const big = `<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b"><note>${'x'.repeat(64 * 1024)}</note></presence>`;
    expect(bodyErrorOf(() => parsePidf(big)).xmlKind).toBe(XmlErrorKind.TooLarge);
    const many = `<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b">${'<tuple id="t"/>'.repeat(1000)}</presence>`;
    expect(bodyErrorOf(() => parsePidf(many)).xmlKind).toBe(XmlErrorKind.TooManyElements);
    const deep = `<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b">${'<x>'.repeat(20)}${'</x>'.repeat(20)}</presence>`;
    expect(bodyErrorOf(() => parsePidf(deep)).xmlKind).toBe(XmlErrorKind.TooDeep);
    expect(() => parsePidf(big, { maxBytes: 128 * 1024, maxTextLength: 128 * 1024, maxTotalTextLength: 128 * 1024 })).not.toThrow();
  });

  it.each([
    ['not XML', 'hello', SipBodyErrorCode.XmlRefused],
    ['another root', `<presence xmlns="urn:example"/>`, SipBodyErrorCode.NotPidf],
    ['a root in no namespace', '<presence entity="pres:a@b"/>', SipBodyErrorCode.NotPidf],
    ['no entity', `<presence xmlns="${PIDF_NS.PIDF}"/>`, SipBodyErrorCode.InvalidPidf],
    ['a tuple without id', `<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b"><tuple/></presence>`, SipBodyErrorCode.InvalidPidf],
    [
      'a basic status that is neither open nor closed',
      `<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b"><tuple id="t"><status><basic>busy</basic></status></tuple></presence>`,
      SipBodyErrorCode.InvalidPidf,
    ],
    [
      'a timestamp that is no date-time',
      `<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b"><tuple id="t"><timestamp>yesterday</timestamp></tuple></presence>`,
      SipBodyErrorCode.InvalidPidf,
    ],
    [
      '31 February',
      `<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b"><tuple id="t"><timestamp>2026-02-31T00:00:00Z</timestamp></tuple></presence>`,
      SipBodyErrorCode.InvalidPidf,
    ],
    [
      'an activity end that is no date-time',
      `<presence ${DECLS} entity="pres:a@b"><dm:person id="p"><rpid:activities until="soon"/></dm:person></presence>`,
      SipBodyErrorCode.InvalidPidf,
    ],
    [
      'user input that is neither active nor idle',
      `<presence ${DECLS} entity="pres:a@b"><dm:person id="p"><rpid:user-input>asleep</rpid:user-input></dm:person></presence>`,
      SipBodyErrorCode.InvalidPidf,
    ],
    ['a person without id', `<presence ${DECLS} entity="pres:a@b"><dm:person/></presence>`, SipBodyErrorCode.InvalidPidf],
  ])('refuses %s', (_what, body, code) => {
    const err = bodyErrorOf(() => parsePidf(body));
    expect(err.code).toBe(code);
    expect(err.message.length).toBeLessThan(200);
  });

  it('reads a date-time without a zone as UTC, and other offsets exactly', () => {
    const at = (ts: string) =>
      parsePidf(`<presence xmlns="${PIDF_NS.PIDF}" entity="pres:a@b"><tuple id="t"><timestamp>${ts}</timestamp></tuple></presence>`)
        .tuples[0].timestamp;
    expect(at('2026-12-03T10:00:00')).toBe(Date.parse('2026-12-03T10:00:00Z'));
    expect(at('2026-12-03T10:00:00.250-05:30')).toBe(Date.parse('2026-12-03T15:30:00.250Z'));
    // Years below 100 stay as written (Date.UTC would read 99 as 1999).
    expect(at('0099-01-01T00:00:00Z')).toBe(new Date('0099-01-01T00:00:00Z').getTime());
  });
});

describe('writePidf', () => {
  const doc: PidfDocument = {
    entity: 'pres:alice@parley.test',
    tuples: [{ id: 'parley', basic: 'open', contact: 'sip:alice@parley.test', notes: [], timestamp: Date.parse('2026-12-03T09:00:00Z') }],
    notes: [{ text: 'Fish & chips <at 1>', lang: 'en' }],
    persons: [
      {
        id: 'p',
        activities: { activities: ['meeting', 'busy'], other: [], from: null, until: Date.parse('2026-12-03T10:00:00Z') },
        userInput: null,
        notes: [],
        timestamp: null,
        parley: {
          availability: 6500,
          token: 'busy',
          activity: 'in-a-meeting',
          noteKind: 'personal',
          oof: false,
          calendar: 'in-a-meeting',
          userState: null,
        },
      },
    ],
  };

  it('writes PIDF as the default namespace with dm and rpid prefixes, in the schema order', () => {
    expect(writePidf(doc)).toBe(
      '<?xml version="1.0" encoding="utf-8"?>' +
        `<presence xmlns="${PIDF_NS.PIDF}" xmlns:dm="${PIDF_NS.DATA_MODEL}" xmlns:rpid="${PIDF_NS.RPID}" entity="pres:alice@parley.test">` +
        '<tuple id="parley"><status><basic>open</basic></status><contact>sip:alice@parley.test</contact>' +
        '<timestamp>2026-12-03T09:00:00.000Z</timestamp></tuple>' +
        '<note xml:lang="en">Fish &amp; chips &lt;at 1&gt;</note>' +
        '<dm:person id="p"><rpid:activities until="2026-12-03T10:00:00.000Z"><rpid:meeting/><rpid:busy/></rpid:activities>' +
        `<pp:state xmlns:pp="${PIDF_NS.PARLEY}" availability="6500" token="busy" activity="in-a-meeting" note="personal" oof="false" calendar="in-a-meeting"/>` +
        '</dm:person></presence>',
    );
  });

  it('writes what it reads back unchanged', () => {
    const full: PidfDocument = {
      ...doc,
      tuples: [...doc.tuples, { id: 't2', basic: null, contact: null, notes: [{ text: 'second', lang: null }], timestamp: null }],
      persons: [
        {
          ...doc.persons[0],
          activities: { activities: ['vacation'], other: ['Skiing'], from: Date.parse('2026-12-01T00:00:00Z'), until: null },
          userInput: { state: 'idle', lastInput: Date.parse('2026-12-03T08:00:00Z') },
          notes: [{ text: 'person', lang: 'de' }],
          timestamp: Date.parse('2026-12-03T08:30:00Z'),
        },
      ],
    };
    expect(parsePidf(writePidf(full))).toEqual(full);
    expect(parsePidf(writePidf(doc))).toEqual(doc);
  });
});
