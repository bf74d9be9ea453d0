import { startGraphApiTestBed, TEST_PASSWORD, type GraphApiTestBed } from '../../test/graph-api-test-bed';

// The web client calls the Graph API with its session cookie (and, on POST, the session's CSRF token) instead of an
// Authorization header; a page of another site cannot make a browser do the same.

describe('Graph-compatible presence API with the web session', () => {
  let bed: GraphApiTestBed;
  let session: { cookie: string; csrfToken: string };
  const api = (path: string) => `${bed.base}/api/v1.0${path}`;
  const setAway = (headers: Record<string, string>) =>
    fetch(api('/me/presence/setUserPreferredPresence'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ availability: 'Away', activity: 'Away' }),
    });

  beforeAll(async () => {
    bed = await startGraphApiTestBed('graph_web');
    await bed.directory.add({ smtpAddress: 'wendy@parley.test', displayName: 'Wendy', password: TEST_PASSWORD });
    const started = await bed.webSessions.signIn('wendy@parley.test', TEST_PASSWORD, '10.0.0.1');
    session = { cookie: `parley_session=${started.token}`, csrfToken: started.csrfToken };
  });

  afterEach(async () => {
    await bed.reset();
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('reads with the cookie alone', async () => {
    const answer = await fetch(api('/me/presence'), { headers: { Cookie: session.cookie } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ availability: 'Offline' });
  });

  it('changes presence with the cookie and the CSRF token', async () => {
    expect((await setAway({ Cookie: session.cookie, 'X-CSRF-Token': session.csrfToken, Origin: bed.base })).status).toBe(200);
    const presence = await fetch(api('/me/presence'), { headers: { Cookie: session.cookie } });
    expect(await presence.json()).toMatchObject({ availability: 'Away', activity: 'Away' });
  });

  it('refuses a cookie-signed POST without the CSRF token, or from another origin: 403 Authorization_RequestDenied', async () => {
    for (const headers of [
      { Cookie: session.cookie },
      { Cookie: session.cookie, 'X-CSRF-Token': 'forged' },
      { Cookie: session.cookie, 'X-CSRF-Token': session.csrfToken, Origin: 'https://evil.example' },
    ] as Record<string, string>[]) {
      const answer = await setAway(headers);
      expect(answer.status).toBe(403);
      expect(await answer.json()).toMatchObject({ error: { code: 'Authorization_RequestDenied' } });
    }
    const presence = await fetch(api('/me/presence'), { headers: { Cookie: session.cookie } });
    expect(await presence.json()).toMatchObject({ availability: 'Offline' });
  });

  it('answers an ended session 401 without a Basic challenge, and no credentials at all with the challenge as before', async () => {
    const ended = await fetch(api('/me/presence'), { headers: { Cookie: `parley_session=${'Z'.repeat(43)}` } });
    expect(ended.status).toBe(401);
    expect(ended.headers.get('www-authenticate')).toBeNull();
    expect(await ended.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    const anonymous = await fetch(api('/me/presence'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic realm="Parley"');
  });
});
