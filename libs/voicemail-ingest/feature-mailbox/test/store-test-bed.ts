import type { Envelope, MessageChangedEvent, MessageWaitingChangedEvent, VoicemailDepositedEvent } from '@parley/contracts';
import { Topics } from '@parley/contracts';
import { migrateServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import {
  BlobReferences,
  BlobStore,
  BlobStoreSettings,
  BlobSweeper,
  createBlobStore,
  createVoicemailIngestDataSource,
  MessageRepository,
  VoicemailIngestDatabase,
  voicemailIngestSchema,
} from '@parley/voicemail-ingest/data-access';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { StoreMailboxDelivery } from '../src/lib/mailbox-delivery.service';
import type { InboundMail } from '../src/lib/mailbox-ports';
import { MailboxRecipients } from '../src/lib/mailbox-recipients';
import { MailboxSettings } from '../src/lib/mailbox-settings';
import { MailboxService } from '../src/lib/mailbox.service';

/** A directory that knows exactly the given mailboxes (any case in, lower-cased out). */
class FixedRecipients extends MailboxRecipients {
  constructor(private readonly mailboxes: readonly string[]) {
    super();
  }

  async mailboxOf(address: string): Promise<string | null> {
    const key = address.trim().toLowerCase();
    return this.mailboxes.includes(key) ? key : null;
  }
}

export interface StoreTestBedOptions {
  readonly mailboxes: readonly string[];
  readonly blobStore?: 'filesystem' | 'postgres';
  readonly quotaBytes?: number | null;
  readonly orphanGraceMs?: number;
}

/**
 * For integration specs: the message store wired as its module wires it, on a fresh test database
 * migrated by the service's own migrations, with a blob store of either kind (the filesystem one
 * in a temporary directory) and an outbox nobody relays (the specs read the events from it).
 */
export interface StoreTestBed {
  readonly db: VoicemailIngestDatabase;
  readonly migrations: DataSource;
  readonly messages: MessageRepository;
  readonly blobs: BlobStore;
  readonly references: BlobReferences;
  readonly delivery: StoreMailboxDelivery;
  readonly mailbox: MailboxService;
  readonly sweeper: BlobSweeper;
  /** The filesystem store's directory (null for the PostgreSQL store). */
  readonly blobDir: string | null;
  /** Delivers `raw` by the relay to `recipients` (lower-cased). */
  deliver(raw: Buffer, recipients: readonly string[], channel?: InboundMail['channel']): ReturnType<StoreMailboxDelivery['deliver']>;
  messageEvents(): Promise<MessageChangedEvent[]>;
  voicemailEvents(): Promise<VoicemailDepositedEvent[]>;
  waitingEvents(): Promise<MessageWaitingChangedEvent[]>;
  /** Rows of a table of the store's schema. */
  count(table: 'message' | 'message_attachment' | 'blob' | 'blob_chunk' | 'mailbox_state'): Promise<number>;
  /** Empties messages, totals, the PostgreSQL blobs and the outbox (between tests); the filesystem blobs too. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

let commandSeq = 0;
/** A fresh command id for a write (each write of a spec is a new command unless it means to redeliver one). */
export function commandId(): string {
  commandSeq += 1;
  return `00000000-0000-4000-8000-${String(commandSeq).padStart(12, '0')}`;
}

export async function startStoreTestBed(databasePrefix: string, options: StoreTestBedOptions): Promise<StoreTestBed> {
  const database = await createTestDatabase(databasePrefix);
  const migrations = createVoicemailIngestDataSource(database.url);
  await migrations.initialize();
  await migrateServiceSchema(migrations);
  const db = new VoicemailIngestDatabase(
    {
      service: 'voicemail-ingest',
      url: database.url,
      poolSize: 6,
      migrate: false,
      outboxPollMs: 60_000,
      outboxBatchSize: 100,
      ...voicemailIngestSchema,
    },
    { publish: async () => undefined },
  );
  await db.dataSource.initialize();
  const blobDir = options.blobStore === 'postgres' ? null : mkdtempSync(path.join(tmpdir(), 'parley-blobs-'));
  const blobSettings: BlobStoreSettings = blobDir === null ? { kind: 'postgres' } : { kind: 'filesystem', directory: blobDir };
  const blobs = createBlobStore(blobSettings, db.dataSource);
  const messages = new MessageRepository(db.dataSource);
  const references = new BlobReferences();
  const settings: MailboxSettings = { quotaBytes: options.quotaBytes ?? null, parsing: { defaultRegion: null } };
  const recipients = new FixedRecipients(options.mailboxes);
  const delivery = new StoreMailboxDelivery(db, messages, blobs, references, recipients, settings);
  const sweeper = new BlobSweeper(db.unitOfWork, blobs, references, { graceMs: options.orphanGraceMs ?? 60_000, batchSize: 2 });
  const payloads = async <T>(topic: string): Promise<T[]> => {
    const rows = (await db.dataSource.query(`SELECT envelope FROM voicemail_ingest.outbox_message WHERE topic = $1 ORDER BY seq`, [
      topic,
    ])) as { envelope: Envelope<T> }[];
    return rows.map((r) => r.envelope.payload);
  };
  return {
    db,
    migrations,
    messages,
    blobs,
    references,
    delivery,
    mailbox: new MailboxService(db, messages, blobs, settings),
    sweeper,
    blobDir,
    deliver: (raw, to, channel = 'relay') =>
      delivery.deliver({ channel, envelopeFrom: 'pbx@pbx.example', recipients: to, raw, submittedBy: null, clientAddress: '127.0.0.1' }),
    messageEvents: () => payloads<MessageChangedEvent>(Topics.mailboxMessageChanged),
    voicemailEvents: () => payloads<VoicemailDepositedEvent>(Topics.voicemailDeposited),
    waitingEvents: () => payloads<MessageWaitingChangedEvent>(Topics.messageWaitingChanged),
    async count(table) {
      const [row] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM voicemail_ingest.${table}`)) as { n: number }[];
      return row.n;
    },
    async reset() {
      await db.dataSource.query(
        'TRUNCATE voicemail_ingest.message, voicemail_ingest.message_attachment, voicemail_ingest.mailbox_state, voicemail_ingest.blob, voicemail_ingest.blob_chunk, voicemail_ingest.outbox_message, voicemail_ingest.processed_message',
      );
      if (blobDir !== null) {
        rmSync(blobDir, { recursive: true, force: true });
      }
    },
    async close() {
      await db.dataSource.destroy();
      await migrations.destroy();
      await database.drop();
      if (blobDir !== null) rmSync(blobDir, { recursive: true, force: true });
    },
  };
}
