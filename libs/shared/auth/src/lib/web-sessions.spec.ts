import type { DirectoryRepository, DirectoryUser, NewWebSession, StoredWebSession, WebSessionRepository } from '@parley/directory';
import { SignInThrottle } from '@parley/sign-in';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthErrorCode } from './auth.exception';
import { Authenticator } from './authenticator';
import { RequestAuthenticator, sameToken } from './request-authenticator';
import { WebOrigins } from './web-origins';
import {
  clearWebSessionCookie,
  isHttpsRequest,
  readWebSessionCookie,
  SECURE_WEB_SESSION_COOKIE,
  serializeWebSessionCookie,
  WEB_SESSION_COOKIE,
} from './web-session-cookie';
import { WebSessions } from './web-sessions';

const MINUTE = 60_000;
const alice: DirectoryUser = {
  id: 'u-alice',
  smtpAddress: 'alice@parley.test',
  displayName: 'Alice',
  sipUri: null,
  phoneExtension: null,
  roles: [],
  impersonationScope: null,
};

/** The repository's contract over a map (its SQL is covered by the directory's integration spec). */
class FakeSessionStore {
  readonly rows = new Map<string, StoredWebSession & { tokenHash: string }>();
  touches = 0;
  lookups = 0;
  private next = 1;

  async create(s: NewWebSession): Promise<string> {
    const id = `s${this.next++}`;
    this.rows.set(id, {
      id,
      tokenHash: s.tokenHash.toString('hex'),
      user: alice,
      csrfToken: s.csrfToken,
      createdAt: s.now,
      lastSeenAt: s.now,
      expiresAt: s.expiresAt,
    });
    return id;
  }
  async findByTokenHash(hash: Buffer, now: Date): Promise<StoredWebSession | null> {
    this.lookups++;
    const row = [...this.rows.values()].find((r) => r.tokenHash === hash.toString('hex') && r.expiresAt > now);
    return row ? { ...row } : null;
  }
  async touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    this.touches++;
    const row = this.rows.get(id);
    if (row) Object.assign(row, { lastSeenAt, expiresAt });
  }
  async deleteByTokenHash(hash: Buffer): Promise<boolean> {
    const row = [...this.rows.values()].find((r) => r.tokenHash === hash.toString('hex'));
    return row ? this.rows.delete(row.id) : false;
  }
  async deleteExpired(): Promise<number> {
    return 0;
  }
}

function setup(settings: { idleMinutes?: number; maxHours?: number } = {}) {
  let now = Date.UTC(2030, 0, 1, 8);
  const store = new FakeSessionStore();
  const directory = {
    authenticate: async (user: string, password: string) => (user === 'alice@parley.test' && password === 'right' ? alice : null),
  } as unknown as DirectoryRepository;
  const throttle = new SignInThrottle({
    windowMs: 60_000,
    maxFailuresPerAccountAddress: 2,
    maxFailuresPerAddress: 10,
    accountDelayStepMs: 0,
    accountMaxDelayMs: 0,
  });
  const authenticator = new Authenticator(directory, throttle, { tokenKey: undefined, credentialCacheTtlMs: 0 });
  const sessions = new WebSessions(store as unknown as WebSessionRepository, authenticator, {
    idleTimeoutMs: (settings.idleMinutes ?? 30) * MINUTE,
    maxLifetimeMs: (settings.maxHours ?? 2) * 60 * MINUTE,
    maxPerUser: 5,
    now: () => now,
  });
  const requests = new RequestAuthenticator(authenticator, sessions, new WebOrigins(['https://chat.example.com']));
  return { store, sessions, requests, advance: (ms: number) => (now += ms), now: () => now };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

function request(headers: Record<string, string>, opts: { method?: string; tls?: boolean } = {}): IncomingMessage {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: opts.method ?? 'GET', headers: lower, socket: { encrypted: opts.tls === true } } as unknown as IncomingMessage;
}

