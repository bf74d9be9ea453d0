import { createHmac } from 'node:crypto';
import { DirectoryRepository, type DirectoryUser } from '@parley/directory';
import { SignInThrottle } from '@parley/sign-in';
import { AuthErrorCode } from './auth.exception';
import { Authenticator } from './authenticator';
import { signBearerToken, verifyBearerToken } from './bearer-token';
import { CredentialCache } from './credential-cache';
import { readAuthorization } from './credentials';
import { ImpersonationPolicy } from './impersonation.policy';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('readAuthorization', () => {
  it('reads Basic with an address, a DOMAIN\\user form, and a password containing colons', () => {
    expect(readAuthorization(basic('Alice@Parley.test:pw'))).toEqual({ kind: 'basic', user: 'alice@parley.test', password: 'pw' });
    expect(readAuthorization(basic('PARLEY\\alice@parley.test:a:b'))).toEqual({
      kind: 'basic',
      user: 'alice@parley.test',
      password: 'a:b',
    });
    expect(readAuthorization('Bearer abc.def')).toEqual({ kind: 'bearer', token: 'abc.def' });
  });

  it('ignores absent, unknown and malformed headers', () => {
    for (const h of [undefined, '', 'NTLM TlRMTVNTUAAB', basic('no-colon'), basic(':pw'), 'Basic'])
      expect(readAuthorization(h)).toBeUndefined();
  });

  const raw = (bytes: Buffer) => `Basic ${bytes.toString('base64')}`;
  it.each([
    ['a NUL in the user name', basic('al\u0000ice@parley.test:pw')],
    ['a NUL in the password', basic('alice@parley.test:p\u0000w')],
    ['a line break in the user name', basic('alice@parley.test\r\nX:pw')],
    ['a C1 control in the password', basic('alice@parley.test:p\u0085w')],
    ['DEL in the user name', basic('alice\u007f@parley.test:pw')],
    ['an empty user', basic(':pw')],
    ['a blank user', basic('   :pw')],
    ['a domain with an empty user', basic('PARLEY\\:pw')],
    ['invalid base64 characters', 'Basic YWxpY2U6cHc*'],
    ['base64 of impossible length', 'Basic YWxpY2U6c'],
    ['invalid UTF-8', raw(Buffer.concat([Buffer.from('alice@parley.test:'), Buffer.from([0xc3, 0x28])]))],
    ['an overlong user name', basic(`${'a'.repeat(400)}@parley.test:pw`)],
    ['an overlong password', basic(`alice@parley.test:${'p'.repeat(2000)}`)],
    ['an absurd header', `Basic ${'A'.repeat(20_000)}`],
    ['a bearer token with odd characters', 'Bearer abc<def>'],
  ])('refuses %s', (_name, header) => expect(readAuthorization(header)).toBeUndefined());

  it('keeps non-ASCII user names and passwords', () => {
    expect(readAuthorization(basic('jürgen@parley.test:pässwörd'))).toEqual({
      kind: 'basic',
      user: 'jürgen@parley.test',
      password: 'pässwörd',
    });
  });
});

describe('bearer tokens', () => {
  const key = 'k'.repeat(32);
  it('verifies its own tokens and refuses forged, expired or malformed ones', () => {
    const now = Date.UTC(2030, 0, 1);
    const token = signBearerToken(key, { sub: 'app@parley.test', exp: now / 1000 + 60 });
    expect(verifyBearerToken(key, token, now)).toEqual({ sub: 'app@parley.test', exp: now / 1000 + 60 });
    expect(verifyBearerToken('x'.repeat(32), token, now)).toBeUndefined();
    expect(verifyBearerToken(key, token, now + 61_000)).toBeUndefined();
    const [header, body, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'alice@parley.test', exp: now / 1000 + 60 })).toString('base64url');
    expect(verifyBearerToken(key, `${header}.${forged}.${mac}`, now)).toBeUndefined();
    expect(verifyBearerToken(key, `${header}.${body}`, now)).toBeUndefined();
    expect(verifyBearerToken(key, `${body}.${mac}`, now)).toBeUndefined();
  });

  it('issues HS256 JSON Web Tokens, the three-part shape EWS client libraries insist on', () => {
    const now = Date.UTC(2030, 0, 1);
    const token = signBearerToken(key, { sub: 'app@parley.test', exp: now / 1000 + 60 });
    // ews-javascript-api's (and the EWS Managed API's) OAuthCredentials check.
    expect(token).toMatch(/^[A-Za-z0-9-_]+\.[A-Za-z0-9-_]+\.[A-Za-z0-9-_]*$/);
    const [header, body, mac] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(body, 'base64url').toString())).toEqual({ sub: 'app@parley.test', exp: now / 1000 + 60 });
    expect(mac).toBe(createHmac('sha256', key).update(`${header}.${body}`).digest('base64url'));
  });

  it('refuses any other algorithm, even with a valid MAC', () => {
    const now = Date.UTC(2030, 0, 1);
    const body = Buffer.from(JSON.stringify({ sub: 'app@parley.test', exp: now / 1000 + 60 })).toString('base64url');
    for (const alg of ['none', 'HS512', 'RS256']) {
      const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
      const mac = createHmac('sha256', key).update(`${header}.${body}`).digest('base64url');
      expect(verifyBearerToken(key, `${header}.${body}.${mac}`, now)).toBeUndefined();
    }
  });
});

