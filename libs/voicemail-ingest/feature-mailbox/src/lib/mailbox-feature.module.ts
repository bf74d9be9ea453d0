import { DynamicModule, Module } from '@nestjs/common';
import { DirectoryRepository } from '@parley/directory';
import { BlobReferences, BlobStore, BlobSweeper, VoicemailIngestDatabase } from '@parley/voicemail-ingest/data-access';
import type { MailParsingOptions } from '@parley/voicemail-ingest/mail-parsing';
import { BlobSweepPoller, BlobSweepSettings } from './blob-sweep.poller';
import { ConversationHistoryConsumer } from './conversation-history.consumer';
import { ConversationHistoryService, ParticipantNames } from './conversation-history.service';
import { StoreMailboxDelivery } from './mailbox-delivery.service';
import { InboxArrivals, MailboxDelivery } from './mailbox-ports';
import { CachedMailboxRecipients, MailboxRecipients } from './mailbox-recipients';
import { MailboxSettings } from './mailbox-settings';
import { MailboxConsumer } from './mailbox.consumer';
import { MailboxService } from './mailbox.service';

export interface MailboxFeatureOptions {
  /** Octets a mailbox's messages may take; null: unlimited (PARLEY_MAILBOX_QUOTA_BYTES). */
  quotaBytes: number | null;
  /** How old an unreferenced blob must be before it is removed (PARLEY_MAILBOX_ORPHAN_GRACE_MS). */
  orphanGraceMs: number;
  /** PARLEY_MAILBOX_SWEEP_INTERVAL_MS. */
  sweepIntervalMs: number;
  parsing?: MailParsingOptions;
}

/**
 * The mailbox message store's core: the delivery port the SMTP and HTTP fronts use
 * (`MailboxDelivery`, exported globally), the gateway's message operations, presence-bridge's ended
 * IM conversations filed through that port, and the orphan-blob sweeper.
 */
@Module({})
export class MailboxFeatureModule {
  static forRoot(options: MailboxFeatureOptions): DynamicModule {
    const settings: MailboxSettings = { quotaBytes: options.quotaBytes, parsing: options.parsing ?? { defaultRegion: null } };
    return {
      module: MailboxFeatureModule,
      // Global: the fronts (SMTP, HTTP drop) inject `MailboxDelivery` without importing this module again.
      global: true,
      controllers: [MailboxConsumer, ConversationHistoryConsumer],
      providers: [
        MailboxService,
        ConversationHistoryService,
        BlobSweepPoller,
        { provide: MailboxSettings, useValue: settings },
        { provide: BlobSweepSettings, useValue: { intervalMs: options.sweepIntervalMs } satisfies BlobSweepSettings },
        { provide: InboxArrivals, useValue: new InboxArrivals() },
        { provide: MailboxDelivery, useClass: StoreMailboxDelivery },
        {
          provide: MailboxRecipients,
          useFactory: (directory: DirectoryRepository): MailboxRecipients =>
            new CachedMailboxRecipients(async (address) => (await directory.findByAddress(address))?.smtpAddress ?? null),
          inject: [DirectoryRepository],
        },
        {
          provide: ParticipantNames,
          useFactory: (directory: DirectoryRepository): ParticipantNames => ({
            displayNameOf: async (address) => (await directory.findByAddress(address))?.displayName ?? null,
          }),
          inject: [DirectoryRepository],
        },
        {
          provide: BlobSweeper,
          useFactory: (db: VoicemailIngestDatabase, blobs: BlobStore, references: BlobReferences) =>
            new BlobSweeper(db.unitOfWork, blobs, references, { graceMs: options.orphanGraceMs, batchSize: 500 }),
          inject: [VoicemailIngestDatabase, BlobStore, BlobReferences],
        },
      ],
      exports: [MailboxDelivery, MailboxService, InboxArrivals],
    };
  }
}
