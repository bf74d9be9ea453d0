import { ApiError, ParleyApi, parseRetryAfter, type Fetch } from './api';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(respond: (call: Call) => Response | Promise<Response>): { fetch: Fetch; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      const call = { url, init };
      calls.push(call);
      return respond(call);
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const session = { address: 'alice@parley.test', displayName: 'Alice', csrfToken: 'tok-1', expiresAt: '2026-12-04T09:00:00Z' };

describe('ParleyApi', () => {
  it('sends the CSRF token and same-origin credentials on every state-changing request, not on reads', async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.init?.method === 'DELETE' ? new Response(null, { status: 204 }) : json(200, session),
    );
    const api = new ParleyApi(fetch);
    await api.signIn('alice@parley.test', 'secret');
    await api.request('PATCH', '/api/v1.0/me/mailboxSettings/automaticRepliesSetting', { status: 'disabled' });
    await api.request('GET', '/web/session');
    await api.signOut();
    const headers = calls.map((c) => (c.init?.headers as Record<string, string>)['X-CSRF-Token']);
    expect(headers).toEqual([undefined, 'tok-1', undefined, 'tok-1']);
    expect(calls.every((c) => c.init?.credentials === 'same-origin')).toBe(true);
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ address: 'alice@parley.test', password: 'secret' });
    // Signed out: the token is forgotten.
    await api.request('POST', '/x', {}).catch(() => undefined);
    expect((calls[4]?.init?.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
  });

  it('reads problem JSON: 401 wrong credentials, 429 with Retry-After', async () => {
    const problem = { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'wrong address or password' };
    const api401 = new ParleyApi(fakeFetch(() => json(401, problem, { 'Content-Type': 'application/problem+json' })).fetch);
    await expect(api401.signIn('a@b.c', 'x')).rejects.toMatchObject({
      kind: 'unauthorized',
      status: 401,
      message: 'wrong address or password',
    });
    const api429 = new ParleyApi(
      fakeFetch(() => json(429, { ...problem, status: 429, title: 'Too Many Requests', detail: undefined }, { 'Retry-After': '42' })).fetch,
    );
    await expect(api429.signIn('a@b.c', 'x')).rejects.toMatchObject({
      kind: 'throttled',
      retryAfterSeconds: 42,
      message: 'Too Many Requests',
    });
  });

  it("reads Graph's error body", async () => {
    const api = new ParleyApi(
      fakeFetch(() => json(400, { error: { code: 'BadRequest', message: 'end before start', innerError: {} } })).fetch,
    );
    const error = (await api
      .request('PATCH', '/api/v1.0/me/mailboxSettings/automaticRepliesSetting', {})
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect({ kind: error.kind, code: error.code, message: error.message }).toEqual({
      kind: 'invalid',
      code: 'BadRequest',
      message: 'end before start',
    });
  });

  it('reports a network failure and a non-JSON error page', async () => {
    const offline = new ParleyApi(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(offline.currentSession()).rejects.toMatchObject({ kind: 'network', status: 0 });
    const proxy = new ParleyApi(
      fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })).fetch,
    );
    await expect(proxy.request('GET', '/x')).rejects.toMatchObject({ kind: 'server', status: 502, message: 'Bad Gateway' });
  });

  it('currentSession: the session when signed in, null on 401', async () => {
    expect(await new ParleyApi(fakeFetch(() => json(200, session)).fetch).currentSession()).toEqual(session);
    expect(await new ParleyApi(fakeFetch(() => json(401, { title: 'Unauthorized', status: 401 })).fetch).currentSession()).toBeNull();
  });

  it('searches the directory with a quoted $search phrase and $top', async () => {
    const { fetch, calls } = fakeFetch(() =>
      json(200, { value: [{ id: '1', displayName: 'Bob', mail: 'bob@parley.test', userPrincipalName: 'bob@parley.test' }] }),
    );
    const users = await new ParleyApi(fetch).searchDirectory('bo"b', 10);
    expect(users.map((u) => u.mail)).toEqual(['bob@parley.test']);
    const url = new URL(calls[0]?.url ?? '', 'http://x');
    expect(url.pathname).toBe('/api/v1.0/users');
    expect(url.searchParams.get('$search')).toBe('"bo\\"b"');
    expect(url.searchParams.get('$top')).toBe('10');
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-03T09:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 03 Dec 2026 09:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