describe('CredentialCache', () => {
  it('remembers a verified pair for its TTL only, and only that exact pair', () => {
    let now = 0;
    const cache = new CredentialCache<string>(1000, 2, () => now);
    cache.set('alice', 'pw', 'A');
    expect(cache.get('alice', 'pw')).toBe('A');
    expect(cache.get('alice', 'pw2')).toBeUndefined();
    now = 1000;
    expect(cache.get('alice', 'pw')).toBeUndefined();
  });

  it('stays bounded', () => {
    const cache = new CredentialCache<number>(60_000, 2);
    [1, 2, 3].forEach((i) => cache.set(`u${i}`, 'pw', i));
    expect(cache.get('u1', 'pw')).toBeUndefined();
    expect(cache.get('u3', 'pw')).toBe(3);
  });
});

describe('Authenticator', () => {
  const alice: DirectoryUser = {
    id: '1',
    smtpAddress: 'alice@parley.test',
    displayName: 'Alice',
    sipUri: null,
    phoneExtension: null,
    roles: [],
    impersonationScope: null,
  };
  const setup = () => {
    const checks: string[] = [];
    const directory = {
      authenticate: async (user: string, password: string) => {
        checks.push(user);
        return user === 'alice@parley.test' && password === 'right' ? alice : null;
      },
    } as unknown as DirectoryRepository;
    const throttle = new SignInThrottle({
      windowMs: 60_000,
      maxFailuresPerAccountAddress: 2,
      maxFailuresPerAddress: 4,
      accountDelayStepMs: 1,
      accountMaxDelayMs: 3,
    });
    const settings = { tokenKey: undefined, credentialCacheTtlMs: 0 };
    return { checks, authenticator: new Authenticator(directory, throttle, settings) };
  };
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: { code: string }) => e.code,
    );

  it('refuses a guessed-at pair, yet lets the owner in from another address', async () => {
    const { authenticator } = setup();
    for (let i = 0; i < 2; i++)
      expect(await codeOf(authenticator.authenticate(basic('alice@parley.test:wrong'), '10.0.0.2'))).toBe(AuthErrorCode.Unauthenticated);
    expect(await codeOf(authenticator.authenticate(basic('alice@parley.test:right'), '10.0.0.2'))).toBe(AuthErrorCode.Throttled);
    await expect(authenticator.authenticate(basic('alice@parley.test:right'), '10.0.0.3')).resolves.toBe(alice);
  });

  it('checks concurrent sign-ins with the same credentials from one client once', async () => {
    const { authenticator, checks } = setup();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => authenticator.authenticate(basic('alice@parley.test:right'), '10.0.0.2')),
    );
    expect(answers.every((user) => user === alice)).toBe(true);
    expect(checks).toEqual(['alice@parley.test']);
    // Another client's check is its own, and a finished check is not reused (the cache is off here).
    await authenticator.authenticate(basic('alice@parley.test:right'), '10.0.0.3');
    await authenticator.authenticate(basic('alice@parley.test:right'), '10.0.0.2');
    expect(checks).toHaveLength(3);
  });

  it('answers malformed credentials with a challenge without asking the directory or counting them', async () => {
    const { authenticator, checks } = setup();
    for (let i = 0; i < 10; i++)
      expect(await codeOf(authenticator.authenticate(basic('al\u0000ice@parley.test:pw'), '10.0.0.2'))).toBe(AuthErrorCode.Unauthenticated);
    expect(checks).toEqual([]);
    await expect(authenticator.authenticate(basic('alice@parley.test:right'), '10.0.0.2')).resolves.toBe(alice);
  });
});

describe('ImpersonationPolicy', () => {
  const user = (smtpAddress: string, roles: string[] = [], impersonationScope: string[] | null = null): DirectoryUser => ({
    id: smtpAddress,
    smtpAddress,
    displayName: smtpAddress,
    sipUri: null,
    phoneExtension: null,
    roles,
    impersonationScope,
  });
  const alice = user('alice@parley.test');
  const bob = user('bob@parley.test');
  const app = user('app@parley.test', ['ApplicationImpersonation']);
  const scoped = user('scoped@parley.test', ['ApplicationImpersonation'], ['bob@parley.test']);
  const lookups: string[] = [];
  const directory = {
    findByAddress: async (a: string) => {
      lookups.push(a);
      return [alice, bob, app, scoped].find((u) => u.smtpAddress === a.trim().toLowerCase()) ?? null;
    },
  } as unknown as DirectoryRepository;
  const policy = new ImpersonationPolicy(directory);
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: { code: string }) => e.code,
    );
  beforeEach(() => lookups.splice(0));

  it('lets anyone act for their own mailbox, in any spelling, without asking the directory', async () => {
    await expect(policy.actFor(alice, ' Alice@Parley.test')).resolves.toBe(alice);
    expect(lookups).toEqual([]);
  });

  it("lets only the role act for another's mailbox, within its scope", async () => {
    await expect(policy.actFor(app, 'Alice@parley.test')).resolves.toBe(alice);
    await expect(policy.actFor(scoped, 'bob@parley.test')).resolves.toBe(bob);
    expect(await codeOf(policy.actFor(scoped, 'alice@parley.test'))).toBe(AuthErrorCode.ImpersonationDenied);
    expect(await codeOf(policy.actFor(bob, 'alice@parley.test'))).toBe(AuthErrorCode.ImpersonationDenied);
  });

  it('tells only holders of the role that a mailbox does not exist', async () => {
    expect(await codeOf(policy.actFor(app, 'nobody@parley.test'))).toBe(AuthErrorCode.UnknownMailbox);
    lookups.splice(0);
    expect(await codeOf(policy.actFor(alice, 'nobody@parley.test'))).toBe(AuthErrorCode.ImpersonationDenied);
    expect(lookups).toEqual([]);
  });

  it('asks for the role even to impersonate oneself, as Exchange does', async () => {
    expect(await codeOf(policy.impersonate(alice, 'alice@parley.test'))).toBe(AuthErrorCode.ImpersonationDenied);
    await expect(policy.impersonate(app, 'app@parley.test')).resolves.toBe(app);
  });
});
