import { createHash } from 'node:crypto';
import { type DigestAlgorithm, ha1 } from './digest-algorithm';
import { DigestAuthenticator, type DigestAuthenticatorOptions, type DigestOutcome, isFailedSignIn } from './digest-authenticator';

const REALM = 'parley.test';
const USER = 'alice@parley.test';
const PASSWORD = 'correct horse';
const REQUEST_URI = 'sip:parley.test';
const KEY = Buffer.alloc(32, 3);

/** The stored HA1s, as the directory would hold them. */
const STORE = new Map<string, Buffer>(
  (['MD5', 'SHA-256'] as const).map((algorithm) => [`${USER} ${algorithm}`, ha1(USER, REALM, PASSWORD, algorithm)]),
);

function setup(overrides: Partial<DigestAuthenticatorOptions> = {}) {
  const clock = { now: 1_800_000_000_000 };
  const lookups: string[] = [];
  const authenticator = new DigestAuthenticator({
    realm: REALM,
    nonceKey: KEY,
    nonceLifetimeMs: 300_000,
    now: () => clock.now,
    lookupHa1: async (username, realm, algorithm) => {
      lookups.push(`${username} ${realm} ${algorithm}`);
      return STORE.get(`${username} ${algorithm}`);
    },
    ...overrides,
  });
  return { authenticator, clock, lookups };
}

/** The directives of a challenge header, read with a regular expression independent of the code under test. */
function challengeDirectives(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) out[m[1]] = m[2] ?? m[3];
  return out;
}

interface ClientOptions {
  username?: string;
  password?: string;
  realm?: string;
  method?: string;
  uri?: string;
  nc?: number;
  cnonce?: string;
  algorithmDirective?: string | null;
  qop?: string | null;
  opaque?: string | null;
  nonce?: string;
}

