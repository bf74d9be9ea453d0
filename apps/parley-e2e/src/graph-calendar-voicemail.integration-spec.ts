// The calendar glance and voicemail of the web client, in the mailbox part of the Graph-compatible
// API (ews-gateway), as Graph applications and a browser's <audio> element meet them: Microsoft's
// JavaScript Graph client for the JSON, plain fetch where headers and bytes matter, against the
// embedded composition run in this process — calendar-sync, voicemail-ingest, presence-bridge and
// ews-gateway in one Nest app on the in-process bus and a fresh PostgreSQL database (the
// PostgreSQL blob store, 256 KiB chunks). Meetings are made with EWS (ews-javascript-api); the
// voicemail arrives through the HTTP voicemail drop, the real deposit path of a PBX.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { INestApplication } from '@nestjs/common';
import { startParleyApp } from '@parley/bootstrap';
import { calendarSyncService } from '@parley/calendar-sync/service';
import { embeddedEnvSchema, parleyVersion, parseEnv, toRuntimeConfig } from '@parley/config';
import { encodeMessageId } from '@parley/contracts';
import { DirectoryRepository, Roles, type DirectoryUser } from '@parley/directory';
import { ewsGatewayService } from '@parley/ews-gateway/service';
import { presenceBridgeService } from '@parley/presence-bridge/service';
import { basicAuthorization, createTestDatabase, freePort, graphClient, wavRecording, graphRefusal } from '@parley/testing';
import { PbxApiKeyService } from '@parley/voicemail-ingest/feature-http-drop';
import { voicemailIngestService } from '@parley/voicemail-ingest/service';
import * as ews from 'ews-javascript-api';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ewsService, useNodeXhr } from './ews-embedded';

const PASSWORD = 'graph-calendar-pw';
const HOUR = 3_600_000;
// Tuesday 6 May 2031, the day the calendar cases look at (UTC).
const DAY_START = Date.UTC(2031, 4, 6);
const DAY_END = DAY_START + 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const VOICEMAIL_PROPERTIES =
  "singleValueExtendedProperties($filter=id eq 'Integer 0x6801' or id eq 'String 0x6802' or id eq 'String 0x6803' or id eq 'String 0x6805')";

interface GraphEvent {
  id: string;
  subject: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  isAllDay: boolean;
  showAs: string;
  type: string;
  location: { displayName: string };
  organizer: { emailAddress: { name: string; address: string } };
  isOrganizer: boolean;
  isCancelled: boolean;
  seriesMasterId: string | null;
}

interface GraphMessage {
  id: string;
  subject: string;
  isRead: boolean;
  hasAttachments: boolean;
  from: { emailAddress: { address: string } } | null;
  singleValueExtendedProperties?: { id: string; value: string }[];
}

