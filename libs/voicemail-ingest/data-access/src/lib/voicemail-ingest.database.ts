import type { ServiceDatabaseSettings } from '@parley/config';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceDatabase, createServiceDataSource, provideServiceDatabase } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { PbxApiKeyEntity } from './pbx-api-key.entity';
import { PbxApiKeys1765100000000 } from './pbx-api-key.migration';
import { BlobChunkEntity } from './blob-chunk.entity';
import { BlobEntity } from './blob.entity';
import { BlobReferences } from './blob-references.repository';
import { BlobStore } from './blob-store';
import { FilesystemBlobStore } from './filesystem-blob-store';
import { MailboxStateEntity } from './mailbox-state.entity';
import { MailboxStore1765000000000 } from './mailbox-store.migration';
import { MessageAttachmentEntity } from './message-attachment.entity';
import { MessageEntity } from './message.entity';
import { MessageRepository } from './message.repository';
import { PostgresBlobStore } from './postgres-blob-store';
import { OutboundMessageEntity } from './outbound-message.entity';
import { OutboundQueue1765300000000 } from './outbound-queue.migration';
import { OutboundQueueRepository } from './outbound-queue.repository';
import { OutboundRecipientEntity } from './outbound-recipient.entity';
import { OofAutoReplies1765400000000 } from './oof-auto-reply.migration';
import { OofReplySentEntity } from './oof-reply-sent.entity';
import { OofReplyRepository } from './oof-reply.repository';
import { OofReplyStateEntity } from './oof-reply-state.entity';

/** voicemail-ingest's schema: the mailbox message store, the PBX keys of the HTTP drop, the outbound mail queue and the OOF auto-replies. */
export const voicemailIngestSchema = {
  schema: 'voicemail_ingest',
  entities: [
    MessageEntity,
    MessageAttachmentEntity,
    MailboxStateEntity,
    BlobEntity,
    BlobChunkEntity,
    PbxApiKeyEntity,
    OutboundMessageEntity,
    OutboundRecipientEntity,
    OofReplyStateEntity,
    OofReplySentEntity,
  ],
  migrations: [MailboxStore1765000000000, PbxApiKeys1765100000000, OutboundQueue1765300000000, OofAutoReplies1765400000000],
};

export class VoicemailIngestDatabase extends ServiceDatabase {}

export function createVoicemailIngestDataSource(url: string): DataSource {
  return createServiceDataSource({ service: 'voicemail-ingest', url, poolSize: 2, ...voicemailIngestSchema });
}

/** Where blobs live (PARLEY_MAILBOX_BLOB_STORE): files under `directory`, or the service's PostgreSQL schema. */
export type BlobStoreSettings = { kind: 'filesystem'; directory: string } | { kind: 'postgres' };

export function createBlobStore(settings: BlobStoreSettings, dataSource: DataSource): BlobStore {
  return settings.kind === 'filesystem' ? new FilesystemBlobStore(settings.directory) : new PostgresBlobStore(dataSource);
}

@Global()
@Module({})
export class VoicemailIngestDataAccessModule {
  static forRoot(config: ServiceDatabaseSettings, blobs: BlobStoreSettings): DynamicModule {
    return {
      module: VoicemailIngestDataAccessModule,
      providers: [
        provideServiceDatabase(VoicemailIngestDatabase, { service: 'voicemail-ingest', ...config, ...voicemailIngestSchema }),
        {
          provide: MessageRepository,
          useFactory: (db: VoicemailIngestDatabase) => new MessageRepository(db.dataSource),
          inject: [VoicemailIngestDatabase],
        },
        {
          provide: BlobStore,
          useFactory: (db: VoicemailIngestDatabase) => createBlobStore(blobs, db.dataSource),
          inject: [VoicemailIngestDatabase],
        },
        { provide: BlobReferences, useValue: new BlobReferences() },
        { provide: OofReplyRepository, useValue: new OofReplyRepository() },
        {
          provide: OutboundQueueRepository,
          useFactory: (db: VoicemailIngestDatabase) => new OutboundQueueRepository(db.dataSource),
          inject: [VoicemailIngestDatabase],
        },
      ],
      exports: [VoicemailIngestDatabase, MessageRepository, BlobStore, BlobReferences, OutboundQueueRepository, OofReplyRepository],
    };
  }
}
