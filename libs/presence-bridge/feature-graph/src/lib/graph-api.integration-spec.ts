import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import { signBearerToken } from '@parley/auth';
import { Roles, type DirectoryUser } from '@parley/directory';
import type { EndpointHandle } from '@parley/presence-bridge/feature-presence';
import { basicAuthorization as basic, graphClient } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { startGraphApiTestBed, TEST_PASSWORD, type GraphApiTestBed } from '../../test/graph-api-test-bed';

// The Graph-compatible API as Graph applications meet it: Microsoft's JavaScript Graph client (and,
// where the bytes matter, plain fetch) against a real Nest app over HTTP, on PostgreSQL.

describe('Graph-compatible presence API', () => {
  let bed: GraphApiTestBed;
  const users: Record<string, DirectoryUser> = {};
  const as = (name: string) => graphClient(bed.base, basic(`${name}@parley.test`, TEST_PASSWORD));
  const api = (path: string) => `${bed.base}/api/v1.0${path}`;

  /** The GraphError the client throws for `request`, reduced to what an application branches on. */
  async function refusal(request: Promise<unknown>): Promise<{ statusCode: number; code: string | null }> {
    const error = await request.then(
      () => {
        throw new Error('expected the request to be refused');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GraphError);
    const { statusCode, code } = error as GraphError;
    return { statusCode, code };
  }

  beforeAll(async () => {
    bed = await startGraphApiTestBed('graph_api');
    for (const name of ['alice', 'bob', 'carol', 'dave', 'app', 'scoped']) {
      users[name] = await bed.directory.add({ smtpAddress: `${name}@parley.test`, displayName: name, password: TEST_PASSWORD });
    }
    users['app'] = await bed.directory.grantRole('app@parley.test', Roles.applicationImpersonation);
    users['scoped'] = await bed.directory.grantRole('scoped@parley.test', Roles.applicationImpersonation, ['carol@parley.test']);
  });

  /** Clients connected through the core's port (an active client makes its user Available). */
  const connected: EndpointHandle[] = [];
  const connect = async (mailbox: string) => connected.push(await bed.endpoints.connect(mailbox, { label: 'desk' }));
  /** calendar-sync's events, as the core consumes them; sequences only grow. */
  let sequence = 0;
  const event = (mailbox: string) => ({ mailbox, sequence: ++sequence, effectiveAt: new Date().toISOString() });
  const inMeeting = (mailbox: string) =>
    bed.sources.applyCalendar(randomUUID(), { ...event(mailbox), state: 'busy', until: new Date(Date.now() + 3_600_000).toISOString() });
  const outOfOffice = (mailbox: string, internalReply: string) =>
    bed.sources.applyOof(randomUUID(), {
      ...event(mailbox),
      active: true,
      internalReply,
      externalReply: '',
      externalAudience: 'All',
      until: null,
      revision: sequence,
    });

  afterEach(async () => {
    for (const handle of connected.splice(0)) await handle.close();
    await bed.reset();
  });

  afterAll(async () => {
    await bed?.close();
  });

  describe('reading', () => {
    it("answers a user's presence by SMTP address, with Graph's OData context and the user's object id", async () => {
      const presence = (await as('alice').api('/users/bob@parley.test/presence').get()) as Record<string, unknown>;
      expect(presence).toEqual({
        '@odata.context': `${bed.base}/api/v1.0/$metadata#users('${users['bob'].id}')/presence/$entity`,
        id: users['bob'].id,
        availability: 'Offline',
        activity: 'Offline',
        statusMessage: null,
        outOfOfficeSettings: { message: null, isOutOfOffice: false },
        // Never published yet.
        sequenceNumber: null,
      });
      // The object id names the same user; addresses compare without case.
      await expect(as('alice').api(`/users/${users['bob'].id}/presence`).get()).resolves.toMatchObject({ id: users['bob'].id });
      await expect(as('alice').api('/users/BOB@Parley.Test/presence').get()).resolves.toMatchObject({ id: users['bob'].id });
    });

    it("shows the engine's state in Graph's vocabulary: a meeting, OOF with its reply, the personal note", async () => {
      await inMeeting('bob@parley.test');
      await outOfOffice('bob@parley.test', 'Back on Monday');
      const meeting = (await as('alice').api('/users/bob@parley.test/presence').get()) as { sequenceNumber: string };
      expect(meeting).toMatchObject({
        availability: 'Busy',
        activity: 'InAMeeting',
        statusMessage: null,
        outOfOfficeSettings: { message: 'Back on Monday', isOutOfOffice: true },
      });
      expect(meeting.sequenceNumber).toMatch(/^\d{20}$/);

      await connect('carol@parley.test');
      await bed.settings.setPersonalNote('carol@parley.test', 'Working from the lab');
      const note = (await as('alice').api('/users/carol@parley.test/presence').get()) as { sequenceNumber: string };
      expect(note).toMatchObject({
        availability: 'Available',
        activity: 'Available',
        statusMessage: { message: { content: 'Working from the lab', contentType: 'text' } },
        outOfOfficeSettings: { message: null, isOutOfOffice: false },
      });
      // A later presence of the same user sorts after an earlier one.
      await bed.settings.setPersonalNote('carol@parley.test', 'Back at my desk');
      const later = (await as('alice').api('/users/carol@parley.test/presence').get()) as { sequenceNumber: string };
      expect(later.sequenceNumber > note.sequenceNumber).toBe(true);
    });

    it('answers /me/presence for the caller', async () => {
      await expect(as('carol').api('/me/presence').get()).resolves.toMatchObject({ id: users['carol'].id, availability: 'Offline' });
    });

    it('shows a user who blocked the caller as Offline, under the same sequenceNumber however the user changes, and the same user as they are to others', async () => {
      type Presence = { availability: string; activity: string; statusMessage: unknown; sequenceNumber: string };
      const presenceOfBob = async (caller: string) => (await as(caller).api('/users/bob@parley.test/presence').get()) as Presence;
      await connect('bob@parley.test');
      await bed.settings.block('bob@parley.test', 'alice@parley.test');
      const blocked = await presenceOfBob('alice');
      expect(blocked).toMatchObject({ availability: 'Offline', activity: 'Offline', statusMessage: null });
      await expect(presenceOfBob('carol')).resolves.toMatchObject({ availability: 'Available' });

      // Polling tells Alice nothing while Bob changes: the answer stays the same to the byte, sequenceNumber included.
      await bed.settings.setPersonalNote('bob@parley.test', 'secret plans');
      await inMeeting('bob@parley.test');
      const toCarol = await presenceOfBob('carol');
      expect(toCarol).toMatchObject({ availability: 'Busy', activity: 'InAMeeting' });
      expect(toCarol.sequenceNumber > blocked.sequenceNumber).toBe(true);
      expect(await presenceOfBob('alice')).toEqual(blocked);

      await bed.settings.unblock('bob@parley.test', 'alice@parley.test');
      const unblocked = await presenceOfBob('alice');
      expect(unblocked).toMatchObject({ availability: 'Busy', activity: 'InAMeeting' });
      expect(unblocked.sequenceNumber > toCarol.sequenceNumber).toBe(true);
    });

    it('answers 404 Request_ResourceNotFound for a user the directory does not know', async () => {
      expect(await refusal(as('alice').api('/users/nobody@parley.test/presence').get())).toEqual({
        statusCode: 404,
        code: 'Request_ResourceNotFound',
      });
      expect(await refusal(as('alice').api('/users/00000000-0000-0000-0000-000000000000/presence').get())).toEqual({
        statusCode: 404,
        code: 'Request_ResourceNotFound',
      });
    });
  });

  describe('getPresencesByUserId', () => {
    it('answers the presences of the ids that name users, by address or object id, each once, in the order asked', async () => {
      const answer = (await as('alice')
        .api('/communications/getPresencesByUserId')
        .post({ ids: ['carol@parley.test', users['bob'].id, 'nobody@parley.test', 'CAROL@parley.test', 'alice@parley.test'] })) as {
        '@odata.context': string;
        value: { id: string; availability: string }[];
      };
      expect(answer['@odata.context']).toBe(`${bed.base}/api/v1.0/$metadata#Collection(microsoft.graph.presence)`);
      expect(answer.value.map((p) => p.id)).toEqual([users['carol'].id, users['bob'].id, users['alice'].id]);
      await expect(as('alice').api('/communications/getPresencesByUserId').post({ ids: [] })).resolves.toMatchObject({ value: [] });
    });

    it("refuses more ids than Graph's 650 with 400, and bodies that are no list of ids", async () => {
      const ids = Array.from({ length: 651 }, (_, i) => `user${i}@parley.test`);
      expect(await refusal(as('alice').api('/communications/getPresencesByUserId').post({ ids }))).toEqual({
        statusCode: 400,
        code: 'BadRequest',
      });
      expect(await refusal(as('alice').api('/communications/getPresencesByUserId').post({ ids: 'bob@parley.test' }))).toEqual({
        statusCode: 400,
        code: 'BadRequest',
      });
      expect(await refusal(as('alice').api('/communications/getPresencesByUserId').post({}))).toEqual({
        statusCode: 400,
        code: 'BadRequest',
      });
    });
  });

  describe('preferred presence', () => {
    const set = (client: Client, user: string, body: Record<string, unknown>) =>
      client.api(`/users/${user}/presence/setUserPreferredPresence`).post(body);
    const clear = (client: Client, user: string) => client.api(`/users/${user}/presence/clearUserPreferredPresence`).post({});

    it('sets the caller’s own preferred presence until its duration, and clears it again', async () => {
      const before = Date.now();
      // No JSON to parse: the client hands back the empty body as it does for Graph's own 200s.
      await set(as('alice'), 'alice@parley.test', { availability: 'Busy', activity: 'Busy', expirationDuration: 'PT1H' });
      await expect(as('bob').api('/users/alice@parley.test/presence').get()).resolves.toMatchObject({
        availability: 'Busy',
        activity: 'Busy',
      });
      const stored = (await bed.settings.settings('alice@parley.test')).userState;
      expect(stored?.state).toBe('busy');
      expect(stored?.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(stored?.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);

      await clear(as('alice'), 'alice@parley.test');
      await expect(as('bob').api('/users/alice@parley.test/presence').get()).resolves.toMatchObject({ availability: 'Offline' });
      expect((await bed.settings.settings('alice@parley.test')).userState).toBeNull();
    });

    it("applies Graph's default expiry without a duration, and maps Offline/OffWork to appearing offline", async () => {
      const before = Date.now();
      await as('alice').api('/me/presence/setUserPreferredPresence').post({ availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
      const dnd = (await bed.settings.settings('alice@parley.test')).userState;
      expect(dnd?.state).toBe('do-not-disturb');
      expect(dnd?.expiresAt).toBeGreaterThanOrEqual(before + 86_400_000);
      expect(dnd?.expiresAt).toBeLessThanOrEqual(Date.now() + 86_400_000);

      await connect('alice@parley.test');
      await set(as('alice'), 'alice@parley.test', { availability: 'Offline', activity: 'OffWork', expirationDuration: null });
      const offline = (await bed.settings.settings('alice@parley.test')).userState;
      expect(offline?.state).toBe('appear-offline');
      expect(offline?.expiresAt).toBeGreaterThanOrEqual(before + 7 * 86_400_000);
      await expect(as('bob').api('/users/alice@parley.test/presence').get()).resolves.toMatchObject({
        availability: 'Offline',
        activity: 'OffWork',
      });
    });

    it("refuses to change another user's presence without the impersonation role: 403, nothing changed", async () => {
      expect(await refusal(set(as('alice'), 'bob@parley.test', { availability: 'Away', activity: 'Away' }))).toEqual({
        statusCode: 403,
        code: 'Authorization_RequestDenied',
      });
      expect(await refusal(clear(as('alice'), 'bob@parley.test'))).toEqual({ statusCode: 403, code: 'Authorization_RequestDenied' });
      expect((await bed.settings.settings('bob@parley.test')).userState).toBeNull();
    });

    it('lets an application with the role act for users within its scope only', async () => {
      await set(as('app'), 'bob@parley.test', { availability: 'BeRightBack', activity: 'BeRightBack', expirationDuration: 'PT30M' });
      await expect(as('carol').api('/users/bob@parley.test/presence').get()).resolves.toMatchObject({ availability: 'BeRightBack' });
      await clear(as('app'), users['bob'].id);
      expect((await bed.settings.settings('bob@parley.test')).userState).toBeNull();

      await set(as('scoped'), 'carol@parley.test', { availability: 'Away', activity: 'Away' });
      expect((await bed.settings.settings('carol@parley.test')).userState?.state).toBe('away');
      expect(await refusal(set(as('scoped'), 'bob@parley.test', { availability: 'Away', activity: 'Away' }))).toEqual({
        statusCode: 403,
        code: 'Authorization_RequestDenied',
      });
      expect(await refusal(set(as('app'), 'nobody@parley.test', { availability: 'Away', activity: 'Away' }))).toEqual({
        statusCode: 404,
        code: 'Request_ResourceNotFound',
      });
    });

    it.each([
      ['a pair Graph does not accept', { availability: 'Busy', activity: 'Away' }],
      ['an availability Graph reads but never sets', { availability: 'BusyIdle', activity: 'BusyIdle' }],
      ['no activity', { availability: 'Busy' }],
      ['a zero duration', { availability: 'Busy', activity: 'Busy', expirationDuration: 'PT0S' }],
      ['a negative duration', { availability: 'Busy', activity: 'Busy', expirationDuration: '-PT1H' }],
      ['a duration in months', { availability: 'Busy', activity: 'Busy', expirationDuration: 'P1M' }],
      ['a duration past the limit', { availability: 'Busy', activity: 'Busy', expirationDuration: 'P31D' }],
      ['a duration that is no duration', { availability: 'Busy', activity: 'Busy', expirationDuration: '8 hours' }],
    ])('refuses %s with 400 BadRequest', async (_name, body) => {
      expect(await refusal(set(as('alice'), 'alice@parley.test', body))).toEqual({ statusCode: 400, code: 'BadRequest' });
      expect((await bed.settings.settings('alice@parley.test')).userState).toBeNull();
    });
  });

  describe('sign-in', () => {
    it('answers 401 InvalidAuthenticationToken with a challenge to a client without credentials or with wrong ones', async () => {
      expect(await refusal(graphClient(bed.base, undefined).api('/me/presence').get())).toEqual({
        statusCode: 401,
        code: 'InvalidAuthenticationToken',
      });
      expect(await refusal(graphClient(bed.base, basic('alice@parley.test', 'wrong')).api('/me/presence').get())).toEqual({
        statusCode: 401,
        code: 'InvalidAuthenticationToken',
      });
      expect(await refusal(graphClient(bed.base, 'Bearer not.a.token').api('/me/presence').get())).toEqual({
        statusCode: 401,
        code: 'InvalidAuthenticationToken',
      });
      const raw = await fetch(api('/users/bob@parley.test/presence'));
      expect(raw.status).toBe(401);
      expect(raw.headers.get('www-authenticate')).toBe('Basic realm="Parley", Bearer realm="Parley"');
      expect(await raw.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: expect.any(String) } });
    });

    it('accepts Parley bearer tokens, as Graph clients send them', async () => {
      const token = signBearerToken(bed.tokenKey, { sub: 'carol@parley.test', exp: Math.floor(Date.now() / 1000) + 60 });
      await expect(graphClient(bed.base, `Bearer ${token}`).api('/me/presence').get()).resolves.toMatchObject({ id: users['carol'].id });
    });

    it('throttles a guessed-at account with 429 TooManyRequests and Retry-After, as Graph throttles', async () => {
      const guesser = graphClient(bed.base, basic('dave@parley.test', 'guess'));
      for (let i = 0; i < 5; i++) expect((await refusal(guesser.api('/me/presence').get())).statusCode).toBe(401);
      expect(await refusal(as('dave').api('/me/presence').get())).toEqual({ statusCode: 429, code: 'TooManyRequests' });
      const raw = await fetch(api('/me/presence'), { headers: { authorization: basic('dave@parley.test', TEST_PASSWORD) } });
      expect(raw.status).toBe(429);
      expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });
  });

  describe('HTTP details Graph clients rely on', () => {
    const post = (path: string, body: string | undefined, headers: Record<string, string> = {}) =>
      fetch(api(path), {
        method: 'POST',
        headers: { authorization: basic('alice@parley.test', TEST_PASSWORD), ...headers },
        body,
      });

    it('answers the actions 200 with no body and no JSON content type, and accepts a bodyless POST declared as JSON', async () => {
      const setAnswer = await post('/me/presence/setUserPreferredPresence', JSON.stringify({ availability: 'Away', activity: 'Away' }), {
        'content-type': 'application/json',
      });
      expect(setAnswer.status).toBe(200);
      expect(setAnswer.headers.get('content-type')).toBeNull();
      expect(await setAnswer.text()).toBe('');
      const clearAnswer = await post('/me/presence/clearUserPreferredPresence', '', {
        'content-type': 'application/json',
        'content-length': '0',
      });
      expect(clearAnswer.status).toBe(200);
      expect(clearAnswer.headers.get('content-type')).toBeNull();
      expect((await bed.settings.settings('alice@parley.test')).userState).toBeNull();
    });

    it("answers JSON with Graph's media type and its request ids", async () => {
      const answer = await fetch(api('/me/presence'), {
        headers: { authorization: basic('alice@parley.test', TEST_PASSWORD), 'client-request-id': 'abc-123' },
      });
      expect(answer.headers.get('content-type')?.split(';')[0]).toBe('application/json');
      expect(answer.headers.get('client-request-id')).toBe('abc-123');
      expect(answer.headers.get('request-id')).toMatch(/.+/);
    });

    it("refuses malformed and oversized bodies, unknown segments and wrong methods with Graph's error body", async () => {
      const errorOf = async (answer: Response) => ({
        status: answer.status,
        code: ((await answer.json()) as { error: { code: string } }).error.code,
      });
      expect(
        await errorOf(await post('/communications/getPresencesByUserId', '{"ids": [', { 'content-type': 'application/json' })),
      ).toEqual({
        status: 400,
        code: 'BadRequest',
      });
      expect(await errorOf(await post('/communications/getPresencesByUserId', '{"ids": []}', { 'content-type': 'text/plain' }))).toEqual({
        status: 415,
        code: 'UnsupportedMediaType',
      });
      const huge = JSON.stringify({ ids: ['x'.repeat(300 * 1024)] });
      expect(await errorOf(await post('/communications/getPresencesByUserId', huge, { 'content-type': 'application/json' }))).toEqual({
        status: 413,
        code: 'RequestEntityTooLarge',
      });
      const auth = { authorization: basic('alice@parley.test', TEST_PASSWORD) };
      expect(await errorOf(await fetch(api('/users/bob@parley.test/calendar'), { headers: auth }))).toEqual({
        status: 400,
        code: 'BadRequest',
      });
      const wrongMethod = await fetch(api('/users/bob@parley.test/presence/setUserPreferredPresence'), { headers: auth });
      expect(wrongMethod.headers.get('allow')).toBe('POST');
      expect(await errorOf(wrongMethod)).toEqual({ status: 405, code: 'MethodNotAllowed' });
    });

    it('serves its OpenAPI document without sign-in', async () => {
      const answer = await fetch(api('/openapi.json'));
      expect(answer.status).toBe(200);
      const document = (await answer.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/users/{id}/presence',
          '/communications/getPresencesByUserId',
          '/users/{id}/presence/setUserPreferredPresence',
          '/users/{id}/presence/clearUserPreferredPresence',
        ]),
      );
    });
  });
});