describe('WebSessions', () => {
  it('signs in with the password, stores only the hash of a random token, and resolves the token to the user', async () => {
    const { store, sessions } = setup();
    const started = await sessions.signIn('Alice@Parley.test', 'right', '10.0.0.1');
    expect(started.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.csrfToken).not.toBe(started.token);
    const [row] = [...store.rows.values()];
    expect(row.tokenHash).toBe(createHash('sha256').update(started.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(started.token);
    await expect(sessions.resolve(started.token)).resolves.toMatchObject({ user: alice, csrfToken: started.csrfToken });
    await expect(sessions.resolve('A'.repeat(43))).resolves.toBeUndefined();
    await expect(sessions.resolve('not a token')).resolves.toBeUndefined();
  });

  it('refuses wrong passwords through the sign-in throttle, as Basic is refused', async () => {
    const { sessions } = setup();
    expect(await codeOf(sessions.signIn('alice@parley.test', 'wrong', '10.0.0.1'))).toBe(AuthErrorCode.Unauthenticated);
    expect(await codeOf(sessions.signIn('alice@parley.test', 'wrong', '10.0.0.1'))).toBe(AuthErrorCode.Unauthenticated);
    expect(await codeOf(sessions.signIn('alice@parley.test', 'right', '10.0.0.1'))).toBe(AuthErrorCode.Throttled);
    await expect(sessions.signIn('alice@parley.test', 'right', '10.0.0.2')).resolves.toMatchObject({ user: alice });
    expect(await codeOf(sessions.signIn('al\u0000ice@parley.test', 'right', '10.0.0.3'))).toBe(AuthErrorCode.Unauthenticated);
  });

  it('ends a session after its idle time, and slides it on use, writing at most once a minute', async () => {
    const { store, sessions, advance } = setup({ idleMinutes: 30 });
    const { token } = await sessions.signIn('alice@parley.test', 'right', '10.0.0.1');
    for (let i = 0; i < 20; i++) {
      advance(10_000);
      await expect(sessions.resolve(token)).resolves.toBeDefined();
    }
    // 200 s of requests: the expiry was written three times (at 60, 120 and 180 s), not twenty.
    expect(store.touches).toBe(3);
    advance(29 * MINUTE);
    await expect(sessions.resolve(token)).resolves.toBeDefined();
    advance(31 * MINUTE);
    await expect(sessions.resolve(token)).resolves.toBeUndefined();
  });

  it('ends a session at its absolute lifetime however active', async () => {
    const { sessions, advance } = setup({ idleMinutes: 30, maxHours: 2 });
    const started = await sessions.signIn('alice@parley.test', 'right', '10.0.0.1');
    expect(started.endsAt.getTime() - started.expiresAt.getTime()).toBe(90 * MINUTE);
    for (let minutes = 0; minutes < 119; minutes += 20) {
      await expect(sessions.resolve(started.token)).resolves.toBeDefined();
      advance(20 * MINUTE);
    }
    advance(MINUTE);
    await expect(sessions.resolve(started.token)).resolves.toBeUndefined();
  });

  it('signs out: the row goes and the token no longer resolves, even from the cache', async () => {
    const { store, sessions } = setup();
    const { token } = await sessions.signIn('alice@parley.test', 'right', '10.0.0.1');
    await sessions.resolve(token);
    await sessions.signOut(token);
    expect(store.rows.size).toBe(0);
    await expect(sessions.resolve(token)).resolves.toBeUndefined();
  });

  it('trusts a looked-up session for a few seconds only', async () => {
    const { store, sessions, advance } = setup();
    const { token } = await sessions.signIn('alice@parley.test', 'right', '10.0.0.1');
    await sessions.resolve(token);
    await sessions.resolve(token);
    expect(store.lookups).toBe(1);
    // Signed out on another replica: this one notices once its entry is older than the cache's TTL.
    store.rows.clear();
    advance(5_000);
    await expect(sessions.resolve(token)).resolves.toBeUndefined();
  });
});

describe('RequestAuthenticator', () => {
  const cookie = (token: string) => ({ Cookie: `other=1; ${WEB_SESSION_COOKIE}=${token}` });

  it('takes the Authorization header first, else the session cookie', async () => {
    const { sessions, requests } = setup();
    const { token } = await sessions.signIn('alice@parley.test', 'right', '10.0.0.1');
    await expect(requests.authenticateRequest(request(cookie(token)), '10.0.0.1')).resolves.toMatchObject({
      user: alice,
      source: 'session',
    });
    const basic = `Basic ${Buffer.from('alice@parley.test:right').toString('base64')}`;
    await expect(requests.authenticateRequest(request({ Authorization: basic, ...cookie('x') }), '10.0.0.1')).resolves.toMatchObject({
      source: 'authorization',
    });
  });

  it('tells a failed session from missing credentials (no Basic challenge for the browser)', async () => {
    const { requests } = setup();
    const failure = (req: IncomingMessage) =>
      requests.authenticateRequest(req, '10.0.0.1').then(
        () => undefined,
        (e: { code: string; source: string }) => ({ code: e.code, source: e.source }),
      );
    await expect(failure(request({}))).resolves.toEqual({ code: AuthErrorCode.Unauthenticated, source: 'authorization' });
    await expect(failure(request(cookie('B'.repeat(43))))).resolves.toEqual({ code: AuthErrorCode.Unauthenticated, source: 'session' });
  });

  it('asks a cookie-signed unsafe request for the CSRF token and an allowed origin', async () => {
    const { sessions, requests } = setup();
    const { token, csrfToken } = await sessions.signIn('alice@parley.test', 'right', '10.0.0.1');
    const post = (headers: Record<string, string>) =>
      codeOf(
        requests.authenticateRequest(request({ Host: 'mail.example.com', ...cookie(token), ...headers }, { method: 'POST' }), '10.0.0.1'),
      );
    expect(await post({ 'X-CSRF-Token': csrfToken })).toBe('ok');
    expect(await post({ 'X-CSRF-Token': csrfToken, Origin: 'http://mail.example.com' })).toBe('ok');
    expect(await post({ 'X-CSRF-Token': csrfToken, Origin: 'https://chat.example.com', 'Sec-Fetch-Site': 'same-site' })).toBe('ok');
    expect(await post({})).toBe(AuthErrorCode.CsrfRejected);
    expect(await post({ 'X-CSRF-Token': `${csrfToken}x` })).toBe(AuthErrorCode.CsrfRejected);
    expect(await post({ 'X-CSRF-Token': token })).toBe(AuthErrorCode.CsrfRejected);
    expect(await post({ 'X-CSRF-Token': csrfToken, Origin: 'https://evil.example' })).toBe(AuthErrorCode.CsrfRejected);
    expect(await post({ 'X-CSRF-Token': csrfToken, Origin: 'https://mail.example.com' })).toBe(AuthErrorCode.CsrfRejected);
    expect(await post({ 'X-CSRF-Token': csrfToken, 'Sec-Fetch-Site': 'cross-site' })).toBe(AuthErrorCode.CsrfRejected);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect(await codeOf(requests.authenticateRequest(request(cookie(token), { method }), '10.0.0.1'))).toBe(AuthErrorCode.CsrfRejected);
    }
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(await codeOf(requests.authenticateRequest(request(cookie(token), { method }), '10.0.0.1'))).toBe('ok');
    }
  });

  it('compares tokens in constant time over digests, refusing absent and repeated headers', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
    expect(sameToken(['abc', 'abc'], 'abc')).toBe(false);
  });
});

