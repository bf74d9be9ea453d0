import {
  createRefusal,
  createRequest,
  createResponse,
  parseSipMessage,
  serializeSipMessage,
  SipErrorCode,
  SipParseError,
  SipRequest,
  SipResponse,
} from './index';

const REGISTER = [
  'REGISTER sip:parley.test SIP/2.0',
  'Via: SIP/2.0/TCP a.invalid;branch=z9hG4bK1;rport',
  'Via: SIP/2.0/TCP proxy.test;branch=z9hG4bK2',
  'Max-Forwards: 70',
  't: <sip:alice@parley.test>',
  'f: <sip:alice@parley.test>;tag=fromtag',
  'i: reg-1',
  'CSeq: 7 REGISTER',
  'Timestamp: 54',
  'Contact: <sip:alice@a.invalid;transport=tcp>',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function request(text: string): SipRequest {
  const message = parseSipMessage(text);
  if (!(message instanceof SipRequest)) throw new Error('not a request');
  return message;
}

describe('createResponse (RFC 3261 §8.2.6)', () => {
  it('copies every Via in order, From, To with a new tag, Call-ID and CSeq; Content-Length always', () => {
    const response = createResponse(request(REGISTER), 200, {
      toTag: 'totag',
      headers: [['Contact', '<sip:alice@a.invalid;transport=tcp>;expires=600']],
    });
    const wire = serializeSipMessage(response).toString();
    expect(wire).toBe(
      [
        'SIP/2.0 200 OK',
        'Via: SIP/2.0/TCP a.invalid;branch=z9hG4bK1;rport',
        'Via: SIP/2.0/TCP proxy.test;branch=z9hG4bK2',
        'From: <sip:alice@parley.test>;tag=fromtag',
        'To: <sip:alice@parley.test>;tag=totag',
        'Call-ID: reg-1',
        'CSeq: 7 REGISTER',
        'Contact: <sip:alice@a.invalid;transport=tcp>;expires=600',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    const parsed = parseSipMessage(wire, { framing: 'stream', strict: true });
    expect(parsed).toBeInstanceOf(SipResponse);
    expect(parsed.to().params.get('tag')).toBe('totag');
  });

  it('keeps an existing To tag, generates one when needed, and echoes Timestamp on 100 only', () => {
    const tagged = request(REGISTER.replace('t: <sip:alice@parley.test>', 't: <sip:alice@parley.test>;tag=dialog'));
    expect(createResponse(tagged, 200).headers.get('To')).toBe('<sip:alice@parley.test>;tag=dialog');
    const generated = createResponse(request(REGISTER), 401).to().params.get('tag');
    expect(generated).toMatch(/^[0-9a-f]{16}$/);
    const trying = createResponse(request(REGISTER), 100);
    expect(trying.headers.get('To')).toBe('<sip:alice@parley.test>');
    expect(trying.headers.get('Timestamp')).toBe('54');
    expect(createResponse(request(REGISTER), 200).headers.has('Timestamp')).toBe(false);
  });

  it('carries a body with its type and computed length', () => {
    const response = createResponse(request(REGISTER), 400, { reason: 'Bad Request', body: 'é', contentType: 'text/plain;charset=utf-8' });
    const wire = serializeSipMessage(response);
    expect(wire.toString()).toContain('Content-Type: text/plain;charset=utf-8\r\nContent-Length: 2\r\n\r\né');
  });
});

describe('createRefusal', () => {
  function refusal(text: string): SipParseError {
    try {
      parseSipMessage(text);
    } catch (error) {
      if (error instanceof SipParseError) return error;
    }
    throw new Error('accepted');
  }

  it('answers 400 with a Warning that names the missing header', () => {
    const error = refusal(REGISTER.replace('i: reg-1\r\n', ''));
    const response = createRefusal(error, 'parley.test');
    expect(response?.status).toBe(400);
    expect(response?.headers.get('Warning')).toBe('399 parley.test "The request has no Call-ID header."');
    expect(response?.headers.getAll('Via')).toHaveLength(2);
  });

  it('answers 505 for another SIP version, and nothing for an ACK or an unreadable start line', () => {
    expect(createRefusal(refusal(REGISTER.replace('SIP/2.0\r\n', 'SIP/3.0\r\n')), 'p')?.status).toBe(505);
    const ack = REGISTER.replace('REGISTER sip:', 'ACK sip:').replace('7 REGISTER', '7 INVITE');
    expect(refusal(ack).code).toBe(SipErrorCode.CSeqMismatch);
    expect(createRefusal(refusal(ack), 'p')).toBeUndefined();
    expect(createRefusal(refusal(`GARBAGE\r\n${REGISTER.slice(REGISTER.indexOf('\r\n') + 2)}`), 'p')).toBeUndefined();
  });

  it('keeps the Warning a valid quoted string whatever the input echoed in it', () => {
    const error = refusal(REGISTER.replace('t: <sip:alice@parley.test>', 't: "a\\" <sip:alice@parley.test'));
    const warning = createRefusal(error, 'p')?.headers.get('Warning') ?? '';
    expect(warning.slice(warning.indexOf('"') + 1, -1)).not.toMatch(/["\\]/);
  });
});

describe('createRequest', () => {
  it('builds a NOTIFY with Max-Forwards and Content-Length that parses back', () => {
    const body = '<?xml version="1.0"?><presence/>';
    const notify = createRequest({
      method: 'NOTIFY',
      uri: 'sip:alice@a.invalid;transport=ws',
      headers: [
        ['Via', 'SIP/2.0/WSS parley.test;branch=z9hG4bKn1'],
        ['From', '<sip:bob@parley.test>;tag=b1'],
        ['To', '<sip:alice@parley.test>;tag=a1'],
        ['Call-ID', 'sub-1'],
        ['CSeq', '2 NOTIFY'],
        ['Event', 'presence'],
        ['Subscription-State', 'active;expires=599'],
      ],
      body,
      contentType: 'application/pidf+xml',
    });
    const parsed = parseSipMessage(serializeSipMessage(notify), { framing: 'stream', strict: true });
    expect(parsed).toBeInstanceOf(SipRequest);
    expect(parsed.kind === 'request' && parsed.requestUriText).toBe('sip:alice@a.invalid;transport=ws');
    expect(parsed.headers.get('Max-Forwards')).toBe('70');
    expect(parsed.contentLength()).toBe(Buffer.byteLength(body));
    expect(parsed.body.toString()).toBe(body);
  });

  it('refuses a header value that would inject a line', () => {
    const evil = createRequest({ method: 'MESSAGE', uri: 'sip:a@b', headers: [['Subject', 'x\r\nVia: evil']] });
    expect(() => serializeSipMessage(evil)).toThrow(RangeError);
  });
});

describe('round trip', () => {
  it('parse → serialize → parse keeps start line, headers, order and body', () => {
    const text = REGISTER.replace('Content-Length: 0', 'Content-Length: 5') + 'hello';
    const first = request(text);
    const second = request(serializeSipMessage(first).toString());
    expect(second.method).toBe(first.method);
    expect(second.requestUriText).toBe(first.requestUriText);
    expect(second.headers.entries()).toEqual(first.headers.entries());
    expect(second.body.toString()).toBe('hello');
    // Compact forms come back long: what RFC 3261 §7.3.3 lets a sender choose.
    expect(serializeSipMessage(first).toString()).toContain('\r\nCall-ID: reg-1\r\n');
  });
});
