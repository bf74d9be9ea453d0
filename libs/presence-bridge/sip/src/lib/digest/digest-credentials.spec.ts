import { fuzzRun } from '@parley/testing';
import { MAX_CREDENTIALS_LENGTH, parseDigestCredentials } from './digest-credentials';

const VALID =
  'Digest username="alice@parley.test", realm="parley.test", nonce="abc", uri="sip:parley.test", ' +
  'response="0123456789abcdef0123456789abcdef", algorithm=MD5, cnonce="xyz", qop=auth, nc=00000001, opaque="op"';

function credentialsOf(value: string) {
  const parsed = parseDigestCredentials(value);
  if (parsed.kind !== 'digest') throw new Error(`expected digest credentials, got ${JSON.stringify(parsed)}`);
  return parsed.credentials;
}

function refusal(value: string): string {
  const parsed = parseDigestCredentials(value);
  if (parsed.kind !== 'malformed') throw new Error(`expected a refusal, got ${JSON.stringify(parsed)}`);
  return parsed.reason;
}

describe('parseDigestCredentials', () => {
  it('reads every directive, quoted or not', () => {
    const c = credentialsOf(VALID);
    expect(c).toMatchObject({
      username: 'alice@parley.test',
      realm: 'parley.test',
      nonce: 'abc',
      uri: 'sip:parley.test',
      response: '0123456789abcdef0123456789abcdef',
      algorithm: 'MD5',
      cnonce: 'xyz',
      qop: 'auth',
      nc: '00000001',
      opaque: 'op',
    });
  });

  it('takes the scheme and directive names in any case, and whitespace around = and ,', () => {
    const c = credentialsOf(
      'digest  USERNAME = "bob" ,Realm="r",nonce="n" ,\turi="sip:r",response="00", QOP="auth", NC=0000000a, cnonce="c"',
    );
    expect(c).toMatchObject({ username: 'bob', realm: 'r', qop: 'auth', nc: '0000000a' });
  });

  it('unescapes quoted pairs and keeps commas and non-ASCII inside quoted strings', () => {
    const c = credentialsOf('Digest username="a\\"b\\\\c, d", realm="r\\x", nonce="n", uri="sip:r;x=\\"1\\"", response="00", opaque="é"');
    expect(c.username).toBe('a"b\\c, d');
    expect(c.realm).toBe('rx');
    expect(c.uri).toBe('sip:r;x="1"');
    expect(c.opaque).toBe('é');
  });

  it('keeps unknown directives (auth-param) without failing', () => {
    expect(credentialsOf(`${VALID}, future-thing=token, other="q"`).directives.get('future-thing')).toBe('token');
  });

  it('reports another scheme as such rather than as malformed', () => {
    expect(parseDigestCredentials('Basic YWxpY2U6cHc=')).toEqual({ kind: 'other-scheme', scheme: 'Basic' });
  });

  it.each([
    ['a directive twice', `${VALID}, nonce="again"`, 'duplicate directive nonce'],
    ['a directive twice in another case', `${VALID}, Realm="x"`, 'duplicate directive realm'],
    ['no username', VALID.replace('username="alice@parley.test", ', ''), 'missing username'],
    ['no response', VALID.replace('response="0123456789abcdef0123456789abcdef", ', ''), 'missing response'],
    ['qop without nc', VALID.replace(', nc=00000001', ''), 'qop without nc and cnonce'],
    ['qop without cnonce', VALID.replace('cnonce="xyz", ', ''), 'qop without nc and cnonce'],
    ['an nc of 7 digits', VALID.replace('nc=00000001', 'nc=0000001'), 'nc is not 8 hex digits'],
    ['an nc that is not hex', VALID.replace('nc=00000001', 'nc=0000000g'), 'nc is not 8 hex digits'],
    ['an unterminated quoted string', 'Digest username="alice', 'unterminated quoted string in username'],
    ['a trailing backslash in a quoted string', 'Digest username="alice\\', 'unterminated quoted string in username'],
    ['a directive without a value', 'Digest username', 'directive username has no value'],
    ['an empty token value', 'Digest username=, realm="r"', 'directive username has an empty value'],
    ['an empty list element', VALID.replace(', realm', ',, realm'), 'empty directive'],
    ['a trailing comma', `${VALID},`, 'empty directive'],
    ['a missing comma', VALID.replace('", realm', '" realm'), 'unexpected character after username'],
    ['the scheme alone', 'Digest', 'no directives'],
    ['nothing', '', 'no scheme'],
    ['a CR LF (an unfolded line break)', VALID.replace(', realm', ',\r\n realm'), 'control character'],
    ['a NUL in a quoted string', VALID.replace('"xyz"', '"x\0z"'), 'control character'],
  ])('refuses %s', (_what, value, reason) => {
    expect(refusal(value)).toBe(reason);
  });

  it('refuses values over the length bound without reading them', () => {
    expect(refusal(`${VALID}, pad="${'x'.repeat(MAX_CREDENTIALS_LENGTH)}"`)).toBe('credentials too long');
  });

  // Random mutations of a valid value, bounded by iterations with a fixed seed (reproducible); a longer local run:
  // PARLEY_FUZZ_ITERATIONS=1000000 PARLEY_FUZZ_SEED=7 npx jest … digest-credentials.
  it('never throws on mutated input and answers one of its three kinds', () => {
    const { iterations, random } = fuzzRun({ iterations: 20_000, seed: 17 });
    const alphabet = ['"', '\\', ',', '=', ' ', '\t', '\r', '\n', '\0', 'a', 'Z', '0', 'é', 'Digest ', 'nc=', 'qop=auth'];
    const kinds = new Set<string>();
    for (let i = 0; i < iterations; i++) {
      let value = VALID;
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (value.length + 1));
        const choice = random();
        if (choice < 0.4) value = value.slice(0, at) + value.slice(at + 1 + Math.floor(random() * 8));
        else if (choice < 0.8) value = value.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)] + value.slice(at);
        else value = value.slice(0, at) + value.slice(Math.floor(random() * value.length));
      }
      const parsed = parseDigestCredentials(value);
      kinds.add(parsed.kind);
      if (parsed.kind === 'digest') {
        // Whatever is accepted carries every required directive and a well-formed nc.
        const c = parsed.credentials;
        expect([c.username, c.realm, c.nonce, c.uri, c.response].every((v) => typeof v === 'string')).toBe(true);
        if (c.nc !== undefined) expect(c.nc).toMatch(/^[0-9a-fA-F]{8}$/);
      }
    }
    // The mutations reach both the accepting and the refusing paths (else the fuzzing tests nothing).
    expect(kinds).toEqual(new Set(['digest', 'malformed', 'other-scheme']));
  });
});
