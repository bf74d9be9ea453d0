import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { call, type HttpAnswer, startWebClientTestBed, type WebClientTestBed } from '../../test/web-client-test-bed';
import { WEB_CLIENT_CSP } from './web-client.problem';

// The web client's sign-in and files over real HTTP, on PostgreSQL, with the process's real sign-in throttle.

const PASSWORD = 'web-client-pw';
const FAILURES_BEFORE_THROTTLE = 3;
const INDEX = '<!doctype html><title>Parley</title><script type="module" src="/assets/app-3f9a1c.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

describe('web client: sign-in sessions and static files', () => {
  let dir: string;
  let webRoot: string;
  let bed: WebClientTestBed;
  let clientNumber = 0;
  /** Each test's requests come from their own client address, so throttling one leaves the others alone. */
  let client: string;

  const send = (method: string, target: string, headers: Record<string, string> = {}, body?: string) =>
    call(bed.port, method, target, { headers: { 'X-Forwarded-For': client, ...headers }, body });
  const signIn = (address: string, password = PASSWORD, headers: Record<string, string> = {}) =>
    send('POST', '/web/session', { 'Content-Type': 'application/json', ...headers }, JSON.stringify({ address, password }));
  const cookieOf = (answer: HttpAnswer) => String(answer.headers['set-cookie']?.[0] ?? '').split(';')[0];
  const problem = (answer: HttpAnswer) => ({
    status: answer.status,
    type: answer.headers['content-type'],
    body: answer.json(),
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-web-'));
    webRoot = path.join(dir, 'parley-web');
    await mkdir(path.join(webRoot, 'assets', 'fonts'), { recursive: true });
    await writeFile(path.join(webRoot, 'index.html'), INDEX);
    await writeFile(path.join(webRoot, 'index.html.gz'), gzipSync(INDEX));
    await writeFile(path.join(webRoot, 'assets', 'app-3f9a1c.js'), SCRIPT);
    await writeFile(path.join(webRoot, 'assets', 'app-3f9a1c.js.gz'), gzipSync(SCRIPT));
    await writeFile(path.join(webRoot, 'assets', 'style-77ab.css'), 'body{margin:0}');
    await writeFile(path.join(webRoot, 'assets', 'fonts', 'inter-1.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
    await writeFile(path.join(webRoot, 'assets', '.hidden'), 'hidden');
    await writeFile(path.join(dir, 'secret.txt'), 'TOP-SECRET');
    await symlink(path.join(dir, 'secret.txt'), path.join(webRoot, 'assets', 'link.txt'));
    bed = await startWebClientTestBed(webRoot, { failuresBeforeThrottle: FAILURES_BEFORE_THROTTLE });
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'fred']) {
      await bed.directory.add({
        smtpAddress: `${name}@parley.test`,
        displayName: `${name[0].toUpperCase()}${name.slice(1)}`,
        password: PASSWORD,
      });
    }
  });

  beforeEach(() => {
    client = `198.51.100.${(clientNumber += 1)}`;
  });

  afterAll(async () => {
    await bed?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('sign-in', () => {
    it('answers the session and sets a host-only, HttpOnly, SameSite=Strict cookie; the cookie then signs in', async () => {
      const answer = await signIn('Alice@Parley.test');
      expect(answer.status).toBe(200);
      const session = answer.json<{ address: string; displayName: string; csrfToken: string; expiresAt: string }>();
      expect(session).toEqual({
        address: 'alice@parley.test',
        displayName: 'Alice',
        csrfToken: expect.stringMatching(/^[\w-]{43}$/),
        expiresAt: expect.any(String),
      });
      // The idle timeout (8 h by default) from now.
      expect(Math.abs(Date.parse(session.expiresAt) - Date.now() - 8 * 3_600_000)).toBeLessThan(60_000);
      const setCookie = answer.headers['set-cookie'] ?? [];
      expect(setCookie).toHaveLength(1);
      expect(setCookie[0]).toMatch(/^parley_session=[\w-]{43}; Path=\/; Max-Age=60479\d; HttpOnly; SameSite=Strict$/);
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['content-security-policy']).toBe(WEB_CLIENT_CSP);
      expect(answer.headers['www-authenticate']).toBeUndefined();

      const current = await send('GET', '/web/session', { Cookie: cookieOf(answer) });
      expect(current.status).toBe(200);
      expect(current.json()).toEqual({ ...session, expiresAt: expect.any(String) });
      // Only the token's hash is stored.
      const rows = await bed.query<{ token_hash: Buffer }[]>(`SELECT token_hash FROM directory.web_session`);
      expect(rows.some((r) => r.token_hash.toString('utf8').includes(cookieOf(answer).split('=')[1]))).toBe(false);
    });

    it('over HTTPS (a TLS proxy says so) uses the __Host- cookie with Secure, and reads only that one', async () => {
      const answer = await signIn('bob@parley.test', PASSWORD, { 'X-Forwarded-Proto': 'https' });
      expect(answer.headers['set-cookie']?.[0]).toMatch(
        /^__Host-parley_session=[\w-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict; Secure$/,
      );
      const token = cookieOf(answer).split('=')[1];
      expect((await send('GET', '/web/session', { Cookie: `__Host-parley_session=${token}`, 'X-Forwarded-Proto': 'https' })).status).toBe(
        200,
      );
      expect((await send('GET', '/web/session', { Cookie: `parley_session=${token}`, 'X-Forwarded-Proto': 'https' })).status).toBe(401);
    });

    it('refuses wrong credentials with 401 problem JSON and no Basic challenge', async () => {
      for (const [address, password] of [
        ['alice@parley.test', 'wrong'],
        ['nobody@parley.test', PASSWORD],
      ]) {
        const answer = await signIn(address, password);
        expect(problem(answer)).toEqual({
          status: 401,
          type: 'application/problem+json',
          body: {
            type: 'urn:parley:problem:web:invalid-credentials',
            title: 'The address or password is wrong',
            status: 401,
            detail: expect.any(String),
          },
        });
        expect(answer.headers['www-authenticate']).toBeUndefined();
        expect(answer.headers['set-cookie']).toBeUndefined();
      }
    });

    it('throttles repeated failures with 429 and Retry-After, as Basic sign-ins are, per client', async () => {
      for (let i = 0; i < FAILURES_BEFORE_THROTTLE; i++) expect((await signIn('carol@parley.test', 'guess')).status).toBe(401);
      const refused = await signIn('carol@parley.test', PASSWORD);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json()).toMatchObject({ type: 'urn:parley:problem:web:throttled', status: 429 });
      client = '198.51.100.250';
      expect((await signIn('carol@parley.test', PASSWORD)).status).toBe(200);
    });

    it('refuses a sign-in from another site (login CSRF), and takes one from its own or an allowed origin', async () => {
      const refused = await signIn('alice@parley.test', PASSWORD, { Origin: 'https://evil.example' });
      expect(problem(refused)).toMatchObject({ status: 403, body: { type: 'urn:parley:problem:web:forbidden' } });
      expect((await signIn('alice@parley.test', PASSWORD, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
      expect((await signIn('alice@parley.test', PASSWORD, { Origin: `http://127.0.0.1:${bed.port}` })).status).toBe(200);
      expect((await signIn('alice@parley.test', PASSWORD, { Origin: 'https://chat.example.com' })).status).toBe(200);
    });

    it('answers malformed, mistyped and oversized sign-ins with their problem', async () => {
      const post = (body: string, contentType = 'application/json') => send('POST', '/web/session', { 'Content-Type': contentType }, body);
      const cases: [Promise<HttpAnswer>, number, string][] = [
        [post('{"address":'), 400, 'malformed-request'],
        [post('{"address":"alice@parley.test"}'), 400, 'malformed-request'],
        [post('["alice@parley.test","pw"]'), 400, 'malformed-request'],
        [post('address=alice&password=pw', 'application/x-www-form-urlencoded'), 415, 'unsupported-media-type'],
        [post(JSON.stringify({ address: 'alice@parley.test', password: 'p'.repeat(20_000) })), 413, 'payload-too-large'],
      ];
      for (const [answer, status, code] of cases)
        expect(problem(await answer)).toMatchObject({ status, body: { type: `urn:parley:problem:web:${code}` } });
      expect((await send('PUT', '/web/session')).headers['allow']).toBe('GET, HEAD, POST, DELETE');
    });
  });

  describe('the session', () => {
    it('is 401 without a cookie or with an unknown one, with no Basic challenge', async () => {
      for (const headers of [{}, { Cookie: `parley_session=${'A'.repeat(43)}` }, { Cookie: 'parley_session=junk' }] as Record<
        string,
        string
      >[]) {
        const answer = await send('GET', '/web/session', headers);
        expect(problem(answer)).toMatchObject({ status: 401, body: { type: 'urn:parley:problem:web:not-signed-in' } });
        expect(answer.headers['www-authenticate']).toBeUndefined();
      }
    });

    it('signs out only with the CSRF token: the row goes, the cookie is cleared, and the token stops working', async () => {
      const answer = await signIn('dave@parley.test');
      const cookie = cookieOf(answer);
      const { csrfToken } = answer.json<{ csrfToken: string }>();
      expect(problem(await send('DELETE', '/web/session', { Cookie: cookie }))).toMatchObject({ status: 403 });
      expect((await send('DELETE', '/web/session', { Cookie: cookie, 'X-CSRF-Token': 'wrong' })).status).toBe(403);
      expect(
        (await send('DELETE', '/web/session', { Cookie: cookie, 'X-CSRF-Token': csrfToken, Origin: 'https://evil.example' })).status,
      ).toBe(403);
      expect((await send('GET', '/web/session', { Cookie: cookie })).status).toBe(200);

      const out = await send('DELETE', '/web/session', { Cookie: cookie, 'X-CSRF-Token': csrfToken });
      expect(out.status).toBe(204);
      expect(out.headers['set-cookie']?.[0]).toBe('parley_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
      expect((await send('GET', '/web/session', { Cookie: cookie })).status).toBe(401);
      const rows = await bed.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM directory.web_session s JOIN directory.mailbox_user u ON u.id = s.user_id WHERE u.smtp_address = 'dave@parley.test'`,
      );
      expect(rows[0].n).toBe(0);
    });

    it('stops resolving once the user is disabled or the password changes', async () => {
      const first = cookieOf(await signIn('erin@parley.test'));
      await bed.query(`UPDATE directory.mailbox_user SET disabled = true WHERE smtp_address = 'erin@parley.test'`);
      expect((await send('GET', '/web/session', { Cookie: first })).status).toBe(401);
      await bed.query(`UPDATE directory.mailbox_user SET disabled = false WHERE smtp_address = 'erin@parley.test'`);

      const second = cookieOf(await signIn('erin@parley.test'));
      await bed.directory.setPassword('erin@parley.test', 'a new password');
      expect((await send('GET', '/web/session', { Cookie: second })).status).toBe(401);
    });

    it('ends after its idle time and after its absolute lifetime', async () => {
      const idle = cookieOf(await signIn('fred@parley.test'));
      // Last seen 9 hours ago (idle timeout 8 h): whatever the stored expiry says, it is over.
      await bed.query(
        `UPDATE directory.web_session SET last_seen_at = now() - interval '9 hours', created_at = now() - interval '9 hours' WHERE expires_at > now() AND user_id = (SELECT id FROM directory.mailbox_user WHERE smtp_address = 'fred@parley.test')`,
      );
      expect((await send('GET', '/web/session', { Cookie: idle })).status).toBe(401);

      const old = cookieOf(await signIn('fred@parley.test'));
      // Active a minute ago but signed in 8 days ago (lifetime 7 days).
      await bed.query(
        `UPDATE directory.web_session SET created_at = now() - interval '8 days', last_seen_at = now() - interval '1 minute' WHERE created_at > now() - interval '1 hour' AND user_id = (SELECT id FROM directory.mailbox_user WHERE smtp_address = 'fred@parley.test')`,
      );
      expect((await send('GET', '/web/session', { Cookie: old })).status).toBe(401);

      const fresh = cookieOf(await signIn('fred@parley.test'));
      expect((await send('GET', '/web/session', { Cookie: fresh })).status).toBe(200);
    });

    it('replaces the previous session of a browser that signs in again', async () => {
      const before = cookieOf(await signIn('alice@parley.test'));
      const after = cookieOf(await signIn('alice@parley.test', PASSWORD, { Cookie: before }));
      expect(after).not.toBe(before);
      expect((await send('GET', '/web/session', { Cookie: before })).status).toBe(401);
      expect((await send('GET', '/web/session', { Cookie: after })).status).toBe(200);
    });
  });

  describe('static files', () => {
    const securityHeaders = (answer: HttpAnswer) => ({
      csp: answer.headers['content-security-policy'],
      nosniff: answer.headers['x-content-type-options'],
      referrer: answer.headers['referrer-policy'],
    });
    const secure = { csp: WEB_CLIENT_CSP, nosniff: 'nosniff', referrer: 'no-referrer' };

    it('serves index.html at / and /index.html, revalidated each time, with the security headers', async () => {
      for (const target of ['/', '/index.html', '/?next=%2F']) {
        const answer = await send('GET', target);
        expect(answer.status).toBe(200);
        expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(answer.headers['cache-control']).toBe('no-cache');
        expect(answer.body.toString()).toBe(INDEX);
        expect(securityHeaders(answer)).toEqual(secure);
      }
    });

    it('serves hashed assets immutable, gzip when accepted, with the right types', async () => {
      const gz = await send('GET', '/assets/app-3f9a1c.js', { 'Accept-Encoding': 'br, gzip;q=0.8' });
      expect(gz.status).toBe(200);
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gz.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(gz.headers['vary']).toBe('Accept-Encoding');
      expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
      expect(securityHeaders(gz)).toEqual(secure);

      for (const headers of [{}, { 'Accept-Encoding': 'gzip;q=0, deflate' }, { 'Accept-Encoding': 'identity' }] as Record<
        string,
        string
      >[]) {
        const plain = await send('GET', '/assets/app-3f9a1c.js', headers);
        expect(plain.headers['content-encoding']).toBeUndefined();
        expect(plain.body.toString()).toBe(SCRIPT);
      }
      const css = await send('GET', '/assets/style-77ab.css', { 'Accept-Encoding': 'gzip' });
      expect([css.headers['content-type'], css.headers['content-encoding'], css.body.toString()]).toEqual([
        'text/css; charset=utf-8',
        undefined,
        'body{margin:0}',
      ]);
      expect((await send('GET', '/assets/fonts/inter-1.woff2')).headers['content-type']).toBe('font/woff2');
    });

    it('answers a matching If-None-Match with 304, per encoding, and HEAD without a body', async () => {
      const first = await send('GET', '/assets/app-3f9a1c.js', { 'Accept-Encoding': 'gzip' });
      const etag = String(first.headers['etag']);
      const again = await send('GET', '/assets/app-3f9a1c.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
      expect([again.status, again.body.length, again.headers['etag'], again.headers['cache-control']]).toEqual([
        304,
        0,
        etag,
        'public, max-age=31536000, immutable',
      ]);
      // The plain representation has another tag.
      expect((await send('GET', '/assets/app-3f9a1c.js', { 'If-None-Match': etag })).status).toBe(200);
      const head = await send('HEAD', '/index.html');
      expect([head.status, head.body.length, head.headers['content-length']]).toEqual([200, 0, String(Buffer.byteLength(INDEX))]);
    });

    it('never leaves the web root: dot segments, encoded ones, NUL, hidden files, symbolic links', async () => {
      for (const target of [
        '/assets/../index.html',
        '/assets/../../secret.txt',
        '/assets/%2e%2e/%2e%2e/secret.txt',
        '/assets/..%2f..%2fsecret.txt',
        '/assets/%2E%2E%5C%2E%2E%5Csecret.txt',
        '/assets/app-3f9a1c.js%00.png',
        '/assets/.hidden',
        '/assets/link.txt',
        '/assets/',
        '/assets/fonts',
        '/assets/nope.js',
      ]) {
        const answer = await send('GET', target);
        expect([target, answer.status]).toEqual([target, 404]);
        expect(answer.body.toString()).not.toContain('TOP-SECRET');
      }
      for (const target of ['/%2e%2e/secret.txt', '/../secret.txt', '/secret.txt']) {
        const answer = await send('GET', target);
        expect([target, answer.status]).toEqual([target, 404]);
        expect(answer.body.toString()).not.toContain('TOP-SECRET');
      }
    });

    it('answers 503 problem JSON while the web client is not built, and serves it once it is', async () => {
      await rename(webRoot, `${webRoot}-away`);
      try {
        for (const target of ['/', '/assets/app-3f9a1c.js']) {
          const answer = await send('GET', target);
          expect(problem(answer)).toMatchObject({
            status: 503,
            type: 'application/problem+json',
            body: { type: 'urn:parley:problem:web:not-built' },
          });
          expect(securityHeaders(answer)).toEqual(secure);
        }
      } finally {
        await rename(`${webRoot}-away`, webRoot);
      }
      expect((await send('GET', '/')).status).toBe(200);
    });
  });
});
