import type { SmarthostConfig } from '@parley/config';
import { createDirectoryDataSource, DirectoryRepository } from '@parley/directory';
import { Metrics } from '@parley/observability';
import { migrateServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import {
  BlobReferences,
  BlobSweeper,
  createBlobStore,
  createVoicemailIngestDataSource,
  MessageRepository,
  OofReplyRepository,
  OutboundQueueRepository,
  VoicemailIngestDatabase,
  voicemailIngestSchema,
} from '@parley/voicemail-ingest/data-access';
import {
  CachedMailboxRecipients,
  InboxArrivals,
  type InboxArrivalListener,
  type OutboundMail,
  StoreMailboxDelivery,
} from '@parley/voicemail-ingest/feature-mailbox';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { OofAutoReplyService, type OofAutoReplySettings } from '../src/lib/oof-auto-reply.service';
import { OofStateService } from '../src/lib/oof-state.service';
import { OutboundDeliveryPoller } from '../src/lib/outbound-delivery.poller';
import { OutboundDeliveryService } from '../src/lib/outbound-delivery.service';
import { OutboundMetrics } from '../src/lib/outbound.metrics';
import { OutboundQueueWriter } from '../src/lib/outbound-queue.writer';
import type { OutboundSettings } from '../src/lib/outbound-settings';
import { QueuedOutboundMail } from '../src/lib/queued-outbound-mail.service';
import { NodemailerSmarthostTransport } from '../src/lib/smarthost.transport';

export const alice = 'alice@parley.test';
export const bob = 'bob@parley.test';

/** The queue as its module wires it (poller included), on a given smarthost and retry policy. */
export interface RunningQueue {
  readonly outbound: QueuedOutboundMail;
  readonly poller: OutboundDeliveryPoller;
  readonly metrics: Metrics;
  stop(): Promise<void>;
}

/**
 * For the outbound queue's integration specs: a real directory (alice, bob at parley.test), the
 * store's schema migrated by its own migrations, the real mailbox delivery on a filesystem blob
 * store, and queues started per test against a local SMTP sink.
 */
export class OutboundTestBed {
  db!: VoicemailIngestDatabase;
  queue!: OutboundQueueRepository;
  messages!: MessageRepository;
  directory!: DirectoryRepository;
  delivery!: StoreMailboxDelivery;
  private database!: Awaited<ReturnType<typeof createTestDatabase>>;
  private directorySource!: DataSource;
  private migrations!: DataSource;
  private readonly blobDir = mkdtempSync(path.join(tmpdir(), 'parley-outbound-'));
  private readonly running: RunningQueue[] = [];
  private blobs!: ReturnType<typeof createBlobStore>;
  /** The OOF auto-replies of the running test (`startAutoReplies`), called in every delivery's transaction. */
  private arrivalListener: InboxArrivalListener | null = null;

  async setUp(): Promise<void> {
    this.database = await createTestDatabase('outbound');
    this.directorySource = createDirectoryDataSource({ url: this.database.url, poolSize: 2, service: 'outbound-test' });
    await this.directorySource.initialize();
    await migrateServiceSchema(this.directorySource);
    this.directory = new DirectoryRepository(this.directorySource);
    for (const address of [alice, bob]) await this.directory.add({ smtpAddress: address, displayName: address, password: 'pw-123456' });
    this.migrations = createVoicemailIngestDataSource(this.database.url);
    await this.migrations.initialize();
    await migrateServiceSchema(this.migrations);
    this.db = new VoicemailIngestDatabase(
      {
        service: 'voicemail-ingest',
        url: this.database.url,
        poolSize: 6,
        migrate: false,
        outboxPollMs: 60_000,
        outboxBatchSize: 100,
        ...voicemailIngestSchema,
      },
      { publish: async () => undefined },
    );
    await this.db.dataSource.initialize();
    this.blobs = createBlobStore({ kind: 'filesystem', directory: this.blobDir }, this.db.dataSource);
    this.queue = new OutboundQueueRepository(this.db.dataSource);
    this.messages = new MessageRepository(this.db.dataSource);
    const recipients = new CachedMailboxRecipients(async (a) => (await this.directory.findByAddress(a))?.smtpAddress.toLowerCase() ?? null);
    const arrivals = new InboxArrivals();
    arrivals.listen(async (tx, arrival) => this.arrivalListener?.(tx, arrival));
    this.delivery = new StoreMailboxDelivery(
      this.db,
      this.messages,
      this.blobs,
      new BlobReferences(),
      recipients,
      { quotaBytes: null, parsing: { defaultRegion: null } },
      arrivals,
    );
  }

  /** A queue on `smarthost` (undefined: none configured) with a fast retry policy. */
  start(smarthost: SmarthostConfig | undefined, overrides: Partial<OutboundSettings> = {}): RunningQueue {
    const settings: OutboundSettings = {
      retryWindowMs: 60_000,
      retryBaseMs: 100,
      retryMaxMs: 400,
      pollMaxMs: 200,
      batchSize: 10,
      leaseMs: 60_000,
      hostname: 'mx.parley.test',
      ...overrides,
    };
    const metrics = new Metrics({ service: 'voicemail-ingest', version: 'test' });
    const outboundMetrics = new OutboundMetrics(metrics, () => this.queue.waitingCount());
    const writer = new OutboundQueueWriter(this.queue, this.blobs, new BlobReferences(), settings);
    const transport = smarthost && new NodemailerSmarthostTransport(smarthost, settings.hostname);
    const service = new OutboundDeliveryService(
      this.db,
      this.queue,
      this.blobs,
      writer,
      this.delivery,
      this.directory,
      transport ?? null,
      settings,
      outboundMetrics,
    );
    const poller = new OutboundDeliveryPoller(service, settings);
    const outbound = new QueuedOutboundMail(
      this.db,
      writer,
      this.directory,
      smarthost !== undefined,
      () => poller.nudge(),
      outboundMetrics,
    );
    poller.start();
    const running: RunningQueue = {
      outbound,
      poller,
      metrics,
      stop: async () => {
        await poller.stop();
        transport?.close();
      },
    };
    this.running.push(running);
    return running;
  }

  /**
   * The OOF auto-replies as their module wires them, queuing through `queue` (or `outbound`, a
   * stand-in around it): the state service the consumer calls (events applied directly) and the
   * listener of this bed's deliveries.
   */
  startAutoReplies(
    queue: RunningQueue,
    settings: OofAutoReplySettings,
    outbound: OutboundMail = queue.outbound,
  ): { state: OofStateService } {
    const arrivals = new InboxArrivals();
    const replies = new OofReplyRepository();
    new OofAutoReplyService(replies, outbound, this.directory, settings, arrivals);
    this.arrivalListener = (tx, arrival) => arrivals.notify(tx, arrival);
    return { state: new OofStateService(this.db, replies) };
  }

  /** The subjects of a mailbox's Inbox, oldest first. */
  async inbox(mailbox: string): Promise<{ subject: string; mimeBlob: string }[]> {
    return this.db.dataSource.query(
      `SELECT subject, mime_blob AS "mimeBlob" FROM voicemail_ingest.message WHERE mailbox = $1 AND folder = 'inbox' ORDER BY received_at, id`,
      [mailbox],
    );
  }

  /** Runs the orphan-blob sweeper with no grace period: every blob no row names goes. */
  async sweepOrphans(): Promise<number> {
    const sweeper = new BlobSweeper(this.db.unitOfWork, this.blobs, new BlobReferences(), { graceMs: 0, batchSize: 10 });
    return (await sweeper.sweep()).removed;
  }

  async readBlob(key: string): Promise<Buffer> {
    return (await this.blobs.read(key, 0, 10_000_000)) ?? Buffer.alloc(0);
  }

  async outboundMessages(): Promise<{ id: string; envelopeFrom: string | null; nextAttemptAt: Date | null; attempts: number }[]> {
    return this.db.dataSource.query(
      `SELECT id, envelope_from AS "envelopeFrom", next_attempt_at AS "nextAttemptAt", attempts FROM voicemail_ingest.outbound_message ORDER BY queued_at, id`,
    );
  }

  async reset(): Promise<void> {
    for (const queue of this.running.splice(0)) await queue.stop();
    this.arrivalListener = null;
    await this.db.dataSource.query(
      'TRUNCATE voicemail_ingest.outbound_message, voicemail_ingest.outbound_recipient, voicemail_ingest.message, voicemail_ingest.message_attachment, voicemail_ingest.mailbox_state, voicemail_ingest.outbox_message, voicemail_ingest.oof_reply_state, voicemail_ingest.oof_reply_sent, voicemail_ingest.processed_message',
    );
  }

  async tearDown(): Promise<void> {
    for (const queue of this.running.splice(0)) await queue.stop();
    await this.db?.dataSource.destroy();
    await this.migrations?.destroy();
    await this.directorySource?.destroy();
    await this.database?.drop();
    rmSync(this.blobDir, { recursive: true, force: true });
  }
}

/** A plain message from `from` to `to`. */
export function plainMessage(from: string, to: readonly string[], subject: string): Buffer {
  return Buffer.from(
    [
      `From: <${from}>`,
      `To: ${to.map((t) => `<${t}>`).join(', ')}`,
      `Subject: ${subject}`,
      'Date: Thu, 03 Dec 2026 10:00:00 +0000',
      `Message-ID: <${subject.replace(/\W+/g, '-')}@parley.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Body of ${subject}`,
      '',
    ].join('\r\n'),
  );
}
