import { Logger } from '@nestjs/common';
import { toMailboxKey } from '@parley/contracts';
import type { DirectoryRepository } from '@parley/directory';
import type { Transaction } from '@parley/persistence';
import type { VoicemailIngestDatabase } from '@parley/voicemail-ingest/data-access';
import { OutboundMail, OutboundMailError, type OutboundMessage, type OutboundReceipt } from '@parley/voicemail-ingest/feature-mailbox';
import type { OutboundMetrics } from './outbound.metrics';
import type { OutboundQueueWriter } from './outbound-queue.writer';

/** The outbound queue's `OutboundMail` port: a queued message is durable once `enqueue` resolves (or its transaction commits). */
export class QueuedOutboundMail extends OutboundMail {
  private readonly log = new Logger('OutboundMail');

  constructor(
    private readonly db: VoicemailIngestDatabase,
    private readonly writer: OutboundQueueWriter,
    private readonly directory: DirectoryRepository,
    readonly relayEnabled: boolean,
    /** Wakes this replica's poller once the rows are committed. */
    private readonly wake: () => void,
    private readonly metrics: OutboundMetrics | null,
  ) {
    super();
  }

  async enqueue(message: OutboundMessage, tx?: Transaction): Promise<OutboundReceipt> {
    const recipients = [...new Set(message.recipients.map(toMailboxKey))];
    if (recipients.length === 0) throw new OutboundMailError('no-recipients', 'A message needs at least one recipient.');
    if (!this.relayEnabled) {
      for (const address of recipients) {
        if (!(await this.directory.servesDomain(address.slice(address.lastIndexOf('@') + 1)))) {
          throw new OutboundMailError(
            'relay-disabled',
            `No smarthost is configured (PARLEY_SMTP_SMARTHOST): ${address} cannot be reached.`,
          );
        }
      }
    }
    try {
      const prepared = await this.writer.prepare({ ...message, recipients });
      const write = async (t: Transaction) => {
        await this.writer.write(t, prepared, new Date());
        t.afterCommit(() => {
          this.metrics?.messageQueued();
          this.wake();
        });
      };
      if (tx) await write(tx);
      else await this.db.unitOfWork.run(write);
      this.log.log(
        `queued ${prepared.id}: ${message.mime.length} bytes from <${message.envelopeFrom ?? ''}> for ${recipients.length} recipient(s)`,
      );
      return { id: prepared.id };
    } catch (error) {
      // Inside the caller's transaction its own error handling decides; alone, any failure is temporary.
      if (tx || error instanceof OutboundMailError) throw error;
      this.log.error({ err: error }, 'a message could not be queued; nothing was stored');
      throw new OutboundMailError('temporary', 'The message could not be queued; try again later.');
    }
  }
}
