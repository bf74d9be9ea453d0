import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressOfRecord, parseSipMessage, serializeSipMessage, SipErrorCode, SipParseError, SipRequest, SipResponse } from './index';

// The RFC 4475 torture-test messages, byte for byte (fixtures/rfc4475/SOURCE.md says where they come from).
const dir = join(__dirname, 'fixtures', 'rfc4475');
const fixture = (name: string): Buffer => readFileSync(join(dir, `${name}.dat`));

function refusal(input: Buffer): SipParseError {
  try {
    parseSipMessage(input, { strict: true });
  } catch (error) {
    if (error instanceof SipParseError) return error;
    throw error;
  }
  throw new Error('The message was accepted.');
}

function request(name: string): SipRequest {
  const message = parseSipMessage(fixture(name), { strict: true });
  if (!(message instanceof SipRequest)) throw new Error(`${name} is not a request`);
  return message;
}

function response(name: string): SipResponse {
  const message = parseSipMessage(fixture(name), { strict: true });
  if (!(message instanceof SipResponse)) throw new Error(`${name} is not a response`);
  return message;
}

/**
 * The messages this codec accepts: RFC 4475 §3.1.1 (valid syntax) and the messages of §3.2–3.4 whose syntax is
 * fine and whose problem (unknown scheme, unsupported extension, odd Date …) is for the application to judge.
 */
const ACCEPTED = [
  'wsinv',
  'intmeth',
  'esc01',
  'escnull',
  'esc02',
  'lwsdisp',
  'longreq',
  'dblreq',
  'semiuri',
  'transports',
  'mpart01',
  'unreason',
  'noreason',
  'baddate',
  'badbranch',
  'bcast',
  'bext01',
  'cparam01',
  'cparam02',
  'invut',
  'novelsc',
  'regaut01',
  'regescrt',
  'sdp01',
  'unkscm',
  'unksm2',
  'zeromf',
];

/** The refused messages and why: the RFC 4475 §3.1.2 syntax errors plus the ones this codec's checks catch. */
const REFUSED: Record<string, { code: SipErrorCode; header?: string; status?: number }> = {
  badinv01: { code: SipErrorCode.InvalidHeader, header: 'Via', status: 400 },
  clerr: { code: SipErrorCode.TruncatedBody, header: 'Content-Length', status: 400 },
  scalar02: { code: SipErrorCode.InvalidHeader, header: 'Max-Forwards', status: 400 },
  scalarlg: { code: SipErrorCode.InvalidHeader, header: 'CSeq', status: 400 },
  quotbal: { code: SipErrorCode.InvalidHeader, header: 'To', status: 400 },
  ltgtruri: { code: SipErrorCode.InvalidRequestUri, status: 400 },
  lwsruri: { code: SipErrorCode.InvalidRequestUri, status: 400 },
  lwsstart: { code: SipErrorCode.InvalidRequestUri, status: 400 },
  trws: { code: SipErrorCode.InvalidStartLine },
  escruri: { code: SipErrorCode.InvalidRequestUri, status: 400 },
  regbadct: { code: SipErrorCode.InvalidHeader, header: 'Contact', status: 400 },
  badaspec: { code: SipErrorCode.InvalidHeader, header: 'To', status: 400 },
  // This copy of baddn lacks the final empty line; with it, the unquoted display name is the fault (tested below).
  baddn: { code: SipErrorCode.MalformedHeaders },
  badvers: { code: SipErrorCode.UnsupportedVersion, status: 505 },
  mismatch01: { code: SipErrorCode.CSeqMismatch, header: 'CSeq', status: 400 },
  mismatch02: { code: SipErrorCode.CSeqMismatch, header: 'CSeq', status: 400 },
  multi01: { code: SipErrorCode.InvalidHeader, header: 'To', status: 400 },
  mcl01: { code: SipErrorCode.InvalidHeader, header: 'Content-Length', status: 400 },
  ncl: { code: SipErrorCode.InvalidHeader, header: 'Content-Length', status: 400 },
  bigcode: { code: SipErrorCode.InvalidStartLine },
  insuf: { code: SipErrorCode.MissingHeader, header: 'To', status: 400 },
  // RFC 2543 syntax (§3.4): accepted by stacks that keep backward compatibility; Parley requires Max-Forwards.
  inv2543: { code: SipErrorCode.MissingHeader, header: 'Max-Forwards', status: 400 },
};

