import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  contentChunkReplySchema,
  deleteMessageReplySchema,
  findMessagesReplySchema,
  mailboxCountsReplySchema,
  markAllReadReplySchema,
  messageViewSchema,
  Topics,
} from '@parley/contracts';
import { AuthModule } from '@parley/auth';
import { DirectoryModule, DirectoryRepository, seedDemoUsers } from '@parley/directory';
import { CommandBus, CommandRefusedError, MessagingModule, MessagingTransport } from '@parley/messaging';
import { ObservabilityModule } from '@parley/observability';
import { createTestDatabase, ensureDebianPackages, freePort, SmtpSink, testAuthConfig, waitFor } from '@parley/testing';
import { VoicemailIngestDatabase } from '@parley/voicemail-ingest/data-access';
import { MailboxDelivery } from '@parley/voicemail-ingest/feature-mailbox';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { VoicemailIngestModule } from './voicemail-ingest.module';

/**
 * voicemail-ingest as its module wires it, on the in-process bus: the fronts' delivery port and
 * the gateway's commands through the real command bus, replies checked against the contracts as
 * the gateway checks them, events leaving through the outbox relay.
 */
const mailboxTopics = [
  Topics.mailboxMessageFindRequest,
  Topics.mailboxMessageGetRequest,
  Topics.mailboxContentReadRequest,
  Topics.mailboxMessageUpdateRequest,
  Topics.mailboxMessageDeleteRequest,
  Topics.mailboxMessageMoveRequest,
  Topics.mailboxMarkAllReadRequest,
  Topics.mailboxCountsGetRequest,
];
const alice = 'alice@parley.test';
const bob = 'bob@parley.test';

