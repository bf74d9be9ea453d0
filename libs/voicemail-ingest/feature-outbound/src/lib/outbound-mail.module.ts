import { DynamicModule, Module } from '@nestjs/common';
import type { OutboundMailConfig } from '@parley/config';
import { DirectoryRepository } from '@parley/directory';
import { Metrics } from '@parley/observability';
import {
  BlobReferences,
  BlobStore,
  OofReplyRepository,
  OutboundQueueRepository,
  VoicemailIngestDatabase,
} from '@parley/voicemail-ingest/data-access';
import { InboxArrivals, MailboxDelivery, OutboundMail } from '@parley/voicemail-ingest/feature-mailbox';
import { hostname as machineName } from 'node:os';
import { ImipMailConsumer } from './imip-mail.consumer';
import { ImipMailService } from './imip-mail.service';
import { OutboundDeliveryPoller } from './outbound-delivery.poller';
import { OutboundDeliveryService } from './outbound-delivery.service';
import { OutboundMetrics } from './outbound.metrics';
import { OutboundQueueWriter } from './outbound-queue.writer';
import { OutboundSettings } from './outbound-settings';
import { QueuedOutboundMail } from './queued-outbound-mail.service';
import { NodemailerSmarthostTransport, OUTBOUND_LEASE_MS, SmarthostTransport } from './smarthost.transport';
import { OofAutoReplyService, type OofAutoReplySettings } from './oof-auto-reply.service';
import { OofStateConsumer } from './oof-state.consumer';
import { OofStateService } from './oof-state.service';

/** Messages claimed per look (and tried concurrently). */
const BATCH_SIZE = 10;

/** The smarthost transport, or null when none is configured. */
export const SMARTHOST_TRANSPORT = Symbol('SMARTHOST_TRANSPORT');

export function outboundSettingsOf(config: OutboundMailConfig): OutboundSettings {
  return {
    retryWindowMs: config.retryWindowMs,
    retryBaseMs: config.retryBaseMs,
    retryMaxMs: config.retryMaxMs,
    pollMaxMs: config.pollMaxMs,
    batchSize: BATCH_SIZE,
    leaseMs: OUTBOUND_LEASE_MS,
    hostname: config.hostname ?? machineName(),
  };
}

/**
 * voicemail-ingest's outbound mail queue (docs/smtp.md, "Outbound mail"): the `OutboundMail` port
 * (global, like `MailboxDelivery`, for the SMTP front, EWS sending, OOF and iMIP) and this
 * replica's poller; the OOF auto-replies (docs/voicemail-ingest.md): calendar-sync's effective
 * OOF state kept in the service's own table, and the replies queued as mail lands in Inboxes (a
 * listener of the store's `InboxArrivals`); and the iMIP mail calendar-sync asks for
 * (`calendar.imip.outgoing.v1`). Needs the store's module (`MailboxDelivery`, `InboxArrivals`,
 * global) and the directory.
 */
@Module({})
export class OutboundMailModule {
  static forRoot(config: OutboundMailConfig, oof: OofAutoReplySettings): DynamicModule {
    const settings = outboundSettingsOf(config);
    return {
      module: OutboundMailModule,
      global: true,
      controllers: [OofStateConsumer, ImipMailConsumer],
      providers: [
        ImipMailService,
        { provide: OutboundSettings, useValue: settings },
        {
          provide: SMARTHOST_TRANSPORT,
          useFactory: (): SmarthostTransport | null =>
            config.smarthost === undefined ? null : new NodemailerSmarthostTransport(config.smarthost, settings.hostname),
        },
        {
          provide: OutboundMetrics,
          useFactory: (metrics: Metrics | undefined, queue: OutboundQueueRepository) =>
            metrics ? new OutboundMetrics(metrics, () => queue.waitingCount()) : null,
          inject: [{ token: Metrics, optional: true }, OutboundQueueRepository],
        },
        {
          provide: OutboundQueueWriter,
          useFactory: (queue: OutboundQueueRepository, blobs: BlobStore, references: BlobReferences) =>
            new OutboundQueueWriter(queue, blobs, references, settings),
          inject: [OutboundQueueRepository, BlobStore, BlobReferences],
        },
        {
          provide: OutboundDeliveryService,
          useFactory: (...deps: ConstructorParameters<typeof OutboundDeliveryService>) => new OutboundDeliveryService(...deps),
          inject: [
            VoicemailIngestDatabase,
            OutboundQueueRepository,
            BlobStore,
            OutboundQueueWriter,
            MailboxDelivery,
            DirectoryRepository,
            SMARTHOST_TRANSPORT,
            OutboundSettings,
            OutboundMetrics,
          ],
        },
        {
          provide: OutboundDeliveryPoller,
          useFactory: (service: OutboundDeliveryService) => new OutboundDeliveryPoller(service, settings),
          inject: [OutboundDeliveryService],
        },
        {
          provide: OutboundMail,
          useFactory: (
            db: VoicemailIngestDatabase,
            writer: OutboundQueueWriter,
            directory: DirectoryRepository,
            poller: OutboundDeliveryPoller,
            metrics: OutboundMetrics | null,
          ) => new QueuedOutboundMail(db, writer, directory, config.smarthost !== undefined, () => poller.nudge(), metrics),
          inject: [VoicemailIngestDatabase, OutboundQueueWriter, DirectoryRepository, OutboundDeliveryPoller, OutboundMetrics],
        },
        {
          provide: OofStateService,
          useFactory: (db: VoicemailIngestDatabase, replies: OofReplyRepository) => new OofStateService(db, replies),
          inject: [VoicemailIngestDatabase, OofReplyRepository],
        },
        {
          provide: OofAutoReplyService,
          useFactory: (replies: OofReplyRepository, outbound: OutboundMail, directory: DirectoryRepository, arrivals: InboxArrivals) =>
            new OofAutoReplyService(replies, outbound, directory, oof, arrivals),
          inject: [OofReplyRepository, OutboundMail, DirectoryRepository, InboxArrivals],
        },
      ],
      exports: [OutboundMail, OutboundDeliveryPoller],
    };
  }
}
