import { contactExpires, contactQ, parseSipMessage, parseUri, SipErrorCode, SipParseError, SipRequest, splitHeaderList } from './index';

const crlf = (lines: string[]) => lines.join('\r\n');

const SUBSCRIBE = crlf([
  'SUBSCRIBE sip:bob@parley.test SIP/2.0',
  'v: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;rport',
  'Max-Forwards: 70',
  't: <sip:bob@parley.test>',
  'f: "Alice, the \\"first\\"" <sip:alice@parley.test>;tag=xyz',
  'i: a84b4c76e66710',
  'CSeq: 314159 SUBSCRIBE',
  'o: presence',
  'Accept: application/pidf+xml,',
  ' application/rpid+xml',
  'Expires: 3600',
  'm: <sip:alice@df7jal23ls0d.invalid;transport=ws>;+sip.instance="<urn:uuid:0001>";expires=300, "Desk, B" <sips:alice@[2001:db8::1]:5061>;q=0.5',
  'Content-Length: 0',
  '',
  '',
]);

function parseRequest(text: string): SipRequest {
  const message = parseSipMessage(text);
  if (!(message instanceof SipRequest)) throw new Error('not a request');
  return message;
}

function refusal(text: string | Buffer, options = {}): SipParseError {
  try {
    parseSipMessage(text, options);
  } catch (error) {
    if (error instanceof SipParseError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseSipMessage', () => {
  it('expands compact forms, unfolds, and splits lists without breaking quotes or <…>', () => {
    const m = parseRequest(SUBSCRIBE);
    expect(m.headers.entries().map((field) => field.name)).toEqual([
      'Via',
      'Max-Forwards',
      'To',
      'From',
      'Call-ID',
      'CSeq',
      'Event',
      'Accept',
      'Expires',
      'Contact',
      'Content-Length',
    ]);
    expect(m.headers.get('ACCEPT')).toBe('application/pidf+xml, application/rpid+xml');
    expect(m.headers.list('accept')).toEqual(['application/pidf+xml', 'application/rpid+xml']);
    expect(m.from().displayName).toBe('Alice, the "first"');
    expect(m.event()?.value).toBe('presence');
    expect(m.expires()).toBe(3600);
    const contacts = m.contacts();
    if (contacts === '*') throw new Error('wildcard');
    expect(contacts.map((contact) => [contact.displayName, contact.uri, contact.params.get('expires'), contact.params.get('q')])).toEqual([
      [
        undefined,
        {
          kind: 'sip',
          scheme: 'sip',
          user: 'alice',
          password: undefined,
          host: 'df7jal23ls0d.invalid',
          port: undefined,
          params: new Map([['transport', 'ws']]),
          headers: [],
        },
        '300',
        undefined,
      ],
      [
        'Desk, B',
        {
          kind: 'sip',
          scheme: 'sips',
          user: 'alice',
          password: undefined,
          host: '[2001:db8::1]',
          port: 5061,
          params: new Map(),
          headers: [],
        },
        undefined,
        '0.5',
      ],
    ]);
    expect(contacts[0].params.get('+sip.instance')).toBe('<urn:uuid:0001>');
    expect(contacts.map((contact) => [contactExpires(contact), contactQ(contact)])).toEqual([
      [300, undefined],
      [undefined, 0.5],
    ]);
    expect(m.topVia()).toMatchObject({
      protocol: 'SIP/2.0',
      transport: 'WSS',
      host: 'df7jal23ls0d.invalid',
      branch: 'z9hG4bKnashds7',
      rport: null,
    });
  });

  it('reads a wildcard Contact and clamps a huge Expires (RFC 3261 §10.2.2, §20.19)', () => {
    const m = parseRequest(SUBSCRIBE.replace(/m: [^\r]*/, 'Contact: *').replace('Expires: 3600', 'Expires: 99999999999999999999'));
    expect(m.contacts()).toBe('*');
    expect(m.expires()).toBe(2 ** 32 - 1);
  });

  it('splits comma lists only at top level', () => {
    expect(splitHeaderList('"a, b" <sip:x@y>, <sip:p@q;a=b,c>, c')).toEqual(['"a, b" <sip:x@y>', '<sip:p@q;a=b,c>', 'c']);
    expect(splitHeaderList('"unterminated, still one')).toEqual(['"unterminated, still one']);
  });

  it.each([
    ['without Via', 'v: ', 'Via'],
    ['without To', 't: ', 'To'],
    ['without From', 'f: ', 'From'],
    ['without Call-ID', 'i: ', 'Call-ID'],
    ['without CSeq', 'CSeq: ', 'CSeq'],
    ['without Max-Forwards', 'Max-Forwards: ', 'Max-Forwards'],
  ])('refuses a request %s, naming the header', (_, prefix, header) => {
    const text = SUBSCRIBE.split('\r\n')
      .filter((line) => !line.startsWith(prefix))
      .join('\r\n');
    const error = refusal(text);
    expect(error).toMatchObject({ code: SipErrorCode.MissingHeader, header, status: 400 });
    expect(error.parsed?.kind).toBe('request');
  });

  it.each([
    ['Max-Forwards: 70', 'Max-Forwards: 256', 'Max-Forwards'],
    ['CSeq: 314159 SUBSCRIBE', 'CSeq: SUBSCRIBE', 'CSeq'],
    ['CSeq: 314159 SUBSCRIBE', 'CSeq: 2147483648 SUBSCRIBE', 'CSeq'],
    ['i: a84b4c76e66710', 'i: a84b4c76 e66710', 'Call-ID'],
    ['t: <sip:bob@parley.test>', 't: <sip:bob@parley.test', 'To'],
    ['t: <sip:bob@parley.test>', 't: <sip:bob@parley.test>;tag', 'To'],
    ['Expires: 3600', 'Expires: soon', 'Expires'],
    [';expires=300', ';expires=-1', 'Contact'],
    [';q=0.5', ';q=1.5', 'Contact'],
    [';q=0.5', ';q=0.5000', 'Contact'],
    ['t: <sip:bob@parley.test>', 't: <sip:bob@[::1>', 'To'],
    ['t: <sip:bob@parley.test>', 't: <sip:bob@parley.test:99999>', 'To'],
    ['v: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;rport', 'Via: SIP/2.0/UDP', 'Via'],
    ['v: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;rport', 'Via: SIP/2.0/UDP a.test;rport=x', 'Via'],
  ])('refuses %s → %s as an invalid header (optional headers when parsed strictly)', (from, to, header) => {
    expect(refusal(SUBSCRIBE.replace(from, to), { strict: true })).toMatchObject({ code: SipErrorCode.InvalidHeader, header, status: 400 });
  });

  it('parses optional headers only on access unless asked to be strict', () => {
    const lazy = parseRequest(SUBSCRIBE.replace('Expires: 3600', 'Expires: soon'));
    expect(() => lazy.expires()).toThrow(expect.objectContaining({ code: SipErrorCode.InvalidHeader, header: 'Expires' }));
    expect(lazy.callId()).toBe('a84b4c76e66710');
  });

  it('refuses unreadable start lines without offering a response', () => {
    for (const line of [
      '',
      'HELLO',
      'INVITE sip:a@b',
      'SIP/2.0 20 OK',
      'SIP/2.0 200OK',
      'SIP/3.0 200 OK',
      'INV<TE sip:a@b SIP/2.0',
      'INVITE sip:a@b HTTP/1.1',
    ]) {
      const error = refusal(`${line}\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n`);
      expect(error.code).toBe(SipErrorCode.InvalidStartLine);
      expect(error.status).toBeUndefined();
      expect(error.parsed).toBeUndefined();
    }
  });

  it('refuses a bare LF or CR in the header section, and invalid UTF-8', () => {
    expect(refusal(SUBSCRIBE.replace('Expires: 3600\r\n', 'Expires: 3600\nX-Smuggled: 1\r\n')).code).toBe(SipErrorCode.MalformedHeaders);
    expect(refusal(SUBSCRIBE.replace('Expires: 3600\r\n', 'Expires: 3600\rX: 1\r\n')).code).toBe(SipErrorCode.MalformedHeaders);
    const bytes = Buffer.from(SUBSCRIBE.replace('o: presence', 'o: presence\r\nX-Bad: \u0001'));
    bytes[bytes.indexOf(0x01)] = 0xff;
    expect(refusal(bytes).code).toBe(SipErrorCode.InvalidEncoding);
  });

  it('applies the limits', () => {
    const tooLarge = refusal(SUBSCRIBE + 'x'.repeat(100), { limits: { maxMessageBytes: SUBSCRIBE.length } });
    expect(tooLarge).toMatchObject({ code: SipErrorCode.MessageTooLarge, status: 513 });
    // The header section was within the limit: readable enough for the front to answer 513.
    expect(tooLarge.parsed?.callId()).toBe('a84b4c76e66710');
    expect(refusal(SUBSCRIBE, { limits: { maxMessageBytes: 100 } }).parsed).toBeUndefined();
    expect(refusal(SUBSCRIBE, { limits: { maxHeaders: 5 } })).toMatchObject({ code: SipErrorCode.TooManyHeaders });
    expect(refusal(SUBSCRIBE, { limits: { maxHeaderLineBytes: 60 } })).toMatchObject({ code: SipErrorCode.HeaderLineTooLong });
    // Folding cannot be used to get round the line limit.
    const folded = SUBSCRIBE.replace('Expires: 3600', `Expires: 3600${'\r\n x'.repeat(50)}`);
    expect(refusal(folded, { limits: { maxHeaderLineBytes: 90 } })).toMatchObject({ code: SipErrorCode.HeaderLineTooLong });
    const withBody = SUBSCRIBE.replace('Content-Length: 0', 'Content-Length: 20') + 'x'.repeat(20);
    expect(refusal(withBody, { limits: { maxBodyBytes: 10 } })).toMatchObject({ code: SipErrorCode.BodyTooLarge, status: 413 });
  });

  it('on a WebSocket frame, takes the rest as body when Content-Length is absent (RFC 7118 §5)', () => {
    const noLength = SUBSCRIBE.replace('Content-Length: 0\r\n', '') + 'body';
    expect(parseSipMessage(noLength).body.toString()).toBe('body');
    expect(refusal(noLength, { framing: 'stream' })).toMatchObject({ code: SipErrorCode.MissingContentLength });
  });

  it('ignores CRLFs before the start line (RFC 3261 §7.5)', () => {
    expect(parseRequest(`\r\n\r\n${SUBSCRIBE}`).method).toBe('SUBSCRIBE');
  });
});

// IPv6 references from RFC 5118 ("SIP Torture Test Messages for IPv6"), §4.1, §4.2, §4.4 and §4.5.
describe('IPv6 (RFC 5118)', () => {
  const msg = (startLine: string, via: string, contact = 'Contact: "Caller" <sip:caller@[2001:db8::1]>') =>
    crlf([
      startLine,
      'To: sip:user@example.com',
      'From: sip:user@example.com;tag=81x2',
      via,
      'Call-ID: SSG9559905523997077@hlau_4100',
      'Max-Forwards: 70',
      contact,
      `CSeq: 98176 ${startLine.split(' ')[0]}`,
      'Content-Length: 0',
      '',
      '',
    ]);

  it('reads IPv6 references in the Request-URI, Via and Contact (§4.1, §4.4)', () => {
    const m = parseRequest(msg('REGISTER sip:[2001:db8::10]:5070 SIP/2.0', 'Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111'));
    expect(m.uri).toMatchObject({ host: '[2001:db8::10]', port: 5070 });
    expect(m.topVia().host).toBe('[2001:db8::9:1]');
    const contacts = m.contacts();
    expect(contacts !== '*' && contacts[0].uri).toMatchObject({ host: '[2001:db8::1]' });
  });

  it('refuses an IPv6 address without brackets in the Request-URI (§4.2)', () => {
    const error = refusal(msg('REGISTER sip:2001:db8::10 SIP/2.0', 'Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111'));
    expect(error.code).toBe(SipErrorCode.InvalidRequestUri);
  });

  it('reads a received parameter with or without brackets (§4.5)', () => {
    const bracketed = parseRequest(
      msg('BYE sip:[2001:db8::10] SIP/2.0', 'Via: SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111'),
    );
    expect(bracketed.topVia().received).toBe('[2001:db8::9:255]');
    const bare = parseRequest(
      msg('OPTIONS sip:[2001:db8::10] SIP/2.0', 'Via: SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3'),
    );
    expect(bare.topVia()).toMatchObject({ received: '2001:db8::9:255', branch: 'z9hG4bKas3' });
  });
});

describe('parseUri', () => {
  it('parses SIP URIs with password, IPv6, port, parameters and headers', () => {
    expect(parseUri('sip:alice:secret@[2001:db8::10]:5070;transport=tcp;lr?Subject=hi&Priority=urgent')).toEqual({
      kind: 'sip',
      scheme: 'sip',
      user: 'alice',
      password: 'secret',
      host: '[2001:db8::10]',
      port: 5070,
      params: new Map([
        ['transport', 'tcp'],
        ['lr', null],
      ]),
      headers: [
        ['Subject', 'hi'],
        ['Priority', 'urgent'],
      ],
    });
    expect(parseUri('SIPS:parley.test')).toMatchObject({ scheme: 'sips', host: 'parley.test', user: undefined });
    expect(parseUri('tel:+1-201-555-0123')).toEqual({ kind: 'other', scheme: 'tel', text: 'tel:+1-201-555-0123' });
  });

  it.each([
    'sip:',
    'sip:@host',
    'sip:a@',
    'sip:2001:db8::10',
    'sip:a@b:c',
    'sip:a@h;=x',
    'sip:a@h;x=',
    'sip:a@h?x',
    'sip:a%zz@h',
    'sip:a@h..b',
    '1sip:a@b',
    'sip:a b@c',
    ':x',
  ])('refuses %s', (text) => {
    expect(typeof parseUri(text)).toBe('string');
  });
});