function voicemailMime(audio: Buffer): Buffer {
  return Buffer.from(
    [
      'From: PBX <pbx@pbx.example>',
      `To: ${alice}`,
      'Subject: New voicemail',
      'Date: Tue, 01 Dec 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'You have a new voicemail.',
      '--b1',
      'Content-Type: audio/wav; name="msg.wav"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="msg.wav"',
      '',
      audio.toString('base64'),
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

describe('voicemail-ingest on the in-process bus', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let blobDir: string;
  let app: INestApplication;
  let bus: CommandBus;

  let smtpPort: number;
  let relayPort: number;
  /** Stands in for the outbound smarthost. */
  const smarthost = new SmtpSink();

  beforeAll(async () => {
    await smarthost.start();
    smtpPort = await freePort();
    relayPort = await freePort();
    database = await createTestDatabase('vi_service');
    blobDir = mkdtempSync(path.join(tmpdir(), 'parley-vi-service-'));
    @Module({
      imports: [
        ObservabilityModule.forRoot({ service: 'voicemail-ingest', version: '0.0.0' }),
        MessagingModule.forRoot({
          bus: {
            kind: 'inprocess',
            brokers: [],
            clientId: 'vi-spec',
            groupPrefix: 'vi-spec',
            partitions: 1,
            replicationFactor: 1,
            requestTimeoutMs: 20_000,
          },
          consumerGroup: 'voicemail-ingest',
          instanceId: 'spec',
          requestTopics: mailboxTopics,
          deadLetters: {
            maxAttempts: 2,
            initialBackoffMs: 10,
            retryBudgetMs: 500,
            replayPollMs: 60_000,
            databaseUrl: database.url,
            migrate: true,
          },
        }),
        DirectoryModule.forRoot({ url: database.url, poolSize: 2, migrate: true, service: 'voicemail-ingest' }),
        // The process's one sign-in (the HTTP drop's PBX keys and SMTP AUTH go through its throttle).
        AuthModule.forRoot(testAuthConfig({ maxFailuresPerAccountAddress: 5, maxFailuresPerAddress: 20 })),
        VoicemailIngestModule.forRoot(
          { url: database.url, poolSize: 4, migrate: true, outboxPollMs: 200, outboxBatchSize: 100 },
          {
            blobs: { kind: 'filesystem', directory: blobDir },
            quotaBytes: 50_000_000,
            orphanGraceMs: 60_000,
            sweepIntervalMs: 60_000,
            oofKnownSenderDays: 90,
          },
          {
            drop: {
              maxAudioBytes: 1_000_000,
              maxMetadataBytes: 4096,
              maxParts: 4,
              maxRecipients: 4,
              requestsPerMinute: 60,
              bodyTimeoutMs: 5_000,
            },
            smtp: {
              host: '127.0.0.1',
              submissionPort: smtpPort,
              implicitTlsPort: 0,
              relayPort,
              relayAllowList: ['127.0.0.0/8'],
              proxyProtocolFrom: [],
              hostname: 'mx.parley.test',
              tls: undefined,
              selfSignedDir: path.join(blobDir, 'smtp-tls'),
              maxMessageBytes: 10_000_000,
              maxRecipients: 10,
              maxConnections: 10,
              maxConnectionsPerClient: 10,
              socketTimeoutMs: 10_000,
              maxUnauthenticatedCommands: 10,
            },
          },
          {
            smarthost: { host: '127.0.0.1', port: smarthost.port, tls: 'opportunistic', caFile: undefined, auth: undefined },
            hostname: 'mx.parley.test',
            retryWindowMs: 60_000,
            retryBaseMs: 100,
            retryMaxMs: 1000,
            pollMaxMs: 500,
          },
        ),
      ],
    })
    class SpecModule {}
    app = await NestFactory.create(SpecModule, { logger: ['error'] });
    app.connectMicroservice(app.get(MessagingTransport).microserviceOptions());
    await app.init();
    await app.startAllMicroservices();
    await seedDemoUsers(app.get(DirectoryRepository));
    bus = app.get(CommandBus);
  });

  afterAll(async () => {
    await app?.close();
    await smarthost.stop();
    await database?.drop();
    rmSync(blobDir, { recursive: true, force: true });
  });

  it('stores a delivery under the blob directory and answers every mailbox request within its contract', async () => {
    const delivery = app.get(MailboxDelivery);
    expect(await delivery.checkRecipient('nobody@parley.test', 0)).toEqual({ accepted: false, reason: 'unknown-recipient' });
    expect(await delivery.checkRecipient('Alice@Parley.test', 1000)).toEqual({ accepted: true, mailbox: alice });
    const audio = Buffer.alloc(300_000, 3);
    const raw = voicemailMime(audio);
    const receipt = await delivery.deliver({
      channel: 'submission',
      envelopeFrom: 'pbx@pbx.example',
      recipients: [alice],
      raw,
      submittedBy: alice,
      clientAddress: '127.0.0.1',
    });
    const [{ itemId }] = receipt.deliveries;
    expect(readdirSync(blobDir).filter((d) => d !== 'tmp')).not.toHaveLength(0);

    const page = await bus.request(
      Topics.mailboxMessageFindRequest,
      alice,
      { mailbox: alice, folder: 'voicemail' },
      findMessagesReplySchema,
    );
    expect(page.total).toBe(1);
    const view = await bus.request(Topics.mailboxMessageGetRequest, alice, { mailbox: alice, itemId }, messageViewSchema);
    expect(view.voicemail?.audioAttachmentId).toBe(view.attachments[0].id);

    const chunks: Buffer[] = [];
    for (let offset = 0; offset < audio.length;) {
      const chunk = await bus.request(
        Topics.mailboxContentReadRequest,
        alice,
        { mailbox: alice, content: { kind: 'attachment', attachmentId: view.attachments[0].id }, offset },
        contentChunkReplySchema,
      );
      const bytes = Buffer.from(chunk.data, 'base64');
      chunks.push(bytes);
      offset += bytes.length;
    }
    expect(Buffer.concat(chunks).equals(audio)).toBe(true);

    const read = await bus.request(
      Topics.mailboxMessageUpdateRequest,
      alice,
      { mailbox: alice, itemId, changeKey: view.changeKey, conflictResolution: 'NeverOverwrite', set: { isRead: true } },
      messageViewSchema,
    );
    expect(read.isRead).toBe(true);
    const stale = bus.request(
      Topics.mailboxMessageUpdateRequest,
      alice,
      { mailbox: alice, itemId, changeKey: view.changeKey, conflictResolution: 'NeverOverwrite', set: { isRead: false } },
      messageViewSchema,
    );
    await expect(stale).rejects.toMatchObject({ code: 'Conflict' });
    const unread = await bus.request(
      Topics.mailboxMarkAllReadRequest,
      alice,
      { mailbox: alice, folders: ['inbox'], isRead: false },
      markAllReadReplySchema,
    );
    expect(unread).toEqual({ changed: 1 });
    const moved = await bus.request(
      Topics.mailboxMessageMoveRequest,
      alice,
      { mailbox: alice, itemId, to: 'junkemail' },
      messageViewSchema,
    );
    expect(moved.folder).toBe('junkemail');
    const counts = await bus.request(Topics.mailboxCountsGetRequest, alice, { mailbox: alice }, mailboxCountsReplySchema);
    expect(counts.folders.junkemail).toMatchObject({ total: 1, unread: 1 });
    expect(counts.quota).toEqual({ used: raw.length, limit: 50_000_000 });

    const foreign = bus.request(Topics.mailboxMessageGetRequest, bob, { mailbox: bob, itemId }, messageViewSchema);
    await expect(foreign).rejects.toBeInstanceOf(CommandRefusedError);
    await expect(foreign).rejects.toMatchObject({ code: 'ItemNotFound' });
    const invalid = bus.request(Topics.mailboxMessageFindRequest, alice, { mailbox: alice, folder: 'calendar' }, findMessagesReplySchema);
    await expect(invalid).rejects.toMatchObject({ code: 'InvalidRequest' });

    const deleted = await bus.request(
      Topics.mailboxMessageDeleteRequest,
      alice,
      { mailbox: alice, itemId, disposal: 'HardDelete' },
      deleteMessageReplySchema,
    );
    expect(deleted).toEqual({ id: itemId });

    // Every event left through the outbox relay.
    const outbox = app.get(VoicemailIngestDatabase).dataSource;
    const pending = async () =>
      (
        (await outbox.query(`SELECT count(*)::int AS n FROM voicemail_ingest.outbox_message WHERE published_at IS NULL`)) as { n: number }[]
      )[0].n;
    expect((await outbox.query(`SELECT count(*)::int AS n FROM voicemail_ingest.outbox_message`))[0].n).toBeGreaterThan(5);
    await waitFor(async () => (await pending()) === 0, { timeoutMs: 10_000, what: 'the outbox to drain' });
  });

  it('stores what the SMTP front accepts (submission and relay) in the real store, visible through the bus', async () => {
    const audio = Buffer.alloc(4000, 7);
    const submission = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: bob, pass: 'bob-demo-pw' },
    });
    const asBob = voicemailMime(audio).toString().replace('From: PBX <pbx@pbx.example>', `From: Bob <${bob}>`);
    expect((await submission.sendMail({ envelope: { from: bob, to: [alice] }, raw: asBob })).response).toMatch(/^250 /);
    const relay = nodemailer.createTransport({ host: '127.0.0.1', port: relayPort, tls: { rejectUnauthorized: false } });
    await relay.sendMail({ envelope: { from: 'pbx@pbx.example', to: [alice] }, raw: voicemailMime(audio) });
    await expect(
      relay.sendMail({ envelope: { from: 'pbx@pbx.example', to: ['nobody@parley.test'] }, raw: voicemailMime(audio) }),
    ).rejects.toThrow(/550/);
    const page = await bus.request(Topics.mailboxMessageFindRequest, alice, { mailbox: alice, folder: 'inbox' }, findMessagesReplySchema);
    const fromSmtp = page.items.filter((i) => i.subject === 'New voicemail' && i.voicemail !== null);
    expect(fromSmtp.length).toBeGreaterThanOrEqual(2);
    const view = await bus.request(Topics.mailboxMessageGetRequest, alice, { mailbox: alice, itemId: fromSmtp[0].id }, messageViewSchema);
    expect(view.headers[0]).toMatchObject({ name: expect.stringMatching(/^received$/i) });
  });

  it('relays a signed-in submission to another domain through the outbound queue (swaks), and nobody else', async () => {
    ensureDebianPackages(['swaks', 'libnet-ssleay-perl']);
    const swaks = (port: number, args: string[]) =>
      new Promise<{ exitCode: number; output: string }>((resolve) => {
        execFile(
          'swaks',
          ['--server', '127.0.0.1', '--port', String(port), '--timeout', '15', ...args],
          { timeout: 30_000 },
          (error, stdout, stderr) =>
            resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: `${stdout}${stderr}` }),
        );
      });
    const external = 'partner@elsewhere.test';
    const submitted = await swaks(smtpPort, [
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      bob,
      '--auth-password',
      'bob-demo-pw',
      '--from',
      bob,
      '--to',
      `${external},${alice}`,
      '--header',
      'Subject: to a partner',
    ]);
    expect(submitted.exitCode).toBe(0);
    expect(submitted.output).toMatch(/<~ {1,2}250 2\.6\.0 /);
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'the smarthost to receive the submission' });
    expect(smarthost.received[0]).toMatchObject({ from: bob, to: [external] });
    expect(smarthost.received[0].raw.toString()).toMatch(/Subject: to a partner/);
    // The Parley recipient got her copy from the store as before, not through the smarthost.
    const page = await bus.request(Topics.mailboxMessageFindRequest, alice, { mailbox: alice, folder: 'inbox' }, findMessagesReplySchema);
    expect(page.items.some((i) => i.subject === 'to a partner')).toBe(true);

    // No sign-in on submission: refused before any recipient; the trusted relay never reaches other domains.
    const anonymous = await swaks(smtpPort, ['--tls', '--from', bob, '--to', external, '--header', 'Subject: anonymous']);
    expect(anonymous.exitCode).not.toBe(0);
    expect(anonymous.output).toMatch(/530 5\.7\.0 Authentication required/);
    const relayed = await swaks(relayPort, ['--from', 'pbx@pbx.example', '--to', external, '--header', 'Subject: open relay?']);
    expect(relayed.exitCode).not.toBe(0);
    expect(relayed.output).toMatch(/550 5\.7\.1 Relaying to partner@elsewhere\.test denied/);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(smarthost.received).toHaveLength(1);
  });
});
