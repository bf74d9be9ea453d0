// The mailbox part of the Graph-compatible API (ews-gateway) as Graph applications meet it:
// Microsoft's JavaScript Graph client, and plain fetch where the bytes matter, against the embedded
// composition run in this process — calendar-sync, presence-bridge and ews-gateway in one Nest app
// on the in-process bus and a fresh PostgreSQL database, one HTTP port, both Graph controllers under
// /api/v1.0 in the order the embedded app registers them. EWS (ews-javascript-api) reads and writes
// the same OOF settings.
import type { Client } from '@microsoft/microsoft-graph-client';
import { startParleyApp } from '@parley/bootstrap';
import { calendarSyncService } from '@parley/calendar-sync/service';
import { embeddedEnvSchema, parleyVersion, parseEnv, toRuntimeConfig } from '@parley/config';
import { DirectoryRepository, Roles, type DirectoryUser } from '@parley/directory';
import { ewsGatewayService } from '@parley/ews-gateway/service';
import { presenceBridgeService } from '@parley/presence-bridge/service';
import { basicAuthorization, createTestDatabase, freePort, graphClient, graphRefusal } from '@parley/testing';
import type { INestApplication } from '@nestjs/common';
import * as ews from 'ews-javascript-api';
import { Client as PgClient } from 'pg';
import { ewsService, useNodeXhr } from './ews-embedded';
import { oofSettings } from './ews-oof.scenarios';

const PASSWORD = 'graph-mailbox-pw';

