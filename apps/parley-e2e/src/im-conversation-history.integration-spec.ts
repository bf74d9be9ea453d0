// IM conversation history end to end, as a Lync-style client and an EWS application meet it: two
// users chat over the presence WebSocket (the `ws` package, signed in with Basic), the conversation
// goes idle, and each finds it in the Conversation History folder with ews-javascript-api's FindItem;
// an IM to a user with no client leaves a missed-conversation notice in that user's Inbox. The
// embedded composition runs in this process — presence-bridge, voicemail-ingest, calendar-sync and
// ews-gateway in one Nest app on the in-process bus and a fresh PostgreSQL database.
import type { INestApplication } from '@nestjs/common';
import { startParleyApp } from '@parley/bootstrap';
import { calendarSyncService } from '@parley/calendar-sync/service';
import { embeddedEnvSchema, parleyVersion, parseEnv, toRuntimeConfig } from '@parley/config';
import { DirectoryRepository } from '@parley/directory';
import { ewsGatewayService } from '@parley/ews-gateway/service';
import { presenceBridgeService } from '@parley/presence-bridge/service';
import { basicAuthorization, createTestDatabase, freePort, waitFor } from '@parley/testing';
import { voicemailIngestService } from '@parley/voicemail-ingest/service';
import * as ews from 'ews-javascript-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ewsService, useNodeXhr } from './ews-embedded';
import { PresenceSocketClient } from './presence-socket-client';

const PASSWORD = 'im-history-pw';
const IDLE_MS = 2_000;
const address = (name: string) => `${name}@parley.test`;

describe('IM conversation history in the mailbox (embedded composition, presence WebSocket → EWS)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  let app: INestApplication;
  let base: string;
  const sockets: PresenceSocketClient[] = [];

  const connect = async (name: string) => {
    const socket = await PresenceSocketClient.connect(
      `${base.replace(/^http:/, 'ws:')}/presence`,
      basicAuthorization(address(name), PASSWORD),
    );
    sockets.push(socket);
    return socket;
  };
  const as = (name: string) => ewsService(base, address(name), PASSWORD);
  const itemsIn = async (name: string, folder: ews.WellKnownFolderName) => {
    const found = await as(name).FindItems(new ews.FolderId(folder), new ews.ItemView(20));
    return found.Items;
  };
  const boundIn = async (name: string, folder: ews.WellKnownFolderName, count: number) => {
    const items = await waitFor(
      async () => {
        const found = await itemsIn(name, folder);
        return found.length >= count ? found : undefined;
      },
      { timeoutMs: IDLE_MS + 15_000, intervalMs: 250, what: `${count} item(s) in ${address(name)}'s ${ews.WellKnownFolderName[folder]}` },
    );
    return Promise.all(
      items.map((i) => ews.EmailMessage.Bind(as(name), i.Id, new ews.PropertySet(ews.BasePropertySet.FirstClassProperties))),
    );
  };

  beforeAll(async () => {
    useNodeXhr();
    database = await createTestDatabase('im_history_e2e');
    dataDir = await mkdtemp(join(tmpdir(), 'parley-im-history-'));
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
      PARLEY_ID_SECRET: 'i'.repeat(43),
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS: '0',
      PARLEY_PRESENCE_IM_CONVERSATION_IDLE_MS: String(IDLE_MS),
      PARLEY_PRESENCE_TIMER_POLL_MAX_MS: '250',
    });
    const services = [calendarSyncService, voicemailIngestService, presenceBridgeService, ewsGatewayService];
    const config = toRuntimeConfig('parley', parleyVersion, env, { services: services.map((s) => s.name), requireDatabaseUrl: true });
    app = await startParleyApp({ config, services, databaseUrl: database.url, migrate: true });
    base = `http://127.0.0.1:${port}`;
    const directory = app.get(DirectoryRepository);
    for (const [name, displayName] of [
      ['alice', 'Alice Liddell'],
      ['bob', 'Bob Builder'],
      ['carol', 'Carol Chen'],
    ]) {
      await directory.add({ smtpAddress: address(name), displayName, password: PASSWORD });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await app?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("a chat that goes idle lands in both users' Conversation History; an IM to an offline user leaves a missed notice in their Inbox", async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    expect(await alice.request('send-im', { clientMessageId: 'a1', to: address('bob'), text: 'Release notes ready?' })).toEqual(
      expect.objectContaining({ type: 'im-delivered' }),
    );
    await bob.next((m) => m.type === 'im' && m['text'] === 'Release notes ready?');
    expect(await bob.request('send-im', { clientMessageId: 'b1', to: address('alice'), text: 'Almost — 5 minutes <promise>' })).toEqual(
      expect.objectContaining({ type: 'im-delivered' }),
    );
    // Carol has no client: the IM fails as offline and she is told in her Inbox.
    expect(
      await alice.request('send-im', { clientMessageId: 'a2', to: address('carol'), text: 'Can you review the release notes?' }),
    ).toEqual(expect.objectContaining({ type: 'im-failed', reason: 'recipient-offline' }));
    const sentAt = Date.now();
    // Nothing is filed while the conversation may still go on.
    expect(await itemsIn('alice', ews.WellKnownFolderName.ConversationHistory)).toEqual([]);

    // Alice has two conversations (with Bob, and with Carol who missed it); both end about together.
    for (const [name, count] of [
      ['alice', 2],
      ['bob', 1],
    ] as const) {
      const history = await boundIn(name, ews.WellKnownFolderName.ConversationHistory, count);
      const item = history.find((i) => i.Subject === 'Release notes ready?') as ews.EmailMessage;
      expect(item).toBeDefined();
      expect(item.ItemClass).toBe('IPM.Note.Microsoft.Conversation');
      expect(item.Subject).toBe('Release notes ready?');
      expect(item.From.Address).toBe(address('alice'));
      expect(item.From.Name).toBe('Alice Liddell');
      expect(item.ToRecipients._getItem(0).Address).toBe(address('bob'));
      expect(item.IsRead).toBe(true);
      expect(item.Body.BodyType).toBe(ews.BodyType.HTML);
      expect(item.Body.Text).toContain('Bob Builder');
      expect(item.Body.Text).toContain('Almost — 5 minutes &lt;promise&gt;');
    }
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(IDLE_MS - 500);

    // Alice keeps her side of the conversation with Carol; Carol gets the notice, not a history item.
    const aliceHistory = await boundIn('alice', ews.WellKnownFolderName.ConversationHistory, 2);
    expect(aliceHistory.map((i) => i.Subject).sort()).toEqual(['Can you review the release notes?', 'Release notes ready?']);
    const [notice] = await boundIn('carol', ews.WellKnownFolderName.Inbox, 1);
    expect(notice.ItemClass).toBe('IPM.Note.Microsoft.Missed');
    expect(notice.Subject).toBe('Missed conversation with Alice Liddell');
    expect(notice.From.Address).toBe(address('alice'));
    expect(notice.IsRead).toBe(false);
    expect(notice.Body.Text).toContain('Can you review the release notes?');
    expect(await itemsIn('carol', ews.WellKnownFolderName.ConversationHistory)).toEqual([]);
    expect(await itemsIn('bob', ews.WellKnownFolderName.Inbox)).toEqual([]);
    for (const socket of sockets) expect(socket.violations).toEqual([]);
  });
});