describe('Graph calendarView and voicemail messages, beside EWS and the voicemail drop in one process', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  let app: INestApplication;
  let base: string;
  let pbxKey: string;
  const users: Record<string, DirectoryUser> = {};
  const address = (name: string) => `${name}@parley.test`;
  const as = (name: string): Client => graphClient(base, basicAuthorization(address(name), PASSWORD));
  const api = (path: string) => `${base}/api/v1.0${path}`;
  const auth = (name: string) => ({ authorization: basicAuthorization(address(name), PASSWORD) });

  beforeAll(async () => {
    useNodeXhr();
    database = await createTestDatabase('graph_calendar_voicemail');
    dataDir = await mkdtemp(join(tmpdir(), 'parley-graph-voicemail-'));
    const port = await freePort();
    const env = parseEnv(embeddedEnvSchema(), {
      DATABASE_URL: database.url,
      PARLEY_DATA_DIR: dataDir,
      PARLEY_MAILBOX_BLOB_STORE: 'postgres',
      PARLEY_HTTP_PORT: String(port),
      PARLEY_METRICS_PORT: '0',
      PARLEY_SIP_TCP_PORT: '0',
      PARLEY_SMTP_SUBMISSION_PORT: '0',
      PARLEY_SMTP_IMPLICIT_TLS_PORT: '0',
      PARLEY_SMTP_RELAY_PORT: '0',
      PARLEY_ID_SECRET: 'v'.repeat(43),
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS: '0',
    });
    const services = [calendarSyncService, voicemailIngestService, presenceBridgeService, ewsGatewayService];
    const config = toRuntimeConfig('parley', parleyVersion, env, { services: services.map((s) => s.name), requireDatabaseUrl: true });
    app = await startParleyApp({ config, services, databaseUrl: database.url, migrate: true });
    base = `http://127.0.0.1:${port}`;
    const directory = app.get(DirectoryRepository);
    for (const [name, displayName] of [
      ['alice', 'Alice Liddell'],
      ['bob', 'Bob Builder'],
      ['app', 'Scheduling App'],
    ]) {
      users[name] = await directory.add({ smtpAddress: address(name), displayName, password: PASSWORD });
    }
    await directory.grantRole(address('app'), Roles.applicationImpersonation);
    pbxKey = (await app.get(PbxApiKeyService, { strict: false }).issue('graph-spec-pbx')).key;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  describe('calendarView', () => {
    const view = async (name: string, query: string, headers: Record<string, string> = {}) => {
      const response = await fetch(api(`/me/calendarView?${query}`), { headers: { ...auth(name), ...headers } });
      return { response, body: (await response.json()) as { value: GraphEvent[]; '@odata.nextLink'?: string; '@odata.context': string } };
    };
    const day = `startDateTime=${iso(DAY_START)}&endDateTime=${iso(DAY_END)}`;

    beforeAll(async () => {
      const alice = ewsService(base, address('alice'), PASSWORD);
      const save = async (subject: string, start: number, end: number, set: (a: ews.Appointment) => void = () => undefined) => {
        const appointment = new ews.Appointment(alice);
        appointment.Subject = subject;
        appointment.Start = new ews.DateTime(start);
        appointment.End = new ews.DateTime(end);
        set(appointment);
        await appointment.Save(ews.SendInvitationsMode.SendToNone);
      };
      await save('Standup', DAY_START + 9 * HOUR, DAY_START + 9.5 * HOUR, (a) => (a.Location = 'Room 1'));
      await save('Design review', DAY_START + 13 * HOUR, DAY_START + 14 * HOUR, (a) => {
        a.LegacyFreeBusyStatus = ews.LegacyFreeBusyStatus.Tentative;
        a.RequiredAttendees.Add(address('bob'));
      });
      await save('Holiday', DAY_START, DAY_END, (a) => {
        a.IsAllDayEvent = true;
        a.LegacyFreeBusyStatus = ews.LegacyFreeBusyStatus.OOF;
      });
      // Window edges: one ending as the window starts, one starting as it ends — neither overlaps.
      await save('Late yesterday', DAY_START - HOUR, DAY_START);
      await save('Early tomorrow', DAY_END, DAY_END + HOUR);
      await save('Daily', DAY_START - 16 * HOUR, DAY_START - 15.5 * HOUR, (a) => {
        const pattern = new ews.Recurrence.DailyPattern();
        pattern.StartDate = new ews.DateTime(DAY_START - 16 * HOUR);
        pattern.Interval = 1;
        pattern.NumberOfOccurrences = 5;
        a.Recurrence = pattern;
      });
    });

    it("lists the day's events in Graph's event shape, series expanded into occurrences, by start, in UTC", async () => {
      const answer = (await as('alice')
        .api('/me/calendarView')
        .query({ startDateTime: iso(DAY_START), endDateTime: iso(DAY_END) })
        .get()) as {
        '@odata.context': string;
        value: GraphEvent[];
      };
      expect(answer['@odata.context']).toBe(`${base}/api/v1.0/$metadata#users('${users['alice'].id}')/calendarView`);
      expect(answer.value.map((e) => e.subject)).toEqual(['Holiday', 'Daily', 'Standup', 'Design review']);
      const [holiday, daily, standup, review] = answer.value;
      expect(holiday).toMatchObject({
        isAllDay: true,
        showAs: 'oof',
        type: 'singleInstance',
        start: { dateTime: '2031-05-06T00:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2031-05-07T00:00:00.0000000', timeZone: 'UTC' },
      });
      expect(daily).toMatchObject({
        type: 'occurrence',
        start: { dateTime: '2031-05-06T08:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2031-05-06T08:30:00.0000000', timeZone: 'UTC' },
        seriesMasterId: expect.any(String),
      });
      expect(standup).toEqual({
        id: expect.any(String),
        changeKey: expect.any(String),
        createdDateTime: expect.any(String),
        lastModifiedDateTime: expect.any(String),
        subject: 'Standup',
        start: { dateTime: '2031-05-06T09:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2031-05-06T09:30:00.0000000', timeZone: 'UTC' },
        isAllDay: false,
        showAs: 'busy',
        sensitivity: 'normal',
        location: { displayName: 'Room 1' },
        organizer: { emailAddress: { name: expect.any(String), address: 'alice@parley.test' } },
        isOrganizer: true,
        isCancelled: false,
        type: 'singleInstance',
        seriesMasterId: null,
      });
      expect(review).toMatchObject({ showAs: 'tentative', location: { displayName: '' } });
      // The occurrence's id is the one EWS's CalendarView lists: GetItem on it answers that occurrence.
      const bound = await ews.Appointment.Bind(ewsService(base, address('alice'), PASSWORD), new ews.ItemId(daily.id));
      expect([ews.AppointmentType[bound.AppointmentType], bound.Start.TotalMilliSeconds]).toEqual(['Occurrence', DAY_START + 8 * HOUR]);
    });

    it('answers in the zone Prefer names, reads offset-less bounds in it, and serves …/calendar/calendarView alike', async () => {
      const { response, body } = await view('alice', 'startDateTime=2031-05-06T02:00:00&endDateTime=2031-05-07T02:00:00', {
        prefer: 'outlook.timezone="W. Europe Standard Time"',
      });
      expect(response.headers.get('preference-applied')).toBe('outlook.timezone="W. Europe Standard Time"');
      // 02:00 in Berlin (CEST) is midnight UTC: the same day.
      expect(body.value.map((e) => e.subject)).toEqual(['Holiday', 'Daily', 'Standup', 'Design review']);
      expect(body.value[2].start).toEqual({ dateTime: '2031-05-06T11:00:00.0000000', timeZone: 'W. Europe Standard Time' });
      // An all-day event stays on its dates.
      expect(body.value[0].start).toEqual({ dateTime: '2031-05-06T00:00:00.0000000', timeZone: 'W. Europe Standard Time' });
      const other = await fetch(api(`/me/calendar/calendarView?${day}`), { headers: auth('alice') });
      expect(((await other.json()) as { value: GraphEvent[] }).value).toHaveLength(4);
    });

    it('pages by $top with @odata.nextLink ($skip), 10 by default as Graph', async () => {
      const first = await view('alice', `${day}&$top=3`);
      expect(first.body.value.map((e) => e.subject)).toEqual(['Holiday', 'Daily', 'Standup']);
      const next = first.body['@odata.nextLink'] as string;
      expect(next).toBe(`${base}/api/v1.0/me/calendarView?${day.replace(/:/g, '%3A')}&%24top=3&%24skip=3`);
      const second = (await (await fetch(next, { headers: auth('alice') })).json()) as { value: GraphEvent[]; '@odata.nextLink'?: string };
      expect(second.value.map((e) => e.subject)).toEqual(['Design review']);
      expect(second['@odata.nextLink']).toBeUndefined();
      const week = await view('alice', `startDateTime=${iso(DAY_START - 2 * 24 * HOUR)}&endDateTime=${iso(DAY_START + 7 * 24 * HOUR)}`);
      // Ten in the week (five occurrences, five single items): one default page, nothing after it.
      expect(week.body.value).toHaveLength(10);
      expect(week.body['@odata.nextLink']).toBeUndefined();
      const nine = await view(
        'alice',
        `startDateTime=${iso(DAY_START - 2 * 24 * HOUR)}&endDateTime=${iso(DAY_START + 7 * 24 * HOUR)}&$top=9`,
      );
      expect(nine.body['@odata.nextLink']).toContain('%24skip=9');
      expect((await view('alice', `startDateTime=${iso(DAY_START - 2 * 24 * HOUR)}&endDateTime=${iso(DAY_END)}`)).body.value).toHaveLength(
        6,
      );
    });

    it("shows another user's calendar only with the impersonation role", async () => {
      await expect(
        as('app')
          .api('/users/alice@parley.test/calendarView')
          .query({ startDateTime: iso(DAY_START), endDateTime: iso(DAY_END) })
          .get(),
      ).resolves.toMatchObject({
        value: expect.arrayContaining([expect.objectContaining({ subject: 'Standup', isOrganizer: true })]),
      });
      expect(
        await graphRefusal(
          as('bob')
            .api('/users/alice@parley.test/calendarView')
            .query({ startDateTime: iso(DAY_START), endDateTime: iso(DAY_END) })
            .get(),
        ),
      ).toBe('403 Authorization_RequestDenied');
      await expect(
        as('bob')
          .api('/me/calendarView')
          .query({ startDateTime: iso(DAY_START), endDateTime: iso(DAY_END) })
          .get(),
      ).resolves.toMatchObject({ value: [] });
    });

    it.each([
      ['no window', ''],
      ['no end', `startDateTime=${iso(DAY_START)}`],
      ['no start', `endDateTime=${iso(DAY_END)}`],
      ['an end before the start', `startDateTime=${iso(DAY_END)}&endDateTime=${iso(DAY_START)}`],
      ['a date that is no date', 'startDateTime=tomorrow&endDateTime=2031-05-07T00:00:00Z'],
      ['a window over 62 days', `startDateTime=${iso(DAY_START)}&endDateTime=${iso(DAY_START + 63 * 24 * HOUR)}`],
      ['$top past 1000', `${day}&$top=1001`],
      ['a $filter', `${day}&$filter=subject eq 'Standup'`],
    ])('refuses %s with 400 BadRequest', async (_name, query) => {
      const { response, body } = await view('alice', query);
      expect(response.status).toBe(400);
      expect((body as unknown as { error: { code: string } }).error.code).toBe('BadRequest');
    });
  });

  describe('voicemail', () => {
    // Larger than one 256 KiB chunk of the store and of the bus reads.
    const audio = wavRecording(300_000);
    let messageId: string;
    let attachmentId: string;
    let etag: string;

    const content = (name: string, headers: Record<string, string> = {}, method = 'GET') =>
      fetch(api(`/me/messages/${messageId}/attachments/${attachmentId}/$value`), { method, headers: { ...auth(name), ...headers } });
    const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());
    const voicemailFolder = async (name = 'alice') =>
      (await as(name).api('/me/mailFolders/voicemail/messages').query({ $count: 'true' }).get()) as {
        '@odata.count': number;
        value: GraphMessage[];
      };

    beforeAll(async () => {
      const body = new FormData();
      body.append(
        'metadata',
        JSON.stringify({ recipients: [address('alice')], callerNumber: '+4930123456', callerName: 'Vera Voice', durationSeconds: 18 }),
      );
      body.append('audio', new Blob([audio], { type: 'audio/wav' }), 'msg0001.wav');
      const dropped = await fetch(`${base}/api/v1.0/voicemail`, { method: 'POST', body, headers: { authorization: `Bearer ${pbxKey}` } });
      expect(dropped.status).toBe(201);
      messageId = ((await dropped.json()) as { items: { itemId: string }[] }).items[0].itemId;
    });

    it('lists the voicemail in mailFolders/voicemail with its caller and duration as extended properties', async () => {
      const answer = (await as('alice')
        .api('/me/mailFolders/voicemail/messages')
        .query({ $count: 'true' })
        .expand(VOICEMAIL_PROPERTIES)
        .get()) as { '@odata.context': string; '@odata.count': number; value: GraphMessage[] };
      expect(answer['@odata.context']).toBe(`${base}/api/v1.0/$metadata#users('${users['alice'].id}')/mailFolders('voicemail')/messages`);
      expect(answer['@odata.count']).toBe(1);
      expect(answer.value).toHaveLength(1);
      expect(answer.value[0]).toMatchObject({
        id: messageId,
        subject: 'Voice Mail from Vera Voice (18 seconds)',
        isRead: false,
        hasAttachments: true,
        importance: 'normal',
        receivedDateTime: expect.any(String),
        toRecipients: [{ emailAddress: { address: 'alice@parley.test' } }],
      });
      // The list has no attachment names, so the recording's file name (0x6805) is the single message's.
      expect(answer.value[0].singleValueExtendedProperties).toEqual([
        { id: 'Integer 0x6801', value: '18' },
        { id: 'String 0x6802', value: '+4930123456' },
        { id: 'String 0x6803', value: 'Vera Voice' },
      ]);
      // The Inbox holds it too; without $expand no extended properties.
      const inbox = (await as('alice').api('/me/mailFolders/Inbox/messages').get()) as { value: GraphMessage[] };
      expect(inbox.value.map((m) => m.id)).toEqual([messageId]);
      expect(inbox.value[0].singleValueExtendedProperties).toBeUndefined();

      const one = (await as('alice').api(`/me/messages/${messageId}`).expand(VOICEMAIL_PROPERTIES).get()) as GraphMessage & {
        '@odata.context': string;
      };
      expect(one['@odata.context']).toBe(`${base}/api/v1.0/$metadata#users('${users['alice'].id}')/messages/$entity`);
      expect(one.singleValueExtendedProperties).toContainEqual({ id: 'String 0x6805', value: 'msg0001.wav' });
    });

    it('lists the attachments without their bytes', async () => {
      const answer = (await as('alice').api(`/me/messages/${messageId}/attachments`).get()) as { value: Record<string, unknown>[] };
      expect(answer.value).toEqual([
        {
          '@odata.type': '#microsoft.graph.fileAttachment',
          id: expect.any(String),
          name: 'msg0001.wav',
          contentType: expect.stringMatching(/^audio\/wav/),
          size: audio.length,
          isInline: false,
          contentId: null,
        },
      ]);
      attachmentId = answer.value[0]['id'] as string;
    });

    it('answers the whole recording from $value, byte for byte, with the headers an <audio> element needs; HEAD reads none', async () => {
      const whole = await content('alice');
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toMatch(/^audio\/wav/);
      expect(whole.headers.get('content-length')).toBe(String(audio.length));
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      etag = whole.headers.get('etag') as string;
      expect(etag).toBe(`"${attachmentId}"`);
      expect((await bytes(whole)).equals(audio)).toBe(true);

      const head = await content('alice', {}, 'HEAD');
      expect([head.status, head.headers.get('content-length'), head.headers.get('accept-ranges')]).toEqual([
        200,
        String(audio.length),
        'bytes',
      ]);
      expect((await bytes(head)).length).toBe(0);
      const notModified = await content('alice', { 'if-none-match': etag });
      expect(notModified.status).toBe(304);
    });

    it.each([
      ['bytes=0-99', 0, 100],
      ['bytes=100-', 100, 300_000],
      ['bytes=-50', 299_950, 300_000],
      // Across the first 256 KiB chunk boundary (262,144).
      ['bytes=262000-262300', 262_000, 262_301],
      ['bytes=299990-400000', 299_990, 300_000],
    ])('answers %s with 206 and exactly those bytes', async (range, start, end) => {
      const partial = await content('alice', { range });
      expect(partial.status).toBe(206);
      expect(partial.headers.get('content-range')).toBe(`bytes ${start}-${end - 1}/${audio.length}`);
      expect(partial.headers.get('content-length')).toBe(String(end - start));
      expect((await bytes(partial)).equals(audio.subarray(start, end))).toBe(true);
    });

    it('answers a range past the end 416 with the size, several ranges and a stale If-Range with the whole recording', async () => {
      const unsatisfiable = await content('alice', { range: `bytes=${audio.length}-` });
      expect(unsatisfiable.status).toBe(416);
      expect(unsatisfiable.headers.get('content-range')).toBe(`bytes */${audio.length}`);
      expect(((await unsatisfiable.json()) as { error: { code: string } }).error.code).toBe('RequestedRangeNotSatisfiable');

      const several = await content('alice', { range: 'bytes=0-9,20-29' });
      expect(several.status).toBe(200);
      expect((await bytes(several)).equals(audio)).toBe(true);

      const stale = await content('alice', { range: 'bytes=0-9', 'if-range': '"another"' });
      expect(stale.status).toBe(200);
      expect((await bytes(stale)).length).toBe(audio.length);
      const current = await content('alice', { range: 'bytes=0-9', 'if-range': etag });
      expect(current.status).toBe(206);
    });

    it("keeps another user's message from them (404), and shows it with the impersonation role", async () => {
      expect(await graphRefusal(as('bob').api(`/me/messages/${messageId}`).get())).toBe('404 ErrorItemNotFound');
      expect(await graphRefusal(as('bob').api(`/me/messages/${messageId}/attachments`).get())).toBe('404 ErrorItemNotFound');
      const theirs = await content('bob');
      expect(theirs.status).toBe(404);
      expect(await graphRefusal(as('bob').api(`/users/alice@parley.test/messages/${messageId}`).get())).toBe(
        '403 Authorization_RequestDenied',
      );
      await expect(as('app').api(`/users/alice@parley.test/messages/${messageId}`).get()).resolves.toMatchObject({ id: messageId });
      const viaApp = await fetch(api(`/users/alice@parley.test/messages/${messageId}/attachments/${attachmentId}/$value`), {
        headers: { ...auth('app'), range: 'bytes=0-3' },
      });
      expect([viaApp.status, (await bytes(viaApp)).toString('latin1')]).toEqual([206, 'RIFF']);
    });

    it('answers an unknown message 404 and an id that is none 400', async () => {
      const unknown = encodeMessageId(address('alice'), randomUUID());
      expect(await graphRefusal(as('alice').api(`/me/messages/${unknown}`).get())).toBe('404 ErrorItemNotFound');
      expect(await graphRefusal(as('alice').api('/me/messages/not-an-id').get())).toBe('400 ErrorInvalidIdMalformed');
      expect(await graphRefusal(as('alice').api('/me/mailFolders/archive/messages').get())).toBe('400 ErrorInvalidIdMalformed');
      expect(await graphRefusal(as('alice').api('/me/mailFolders/voicemail/messages').query({ $filter: 'isRead eq false' }).get())).toBe(
        '400 BadRequest',
      );
      expect(await graphRefusal(as('alice').api(`/me/messages/${messageId}`).expand('attachments').get())).toBe('400 BadRequest');
    });

    it('marks it read and unread with PATCH (isRead only); EWS and the counts see it', async () => {
      await expect(as('alice').api(`/me/messages/${messageId}`).patch({ isRead: true })).resolves.toMatchObject({
        id: messageId,
        isRead: true,
      });
      const alice = ewsService(base, address('alice'), PASSWORD);
      expect((await ews.EmailMessage.Bind(alice, new ews.ItemId(messageId))).IsRead).toBe(true);
      expect((await ews.Folder.Bind(alice, ews.WellKnownFolderName.VoiceMail)).UnreadCount).toBe(0);
      await expect(as('alice').api(`/me/messages/${messageId}`).patch({ isRead: false, '@odata.etag': 'W/"x"' })).resolves.toMatchObject({
        isRead: false,
      });
      expect((await ews.Folder.Bind(alice, ews.WellKnownFolderName.VoiceMail)).UnreadCount).toBe(1);
      await expect(voicemailFolder()).resolves.toMatchObject({ value: [{ isRead: false }] });

      expect(await graphRefusal(as('alice').api(`/me/messages/${messageId}`).patch({ subject: 'Renamed' }))).toBe('400 BadRequest');
      expect(await graphRefusal(as('alice').api(`/me/messages/${messageId}`).patch({ isRead: 'yes' }))).toBe('400 BadRequest');
      expect(await graphRefusal(as('bob').api(`/me/messages/${messageId}`).patch({ isRead: true }))).toBe('404 ErrorItemNotFound');
    });

    it('pages a folder with $top and @odata.nextLink', async () => {
      const page = (await as('alice').api('/me/mailFolders/inbox/messages').top(1).skip(1).get()) as {
        value: unknown[];
        '@odata.nextLink'?: string;
      };
      expect(page.value).toEqual([]);
      const first = await fetch(api('/me/mailFolders/voicemail/messages?$top=1'), { headers: auth('alice') });
      expect(((await first.json()) as { '@odata.nextLink'?: string })['@odata.nextLink']).toBeUndefined();
    });

    it('DELETE moves it to Deleted Items (204), a second DELETE removes it', async () => {
      const deleted = await fetch(api(`/me/messages/${messageId}`), { method: 'DELETE', headers: auth('alice') });
      expect(deleted.status).toBe(204);
      expect(deleted.headers.get('content-type')).toBeNull();
      await expect(voicemailFolder()).resolves.toMatchObject({ '@odata.count': 0, value: [] });
      const bin = (await as('alice').api('/me/mailFolders/deleteditems/messages').get()) as { value: GraphMessage[] };
      expect(bin.value.map((m) => m.id)).toEqual([messageId]);
      await as('alice').api(`/me/messages/${messageId}`).delete();
      expect(await graphRefusal(as('alice').api(`/me/messages/${messageId}`).get())).toBe('404 ErrorItemNotFound');
    });
  });
});
