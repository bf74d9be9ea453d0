import type { Transaction } from '@parley/persistence';
import { BlobReferences, BlobStore, OutboundQueueRepository } from '@parley/voicemail-ingest/data-access';
import { createHash, randomUUID } from 'node:crypto';
import type { OutboundSettings } from './outbound-settings';

/** A message ready to be written into the queue: its MIME blob is durable. */
export interface PreparedOutboundMessage {
  readonly id: string;
  readonly envelopeFrom: string | null;
  readonly recipients: readonly string[];
  readonly mime: Buffer;
  readonly mimeBlob: string;
  readonly submittedBy: string | null;
}

/**
 * Writes queue rows the way the mailbox store writes messages (docs/voicemail-ingest.md, "Crash
 * safety"): the MIME blob is stored first (durable, content-addressed, shared with any mailbox copy
 * of the same bytes), then the transaction that names it takes the blob's shared lock and confirms it,
 * so the orphan sweeper never removes a blob a queued message needs.
 */
export class OutboundQueueWriter {
  constructor(
    private readonly queue: OutboundQueueRepository,
    private readonly blobs: BlobStore,
    private readonly references: BlobReferences,
    private readonly settings: Pick<OutboundSettings, 'retryWindowMs'>,
  ) {}

  async prepare(message: { envelopeFrom: string | null; recipients: readonly string[]; mime: Buffer; submittedBy: string | null }) {
    const mimeBlob = createHash('sha256').update(message.mime).digest('hex');
    await this.blobs.put(mimeBlob, message.mime);
    return { ...message, id: randomUUID(), mimeBlob } satisfies PreparedOutboundMessage;
  }

  async write(tx: Transaction, message: PreparedOutboundMessage, now: Date): Promise<void> {
    await this.references.lockShared(tx, [message.mimeBlob]);
    await this.blobs.confirm(tx, message.mimeBlob, message.mime);
    await this.queue.insert(tx, {
      id: message.id,
      envelopeFrom: message.envelopeFrom,
      mimeBlob: message.mimeBlob,
      size: message.mime.length,
      submittedBy: message.submittedBy,
      recipients: message.recipients,
      queuedAt: now,
      expiresAt: new Date(now.getTime() + this.settings.retryWindowMs),
      firstAttemptAt: now,
    });
  }
}