describe('WebOrigins', () => {
  const origins = new WebOrigins(['https://Chat.Example.com:443', 'http://10.0.0.5:8080']);
  const allowed = (origin: string, headers: Record<string, string> = {}, tls = false) =>
    origins.isAllowed(origin, request({ Host: '127.0.0.1:8080', ...headers }, { tls }));

  it("allows the request's own origin with the scheme it came by, and the configured ones", () => {
    expect(allowed('http://127.0.0.1:8080')).toBe(true);
    expect(allowed('https://127.0.0.1:8080')).toBe(false);
    expect(allowed('https://127.0.0.1:8080', {}, true)).toBe(true);
    expect(allowed('https://127.0.0.1:8080', { 'X-Forwarded-Proto': 'https' })).toBe(true);
    expect(allowed('http://127.0.0.1:8081')).toBe(false);
    expect(allowed('https://chat.example.com')).toBe(true);
    expect(allowed('http://10.0.0.5:8080')).toBe(true);
  });

  it('refuses opaque, malformed and non-serialized origins', () => {
    for (const origin of [
      'null',
      '',
      'chat.example.com',
      'https://chat.example.com/',
      'HTTPS://chat.example.com',
      'file://x',
      'https://chat.example.com:443',
    ]) {
      expect(allowed(origin)).toBe(false);
    }
    expect(origins.isAllowed('http://127.0.0.1:8080', request({ Host: 'bad host' }))).toBe(false);
  });

  it('lets a request without Origin through unless the browser says it is cross-site', () => {
    expect(origins.allows(request({ Host: '127.0.0.1:8080' }))).toBe(true);
    expect(origins.allows(request({ Host: '127.0.0.1:8080', 'Sec-Fetch-Site': 'cross-site' }))).toBe(false);
    expect(origins.allows(request({ Host: '127.0.0.1:8080', Origin: 'https://evil.example' }))).toBe(false);
  });
});

describe('the session cookie', () => {
  it('is host-only, HttpOnly, SameSite=Strict, and over HTTPS Secure with the __Host- prefix', () => {
    expect(serializeWebSessionCookie(request({}), 'tok', 3600)).toBe('parley_session=tok; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict');
    expect(serializeWebSessionCookie(request({ 'X-Forwarded-Proto': 'https, http' }), 'tok', 3600)).toBe(
      '__Host-parley_session=tok; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure',
    );
    expect(clearWebSessionCookie(request({}, { tls: true }))).toBe(
      '__Host-parley_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure',
    );
  });

  it('is read under the name of the scheme the request came by only', () => {
    const both = { Cookie: `${WEB_SESSION_COOKIE}=plain; ${SECURE_WEB_SESSION_COOKIE}=secure` };
    expect(readWebSessionCookie(request(both))).toBe('plain');
    expect(readWebSessionCookie(request(both, { tls: true }))).toBe('secure');
    expect(readWebSessionCookie(request({ Cookie: `${WEB_SESSION_COOKIE}=plain` }, { tls: true }))).toBeUndefined();
    expect(readWebSessionCookie(request({ Cookie: 'xparley_session=a; parley_session=' }))).toBeUndefined();
    expect(readWebSessionCookie(request({}))).toBeUndefined();
    expect(isHttpsRequest(request({ 'X-Forwarded-Proto': 'http' }))).toBe(false);
  });
});