describe('RFC 4475 torture tests', () => {
  it('classifies every message of the RFC exactly once', () => {
    const names = readdirSync(dir)
      .filter((file) => file.endsWith('.dat'))
      .map((file) => file.slice(0, -4));
    expect(names).toHaveLength(49);
    expect([...ACCEPTED, ...Object.keys(REFUSED)].sort()).toEqual(names.sort());
  });

  it.each(ACCEPTED)('%s parses, validates every known header, and survives a round trip', (name) => {
    const message = parseSipMessage(fixture(name), { strict: true });
    const again = parseSipMessage(serializeSipMessage(message), { strict: true });
    // The same headers in the same order; Content-Length now states the body's length and is added if absent.
    const length = { name: 'Content-Length', value: String(message.body.length) };
    const expected = message.headers.entries().map((field) => (field.name === 'Content-Length' ? length : field));
    expect(again.headers.entries()).toEqual(message.headers.has('Content-Length') ? expected : [...expected, length]);
    expect(again.body.equals(message.body)).toBe(true);
    expect(again.callId()).toBe(message.callId());
  });

  it.each(Object.entries(REFUSED))('%s is refused with a typed error', (name, expected) => {
    const error = refusal(fixture(name));
    expect(error.code).toBe(expected.code);
    expect(error.header).toBe(expected.header);
    expect(error.status).toBe(expected.status);
    // Whatever can be answered carries the readable message so the front can copy Via, From, To, Call-ID, CSeq.
    expect(error.parsed !== undefined).toBe(expected.status !== undefined);
  });

  it('baddn (§3.1.2.14) with its empty line: an unquoted display name with a comma is refused', () => {
    const error = refusal(Buffer.concat([fixture('baddn'), Buffer.from('\r\n')]));
    expect(error.code).toBe(SipErrorCode.InvalidHeader);
    // To is checked before From, and is just as broken ("Watson, Thomas <…>").
    expect(error.header).toBe('To');
  });

  it('wsinv (§3.1.1.1): folding, LWS everywhere, compact forms, quoted escapes, unknown headers', () => {
    const m = request('wsinv');
    expect(m.method).toBe('INVITE');
    expect(m.uri).toMatchObject({ kind: 'sip', user: 'vivekg', host: 'chair-dnrc.example.com' });
    expect(m.uri.kind === 'sip' && [...m.uri.params]).toEqual([['unknownparam', null]]);
    expect(m.to().params.get('tag')).toBe('1918181833n');
    expect(m.from().displayName).toBe('J Rosenberg \\"');
    expect(m.from().params.get('tag')).toBe('98asjd8');
    expect(m.maxForwards()).toBe(68);
    expect(m.cseq()).toEqual({ seq: 9, method: 'INVITE' });
    expect(m.callId()).toBe('wsinv.ndaksdj@192.0.2.1');
    expect(m.vias().map((via) => [via.transport, via.host, via.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.topVia().rport).toBeUndefined();
    expect(m.headers.get('subject')).toBe('');
    expect(m.headers.get('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.headers.get('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    const contacts = m.contacts();
    expect(contacts).not.toBe('*');
    const [contact] = contacts as Exclude<typeof contacts, '*'>;
    expect(contact.displayName).toBe('Quoted string ""');
    expect([...contact.params]).toEqual([
      ['newparam', 'newvalue'],
      ['secondparam', null],
      ['q', '0.33'],
    ]);
    expect(m.nameAddrs('Route')[0].uri).toMatchObject({ host: 'services.example.com' });
    expect(m.contentType()).toMatchObject({ type: 'application', subtype: 'sdp' });
    expect(m.body.length).toBe(150);
  });

  it('intmeth (§3.1.1.2): the widest range of legal characters', () => {
    const m = request('intmeth');
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    expect(m.uri).toMatchObject({
      user: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
      password: "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)",
    });
    expect(m.to().displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(m.from().displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.from().params.get('tag')).toBe("_token~1'+`*%!-.");
    expect(m.from().params.get("fromparam''~+*_!.-%")).toBe('работающий');
    expect(m.callId()).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(m.headers.get("extensionHeader-!.%*+_`'~")).toBe('\ufeff大停電');
    expect(m.maxForwards()).toBe(255);
  });

  it('esc01, escnull, semiuri: escapes stay as written and compare unescaped', () => {
    const esc = request('esc01');
    expect(esc.uri).toMatchObject({ user: 'sips%3Auser%40example.com', host: 'example.net' });
    expect(addressOfRecord(esc.to().uri)).toBe('user@example.com');
    expect(addressOfRecord(esc.from().uri)).toBe('I have spaces@example.net');
    expect(esc.callId()).toBe('esc01.239409asdfakjkn23onasd0-3234');
    expect(request('escnull').to().uri).toMatchObject({ user: 'null-%00-null' });
    expect(request('semiuri').uri).toMatchObject({ user: 'user;par=u%40example.net', host: 'example.com' });
  });

  it('lwsdisp, transports, dblreq, mpart01: display name without LWS, every transport, trailing junk, binary body', () => {
    expect(request('lwsdisp').from().displayName).toBe('caller');
    expect(
      request('transports')
        .vias()
        .map((via) => via.transport),
    ).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    const dbl = request('dblreq');
    expect(dbl.method).toBe('REGISTER');
    expect(dbl.body.length).toBe(0);
    const mpart = request('mpart01');
    expect(mpart.contentType()?.subtype).toBe('mixed');
    expect(mpart.body.length).toBe(mpart.contentLength());
  });

  it('responses: an empty and a non-ASCII reason phrase', () => {
    expect(response('noreason')).toMatchObject({ status: 100, reason: '' });
    expect(response('unreason').reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    expect(response('bcast').vias()[1].host).toBe('255.255.255.255');
  });

  it('unknown URI schemes are carried opaquely', () => {
    expect(request('unkscm').uri).toEqual({
      kind: 'other',
      scheme: 'nobodyknowsthisscheme',
      text: 'nobodyKnowsThisScheme:totallyopaquecontent',
    });
    expect(request('novelsc').uri).toMatchObject({ kind: 'other', scheme: 'soap.beep' });
    const unk = request('unksm2');
    expect(unk.to().uri).toMatchObject({ kind: 'other', scheme: 'isbn' });
    expect(unk.from().uri).toMatchObject({ kind: 'other', scheme: 'http' });
  });

  it('Contact parameters: outside <> they belong to the header, inside to the URI', () => {
    const [outside] = request('cparam01').contacts() as Exclude<ReturnType<SipRequest['contacts']>, '*'>;
    expect(outside.params.has('unknownparam')).toBe(true);
    const [inside] = request('cparam02').contacts() as Exclude<ReturnType<SipRequest['contacts']>, '*'>;
    expect(inside.uri.kind === 'sip' && inside.uri.params.has('unknownparam')).toBe(true);
    expect(inside.params.size).toBe(0);
  });
});