/** A client computing the response the way RFC 7616 §3.4.1 describes, with node:crypto directly. */
function authorization(challenge: string, options: ClientOptions = {}): string {
  const c = challengeDirectives(challenge);
  const algorithm = c['algorithm'] as DigestAlgorithm;
  const hash = (s: string) =>
    createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
      .update(s)
      .digest('hex');
  const username = options.username ?? USER;
  const realm = options.realm ?? c['realm'];
  const uri = options.uri ?? REQUEST_URI;
  const nonce = options.nonce ?? c['nonce'];
  const nc = (options.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = options.cnonce ?? 'client-nonce';
  const qop = options.qop === undefined ? 'auth' : options.qop;
  const ha1Hex = hash(`${username}:${realm}:${options.password ?? PASSWORD}`);
  const ha2Hex = hash(`${options.method ?? 'REGISTER'}:${uri}`);
  const response = hash([ha1Hex, nonce, nc, cnonce, qop ?? '', ha2Hex].join(':'));
  const parts = [`username="${username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`, `response="${response}"`];
  const algorithmDirective = options.algorithmDirective === undefined ? algorithm : options.algorithmDirective;
  if (algorithmDirective !== null) parts.push(`algorithm=${algorithmDirective}`);
  if (qop !== null) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  const opaque = options.opaque === undefined ? c['opaque'] : options.opaque;
  if (opaque !== null) parts.push(`opaque="${opaque}"`);
  return `Digest ${parts.join(', ')}`;
}

function verify(authenticator: DigestAuthenticator, credentials: string[], method = 'REGISTER', requestUri = REQUEST_URI) {
  return authenticator.verify({ method, requestUri, credentials });
}

/** MD5 is what clients that read only the last header use. */
function lastChallenge(authenticator: DigestAuthenticator): string {
  const challenges = authenticator.challenge();
  return challenges[challenges.length - 1];
}

function expectInvalid(outcome: DigestOutcome, reason: string): void {
  expect(outcome).toMatchObject({ kind: 'invalid', reason });
  if (outcome.kind === 'invalid') expect(outcome.challenges).toHaveLength(2);
}

describe('DigestAuthenticator', () => {
  it('challenges a request without credentials with SHA-256 first and MD5 last, one nonce for both', async () => {
    const { authenticator } = setup();
    const outcome = await verify(authenticator, []);
    if (outcome.kind !== 'challenge') throw new Error(`expected a challenge, got ${outcome.kind}`);
    expect(outcome.stale).toBe(false);
    const [sha, md5] = outcome.challenges.map(challengeDirectives);
    expect(outcome.challenges).toHaveLength(2);
    expect([sha['algorithm'], md5['algorithm']]).toEqual(['SHA-256', 'MD5']);
    expect(sha).toMatchObject({ realm: REALM, qop: 'auth' });
    expect(sha['nonce']).toBe(md5['nonce']);
    expect(outcome.challenges.some((c) => c.includes('stale'))).toBe(false);
  });

  it('challenges a request whose only credentials are of another scheme', async () => {
    const { authenticator } = setup();
    expect(await verify(authenticator, ['Basic YWxpY2U6cHc='])).toMatchObject({ kind: 'challenge', stale: false });
  });

  it.each([0, 1])('accepts the right password answered to challenge header %i (SHA-256, MD5)', async (index) => {
    const { authenticator } = setup();
    const challenge = authenticator.challenge()[index];
    const outcome = await verify(authenticator, [authorization(challenge)]);
    expect(outcome).toEqual({ kind: 'ok', username: USER, algorithm: index === 0 ? 'SHA-256' : 'MD5' });
  });

  it('takes credentials without an algorithm directive as MD5, and an upper-case hex response', async () => {
    const { authenticator } = setup();
    const header = authorization(lastChallenge(authenticator), { algorithmDirective: null });
    expect(await verify(authenticator, [header])).toMatchObject({ kind: 'ok', algorithm: 'MD5' });
    const upper = authorization(lastChallenge(authenticator)).replace(
      /response="([0-9a-f]+)"/,
      (_m, hex: string) => `response="${hex.toUpperCase()}"`,
    );
    expect(await verify(authenticator, [upper])).toMatchObject({ kind: 'ok' });
  });

  it('hashes qop as the client spelled it', async () => {
    const { authenticator } = setup();
    expect(await verify(authenticator, [authorization(lastChallenge(authenticator), { qop: 'AUTH' })])).toMatchObject({ kind: 'ok' });
  });

  it('accepts a nonce reused with increasing nc (REGISTER refresh, un-REGISTER) and refuses a repeated or lower nc', async () => {
    const { authenticator, clock } = setup();
    const challenge = lastChallenge(authenticator);
    expect(await verify(authenticator, [authorization(challenge, { nc: 1 })])).toMatchObject({ kind: 'ok' });
    clock.now += 120_000;
    expect(await verify(authenticator, [authorization(challenge, { nc: 2, cnonce: 'other' })])).toMatchObject({ kind: 'ok' });
    const replay = await verify(authenticator, [authorization(challenge, { nc: 2, cnonce: 'other' })]);
    expectInvalid(replay, 'replayed-nc');
    expect(isFailedSignIn(replay)).toBe(false);
    expectInvalid(await verify(authenticator, [authorization(challenge, { nc: 1 })]), 'replayed-nc');
    expect(await verify(authenticator, [authorization(challenge, { nc: 7 })])).toMatchObject({ kind: 'ok' });
  });

  it('answers a right digest on an expired nonce with a stale challenge, which the client then answers', async () => {
    const { authenticator, clock } = setup();
    const challenge = lastChallenge(authenticator);
    clock.now += 300_001;
    const outcome = await verify(authenticator, [authorization(challenge)]);
    if (outcome.kind !== 'challenge') throw new Error(`expected a challenge, got ${outcome.kind}`);
    expect(outcome.stale).toBe(true);
    expect(outcome.challenges.every((c) => c.includes('stale=true'))).toBe(true);
    expect(await verify(authenticator, [authorization(outcome.challenges[1])])).toMatchObject({ kind: 'ok' });
  });

  it('counts a wrong password on an expired nonce as a failure, not as stale', async () => {
    const { authenticator, clock } = setup();
    const challenge = lastChallenge(authenticator);
    clock.now += 300_001;
    const outcome = await verify(authenticator, [authorization(challenge, { password: 'guess' })]);
    expectInvalid(outcome, 'wrong-response');
    expect(isFailedSignIn(outcome)).toBe(true);
  });

  it('refuses a wrong password and an unknown user alike, looking both up', async () => {
    const { authenticator, lookups } = setup();
    const wrong = await verify(authenticator, [authorization(lastChallenge(authenticator), { password: 'guess' })]);
    const unknown = await verify(authenticator, [authorization(lastChallenge(authenticator), { username: 'mallory@parley.test' })]);
    expect(wrong).toMatchObject({ kind: 'invalid', reason: 'wrong-response', username: USER });
    expect(unknown).toMatchObject({ kind: 'invalid', reason: 'wrong-response', username: 'mallory@parley.test' });
    expect([isFailedSignIn(wrong), isFailedSignIn(unknown)]).toEqual([true, true]);
    expect(lookups).toEqual([`${USER} ${REALM} MD5`, `mallory@parley.test ${REALM} MD5`]);
  });

  it('refuses when the stored HA1 does not have the length of the algorithm', async () => {
    const { authenticator } = setup({ lookupHa1: async () => Buffer.alloc(20) });
    expectInvalid(await verify(authenticator, [authorization(lastChallenge(authenticator))]), 'wrong-response');
  });

  it('refuses a tampered nonce without looking the user up', async () => {
    const { authenticator, lookups } = setup();
    const challenge = lastChallenge(authenticator);
    const nonce = challengeDirectives(challenge)['nonce'];
    const tampered = `${nonce.slice(0, 10)}${nonce[10] === 'A' ? 'B' : 'A'}${nonce.slice(11)}`;
    const outcome = await verify(authenticator, [authorization(challenge, { nonce: tampered })]);
    expectInvalid(outcome, 'forged-nonce');
    expect(isFailedSignIn(outcome)).toBe(false);
    expect(lookups).toEqual([]);
  });

  it('refuses a nonce signed with another key', async () => {
    const { authenticator } = setup();
    const foreign = setup({ nonceKey: Buffer.alloc(32, 4) }).authenticator;
    expectInvalid(await verify(authenticator, [authorization(lastChallenge(foreign))]), 'forged-nonce');
  });

  it('answers a nonce of another replica (same key, untracked here) with a stale challenge', async () => {
    const { authenticator } = setup();
    const otherReplica = setup().authenticator;
    const outcome = await verify(authenticator, [authorization(lastChallenge(otherReplica))]);
    expect(outcome).toMatchObject({ kind: 'challenge', stale: true });
  });

  it('treats a nonce whose tracking was evicted as stale, never as valid', async () => {
    const { authenticator } = setup({ maxTrackedNonces: 1 });
    const first = lastChallenge(authenticator);
    lastChallenge(authenticator); // evicts the first nonce
    expect(await verify(authenticator, [authorization(first)])).toMatchObject({ kind: 'challenge', stale: true });
  });

  it('refuses credentials for another realm, and checks ours when several ride along', async () => {
    const { authenticator } = setup();
    const challenge = lastChallenge(authenticator);
    expectInvalid(await verify(authenticator, [authorization(challenge, { realm: 'elsewhere.test' })]), 'realm-mismatch');
    const proxyCredentials = authorization(challenge, { realm: 'proxy.example' });
    expect(await verify(authenticator, [proxyCredentials, authorization(challenge)])).toMatchObject({ kind: 'ok' });
  });

  it('refuses a digest-uri that is not the Request-URI, even with a right response for it', async () => {
    const { authenticator } = setup();
    const header = authorization(lastChallenge(authenticator), { uri: 'sip:other.test' });
    expectInvalid(await verify(authenticator, [header]), 'uri-mismatch');
  });

  it('lets the front decide URI equivalence', async () => {
    const { authenticator } = setup({ uriMatches: (a, b) => a.toLowerCase() === b.toLowerCase() });
    const header = authorization(lastChallenge(authenticator), { uri: 'sip:PARLEY.test' });
    expect(await verify(authenticator, [header])).toMatchObject({ kind: 'ok' });
  });

  it('binds the response to the method', async () => {
    const { authenticator } = setup();
    const header = authorization(lastChallenge(authenticator), { method: 'REGISTER' });
    expectInvalid(await verify(authenticator, [header], 'SUBSCRIBE'), 'wrong-response');
  });

  it('refuses credentials without qop=auth and algorithms other than SHA-256 and MD5', async () => {
    const { authenticator } = setup();
    expectInvalid(await verify(authenticator, [authorization(lastChallenge(authenticator), { qop: null })]), 'unsupported-qop');
    expectInvalid(await verify(authenticator, [authorization(lastChallenge(authenticator), { qop: 'auth-int' })]), 'unsupported-qop');
    const sess = authorization(lastChallenge(authenticator), { algorithmDirective: 'MD5-sess' });
    expectInvalid(await verify(authenticator, [sess]), 'unsupported-algorithm');
  });

  it('checks an opaque that is echoed, and accepts its absence', async () => {
    const { authenticator } = setup();
    expectInvalid(await verify(authenticator, [authorization(lastChallenge(authenticator), { opaque: 'forged' })]), 'opaque-mismatch');
    expect(await verify(authenticator, [authorization(lastChallenge(authenticator), { opaque: null })])).toMatchObject({ kind: 'ok' });
  });

  it('reports unreadable credentials as malformed (400), even next to good ones', async () => {
    const { authenticator } = setup();
    const good = authorization(lastChallenge(authenticator));
    expect(await verify(authenticator, [`${good}, nonce="again"`])).toEqual({ kind: 'malformed', reason: 'duplicate directive nonce' });
    expect(await verify(authenticator, ['Digest username="a', good])).toMatchObject({ kind: 'malformed' });
  });

  it('issues a fresh challenge with every refusal', async () => {
    const { authenticator } = setup();
    const challenge = lastChallenge(authenticator);
    const outcome = await verify(authenticator, [authorization(challenge, { password: 'guess' })]);
    if (outcome.kind !== 'invalid') throw new Error(`expected invalid, got ${outcome.kind}`);
    const fresh = challengeDirectives(outcome.challenges[1]);
    expect(fresh['nonce']).not.toBe(challengeDirectives(challenge)['nonce']);
    expect(await verify(authenticator, [authorization(outcome.challenges[1])])).toMatchObject({ kind: 'ok' });
  });
});
