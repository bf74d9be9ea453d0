import { WebSessions } from '@parley/auth';
import { type CoreSocketTestBed, startCoreSocketTestBed } from '../../test/presence-socket-core-test-bed';
import { PASSWORD, type TestClient, UpgradeRefused } from '../../test/presence-socket-test-bed';

// The web client's way in: a browser page (it sends Origin) is signed in by its session cookie only, from an allowed
// origin; programs without Origin sign in with Authorization as before. Real directory, sessions and sign-in.

const ALICE = 'alice@ws-web.test';
const BOB = 'bob@ws-web.test';

describe('presence WebSocket: browser pages and the web session', () => {
  let bed: CoreSocketTestBed;
  const open: TestClient[] = [];
  const cookieFor = async (user: string) => `parley_session=${(await bed.app.get(WebSessions).signIn(user, PASSWORD, '10.9.9.9')).token}`;
  const refusal = (attempt: Promise<TestClient>) =>
    attempt.then(
      (client) => {
        open.push(client);
        throw new Error('expected the upgrade to be refused');
      },
      (error: unknown) => {
        if (!(error instanceof UpgradeRefused)) throw error;
        return { status: error.status, challenge: error.headers['www-authenticate'] };
      },
    );

  beforeAll(async () => {
    bed = await startCoreSocketTestBed([ALICE, BOB]);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('connects a page of its own origin with the session cookie, as the session user', async () => {
    const client = await bed.connect(ALICE, { authorization: null, origin: bed.origin, cookie: await cookieFor(ALICE) });
    open.push(client);
    expect(await client.next('hello')).toMatchObject({ type: 'hello', mailbox: ALICE });
  });

  it('refuses the cookie from a page of another origin: 403', async () => {
    const cookie = await cookieFor(ALICE);
    await expect(refusal(bed.connect(ALICE, { authorization: null, origin: 'https://evil.example', cookie }))).resolves.toEqual({
      status: 403,
      challenge: undefined,
    });
  });

  it('refuses Basic from a browser page, even of its own origin (a browser attaches cached credentials to any site): 403', async () => {
    await expect(refusal(bed.connect(ALICE, { origin: bed.origin }))).resolves.toMatchObject({ status: 403 });
  });

  it('answers an ended session 401 without a Basic challenge', async () => {
    const sessions = bed.app.get(WebSessions);
    const started = await sessions.signIn(BOB, PASSWORD, '10.9.9.9');
    await sessions.signOut(started.token);
    await expect(
      refusal(bed.connect(BOB, { authorization: null, origin: bed.origin, cookie: `parley_session=${started.token}` })),
    ).resolves.toEqual({ status: 401, challenge: undefined });
  });

  it('signs in a program without Origin by its Authorization header as before, and ignores a cookie there', async () => {
    const client = await bed.connect(BOB);
    open.push(client);
    expect(await client.next('hello')).toMatchObject({ mailbox: BOB });
    await expect(refusal(bed.connect(BOB, { authorization: null, cookie: await cookieFor(BOB) }))).resolves.toMatchObject({
      status: 401,
      challenge: expect.anything(),
    });
  });
});