describe('Graph mailboxSettings and directory search, beside presence and EWS in one process', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: INestApplication;
  let base: string;
  const users: Record<string, DirectoryUser> = {};
  const address = (name: string) => `${name}@parley.test`;
  const as = (name: string): Client => graphClient(base, basicAuthorization(address(name), PASSWORD));
  const api = (path: string) => `${base}/api/v1.0${path}`;
  const auth = (name: string) => ({ authorization: basicAuthorization(address(name), PASSWORD) });

  const replies = async (name: string) =>
    (await as(name).api('/me/mailboxSettings/automaticRepliesSetting').get()) as Record<string, unknown>;

  beforeAll(async () => {
    useNodeXhr();
    database = await createTestDatabase('graph_mailbox');
    const port = await freePort();
    const env = parseEnv(embeddedEnvSchema(), {
      DATABASE_URL: database.url,
      PARLEY_HTTP_PORT: String(port),
      PARLEY_METRICS_PORT: '0',
      PARLEY_SIP_TCP_PORT: '0',
      PARLEY_ID_SECRET: 'g'.repeat(43),
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS: '0',
    });
    const services = [calendarSyncService, presenceBridgeService, ewsGatewayService];
    const config = toRuntimeConfig('parley', parleyVersion, env, { services: services.map((s) => s.name), requireDatabaseUrl: true });
    app = await startParleyApp({ config, services, databaseUrl: database.url, migrate: true });
    base = `http://127.0.0.1:${port}`;
    const directory = app.get(DirectoryRepository);
    for (const [name, displayName] of [
      ['alice', 'Alice Liddell'],
      ['bob', 'Bob Builder'],
      ['carol', 'Carol Danvers'],
      ['app', 'Scheduling App'],
      ['scoped', 'Scoped App'],
      ['percy', 'Percy 100% Sure'],
      ['gone', 'Alice Gone'],
    ]) {
      users[name] = await directory.add({ smtpAddress: address(name), displayName, password: PASSWORD });
    }
    await directory.grantRole(address('app'), Roles.applicationImpersonation);
    await directory.grantRole(address('scoped'), Roles.applicationImpersonation, [address('carol')]);
    const pg = new PgClient({ connectionString: database.url });
    await pg.connect();
    await pg.query(`UPDATE directory.mailbox_user SET disabled = true WHERE smtp_address = $1`, [address('gone')]);
    await pg.end();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  describe('automatic replies', () => {
    it('reads the defaults of a mailbox that never set any: disabled, with its OData context', async () => {
      await expect(as('carol').api('/me/mailboxSettings').get()).resolves.toEqual({
        '@odata.context': `${base}/api/v1.0/$metadata#users('${users['carol'].id}')/mailboxSettings`,
        automaticRepliesSetting: {
          status: 'disabled',
          externalAudience: 'all',
          scheduledStartDateTime: null,
          scheduledEndDateTime: null,
          internalReplyMessage: '',
          externalReplyMessage: '',
        },
      });
      await expect(replies('carol')).resolves.toMatchObject({
        '@odata.context': `${base}/api/v1.0/$metadata#users('${users['carol'].id}')/mailboxSettings/automaticRepliesSetting`,
        status: 'disabled',
      });
    });

    it('PATCHes alwaysEnabled with replies, answers the result, and EWS GetUserOofSettings reads the same', async () => {
      const answer = await as('alice')
        .api('/me/mailboxSettings')
        .patch({
          automaticRepliesSetting: {
            status: 'alwaysEnabled',
            externalAudience: 'contactsOnly',
            internalReplyMessage: '<p>Away until Monday</p>',
            externalReplyMessage: 'Out of office',
          },
        });
      expect(answer).toMatchObject({
        '@odata.context': `${base}/api/v1.0/$metadata#users('${users['alice'].id}')/mailboxSettings`,
        automaticRepliesSetting: {
          status: 'alwaysEnabled',
          externalAudience: 'contactsOnly',
          internalReplyMessage: '<p>Away until Monday</p>',
          externalReplyMessage: 'Out of office',
        },
      });
      await expect(replies('alice')).resolves.toMatchObject({ status: 'alwaysEnabled', externalAudience: 'contactsOnly' });

      const read = await ewsService(base, address('alice'), PASSWORD).GetUserOofSettings(address('alice'));
      expect(ews.OofState[read.State]).toBe('Enabled');
      expect(ews.OofExternalAudience[read.ExternalAudience]).toBe('Known');
      expect(read.InternalReply.Message).toBe('<p>Away until Monday</p>');
      expect(read.ExternalReply.Message).toBe('Out of office');
    });

    it('shows what EWS SetUserOofSettings wrote', async () => {
      const settings = oofSettings(ews.OofState.Enabled, ews.OofExternalAudience.None, 'Set through EWS', 'Nobody outside');
      await ewsService(base, address('bob'), PASSWORD).SetUserOofSettings(address('bob'), settings);
      await expect(replies('bob')).resolves.toMatchObject({
        status: 'alwaysEnabled',
        externalAudience: 'none',
        internalReplyMessage: 'Set through EWS',
        externalReplyMessage: 'Nobody outside',
      });
    });

    it('schedules replies in a Windows or IANA zone, answers in UTC unless Prefer asks for a zone, and EWS sees the window', async () => {
      const answer = await as('carol')
        .api('/me/mailboxSettings/automaticRepliesSetting')
        .patch({
          status: 'scheduled',
          scheduledStartDateTime: { dateTime: '2031-07-01T09:00:00', timeZone: 'W. Europe Standard Time' },
          scheduledEndDateTime: { dateTime: '2031-07-10T18:00:00.0000000', timeZone: 'Europe/Berlin' },
          internalReplyMessage: 'On holiday',
        });
      expect(answer).toMatchObject({
        status: 'scheduled',
        scheduledStartDateTime: { dateTime: '2031-07-01T07:00:00.0000000', timeZone: 'UTC' },
        scheduledEndDateTime: { dateTime: '2031-07-10T16:00:00.0000000', timeZone: 'UTC' },
      });
      const zoned = await fetch(api('/me/mailboxSettings'), {
        headers: { ...auth('carol'), prefer: 'outlook.timezone="Pacific Standard Time"' },
      });
      expect(zoned.headers.get('preference-applied')).toBe('outlook.timezone="Pacific Standard Time"');
      expect(((await zoned.json()) as { automaticRepliesSetting: unknown }).automaticRepliesSetting).toMatchObject({
        scheduledStartDateTime: { dateTime: '2031-07-01T00:00:00.0000000', timeZone: 'Pacific Standard Time' },
      });

      const read = await ewsService(base, address('carol'), PASSWORD).GetUserOofSettings(address('carol'));
      expect(ews.OofState[read.State]).toBe('Scheduled');
      expect(read.Duration.StartTime.TotalMilliSeconds).toBe(Date.parse('2031-07-01T07:00:00Z'));
      expect(read.Duration.EndTime.TotalMilliSeconds).toBe(Date.parse('2031-07-10T16:00:00Z'));
    });

    it('keeps what a partial PATCH does not name, the window included', async () => {
      await as('carol').api('/me/mailboxSettings/automaticRepliesSetting').patch({ status: 'disabled' });
      await expect(replies('carol')).resolves.toMatchObject({
        status: 'disabled',
        internalReplyMessage: 'On holiday',
        scheduledStartDateTime: { dateTime: '2031-07-01T07:00:00.0000000', timeZone: 'UTC' },
      });
      // Back to scheduled without times: the kept window serves.
      await as('carol')
        .api('/me/mailboxSettings')
        .patch({ automaticRepliesSetting: { status: 'scheduled' } });
      await expect(replies('carol')).resolves.toMatchObject({ status: 'scheduled', internalReplyMessage: 'On holiday' });
    });

    it.each([
      ['a status outside the enumeration', '/me/mailboxSettings/automaticRepliesSetting', { status: 'on' }],
      ['an audience outside the enumeration', '/me/mailboxSettings/automaticRepliesSetting', { externalAudience: 'everyone' }],
      ['an unknown property', '/me/mailboxSettings/automaticRepliesSetting', { status: 'disabled', colour: 'red' }],
      ['an unknown property inside mailboxSettings', '/me/mailboxSettings', { automaticRepliesSetting: { mood: 'sunny' } }],
      [
        'a zone nobody knows',
        '/me/mailboxSettings/automaticRepliesSetting',
        { scheduledEndDateTime: { dateTime: '2031-01-01T00:00:00', timeZone: 'Mars/Olympus' } },
      ],
      [
        'a time with an offset',
        '/me/mailboxSettings/automaticRepliesSetting',
        { scheduledEndDateTime: { dateTime: '2031-01-01T00:00:00Z', timeZone: 'UTC' } },
      ],
      ['scheduled without times', '/me/mailboxSettings/automaticRepliesSetting', { status: 'scheduled' }],
      [
        'a start after the end',
        '/me/mailboxSettings/automaticRepliesSetting',
        {
          status: 'scheduled',
          scheduledStartDateTime: { dateTime: '2031-02-01T00:00:00', timeZone: 'UTC' },
          scheduledEndDateTime: { dateTime: '2031-01-01T00:00:00', timeZone: 'UTC' },
        },
      ],
      ['a reply past 32,000 characters', '/me/mailboxSettings/automaticRepliesSetting', { internalReplyMessage: 'x'.repeat(32_001) }],
      ['a status that is no string', '/me/mailboxSettings/automaticRepliesSetting', { status: 1 }],
      ['a body that is no object', '/me/mailboxSettings', ['automaticRepliesSetting']],
      [
        'a mailbox setting Parley does not support',
        '/me/mailboxSettings',
        { language: { locale: 'en-US' }, automaticRepliesSetting: { status: 'alwaysEnabled' } },
      ],
      ['another unsupported one', '/me/mailboxSettings', { workingHours: {} }],
      ['a property mailboxSettings does not have', '/me/mailboxSettings', { holidays: [] }],
    ])('refuses %s with 400 BadRequest, writing nothing', async (_name, path, body) => {
      const before = await replies('percy');
      expect(await graphRefusal(as('percy').api(path).patch(body))).toBe('400 BadRequest');
      await expect(replies('percy')).resolves.toEqual(before);
    });

    it('names the property a refusal is about', async () => {
      const answer = await fetch(api('/me/mailboxSettings'), {
        method: 'PATCH',
        headers: { ...auth('percy'), 'content-type': 'application/json' },
        body: JSON.stringify({ timeZone: 'UTC' }),
      });
      expect(answer.status).toBe(400);
      const { error } = (await answer.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('BadRequest');
      expect(error.message).toContain("'timeZone'");
      expect(error.message).toContain('does not support');
    });

    it("refuses another user's mailbox without the impersonation role, and serves it with the role within its scope", async () => {
      expect(await graphRefusal(as('alice').api('/users/bob@parley.test/mailboxSettings').get())).toBe('403 Authorization_RequestDenied');
      expect(
        await graphRefusal(
          as('alice')
            .api('/users/bob@parley.test/mailboxSettings')
            .patch({ automaticRepliesSetting: { status: 'disabled' } }),
        ),
      ).toBe('403 Authorization_RequestDenied');
      await expect(replies('bob')).resolves.toMatchObject({ status: 'alwaysEnabled' });

      await expect(as('app').api('/users/BOB@parley.test/mailboxSettings/automaticRepliesSetting').get()).resolves.toMatchObject({
        status: 'alwaysEnabled',
        internalReplyMessage: 'Set through EWS',
      });
      await expect(
        as('app')
          .api(`/users/${users['bob'].id}/mailboxSettings`)
          .patch({ automaticRepliesSetting: { status: 'disabled' } }),
      ).resolves.toMatchObject({
        '@odata.context': `${base}/api/v1.0/$metadata#users('${users['bob'].id}')/mailboxSettings`,
        automaticRepliesSetting: { status: 'disabled' },
      });
      await expect(replies('bob')).resolves.toMatchObject({ status: 'disabled', internalReplyMessage: 'Set through EWS' });

      await expect(as('scoped').api('/users/carol@parley.test/mailboxSettings').get()).resolves.toMatchObject({
        automaticRepliesSetting: { status: 'scheduled' },
      });
      expect(await graphRefusal(as('scoped').api('/users/bob@parley.test/mailboxSettings').get())).toBe('403 Authorization_RequestDenied');
      // Only holders of the role learn whether a mailbox exists.
      expect(await graphRefusal(as('app').api('/users/nobody@parley.test/mailboxSettings').get())).toBe('404 Request_ResourceNotFound');
      expect(await graphRefusal(as('app').api('/users/gone@parley.test/mailboxSettings').get())).toBe('404 Request_ResourceNotFound');
      expect(await graphRefusal(as('alice').api('/users/nobody@parley.test/mailboxSettings').get())).toBe(
        '403 Authorization_RequestDenied',
      );
    });

    it('answers 401 with the challenge without credentials or with wrong ones', async () => {
      expect(await graphRefusal(graphClient(base, undefined).api('/me/mailboxSettings').get())).toBe('401 InvalidAuthenticationToken');
      expect(
        await graphRefusal(
          graphClient(base, basicAuthorization(address('alice'), 'wrong'))
            .api('/users?$search="a"')
            .get(),
        ),
      ).toBe('401 InvalidAuthenticationToken');
      const raw = await fetch(api('/me/mailboxSettings'));
      expect(raw.status).toBe(401);
      expect(raw.headers.get('www-authenticate')).toContain('Basic realm="Parley"');
    });
  });

  describe('directory search', () => {
    const search = async (query: string, name = 'alice') =>
      ((await as(name).api(`/users?${query}`).header('ConsistencyLevel', 'eventual').get()) as { value: { mail: string }[] }).value.map(
        (u) => u.mail,
      );

    it("answers enabled users whose name or address contains the text, prefixes first, in Graph's user shape", async () => {
      const answer = (await as('bob').api('/users').search('"ali"').get()) as Record<string, unknown>;
      expect(answer).toEqual({
        '@odata.context': `${base}/api/v1.0/$metadata#users`,
        value: [{ id: users['alice'].id, displayName: 'Alice Liddell', mail: 'alice@parley.test', userPrincipalName: 'alice@parley.test' }],
      });
      // Case-insensitive; the disabled Alice Gone never; substrings (Builder, Danvers, Percy) by display name.
      await expect(search('$search="ALICE"')).resolves.toEqual(['alice@parley.test']);
      await expect(search('$search="er"')).resolves.toEqual(['bob@parley.test', 'carol@parley.test', 'percy@parley.test']);
      // Prefixes of the address or of a word of the name first.
      await expect(search('$search="sc"')).resolves.toEqual(['app@parley.test', 'scoped@parley.test']);
      await expect(search('$search="app"')).resolves.toEqual(['app@parley.test', 'scoped@parley.test']);
      await expect(search('$search="displayName:scoped"&$select=displayName')).resolves.toEqual(['scoped@parley.test']);
    });

    it('bounds the answer by $top (default 10, at most 25) and refuses anything else', async () => {
      await expect(search('$search="parley"&$top=2')).resolves.toHaveLength(2);
      await expect(search('$search="parley"')).resolves.toHaveLength(6);
      for (const query of ['$search="a"&$top=0', '$search="a"&$top=26', '$search=""', '$search=a', '', '$search="a"&$orderby=mail']) {
        expect(await graphRefusal(as('alice').api(`/users?${query}`).get())).toBe('400 BadRequest');
      }
    });

    it('takes % and _ literally', async () => {
      await expect(search(`$search=${encodeURIComponent('"100%"')}`)).resolves.toEqual(['percy@parley.test']);
      await expect(search(`$search=${encodeURIComponent('"%"')}`)).resolves.toEqual(['percy@parley.test']);
      await expect(search('$search="_"')).resolves.toEqual([]);
    });
  });

  describe('one /api/v1.0 for both parts', () => {
    it("serves presence beside mailboxSettings: neither controller's catch-all swallows the other's routes", async () => {
      await expect(as('alice').api('/me/presence').get()).resolves.toMatchObject({ id: users['alice'].id });
      await expect(
        as('alice')
          .api('/communications/getPresencesByUserId')
          .post({ ids: ['bob@parley.test'] }),
      ).resolves.toMatchObject({
        value: [{ id: users['bob'].id }],
      });
      const wrongMethod = await fetch(api('/me/mailboxSettings'), { method: 'DELETE', headers: auth('alice') });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('GET, PATCH');
      const unknown = await fetch(api('/me/mailboxSettings/language'), { headers: auth('alice') });
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('BadRequest');
      const presenceWrongMethod = await fetch(api('/me/presence'), { method: 'PATCH', headers: auth('alice') });
      expect([presenceWrongMethod.status, presenceWrongMethod.headers.get('allow')]).toEqual([405, 'GET']);
    });

    it('lists both parts in the one OpenAPI document', async () => {
      const document = (await (await fetch(api('/openapi.json'))).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/users/{id}/presence',
          '/users/{id}/mailboxSettings',
          '/users/{id}/mailboxSettings/automaticRepliesSetting',
          '/users',
        ]),
      );
    });
  });
});
