import { Logger } from '@nestjs/common';
import type { DirectoryRepository } from '@parley/directory';
import type {
  BlobStore,
  ClaimedOutboundMessage,
  OutboundQueueRepository,
  OutboundRecipientResult,
  VoicemailIngestDatabase,
} from '@parley/voicemail-ingest/data-access';
import { type MailboxDelivery, MailboxDeliveryError } from '@parley/voicemail-ingest/feature-mailbox';
import { buildDeliveryStatusNotification, type FailedRecipient, headerSectionOf } from './delivery-status-notification';
import type { OutboundMetrics } from './outbound.metrics';
import type { OutboundQueueWriter, PreparedOutboundMessage } from './outbound-queue.writer';
import type { OutboundSettings } from './outbound-settings';
import { nextAttemptAt } from './retry-schedule';
import type { RecipientOutcome, SmarthostTransport } from './smarthost.transport';

/**
 * One attempt at every due message: claim (a lease), then per recipient a Parley mailbox through
 * `MailboxDelivery` (the same path as SMTP) or the smarthost, then record each recipient's result,
 * the next attempt (backoff with jitter, within the retry window) and, for recipients that failed
 * for good, one DSN to the envelope sender in the same transaction. A message with the null sender
 * (a DSN) gets no DSN: bounces never loop.
 */
export class OutboundDeliveryService {
  private readonly log = new Logger('OutboundMail');

  constructor(
    private readonly db: VoicemailIngestDatabase,
    private readonly queue: OutboundQueueRepository,
    private readonly blobs: BlobStore,
    private readonly writer: OutboundQueueWriter,
    private readonly delivery: MailboxDelivery,
    private readonly directory: DirectoryRepository,
    private readonly smarthost: SmarthostTransport | null,
    private readonly settings: OutboundSettings,
    private readonly metrics: OutboundMetrics | null,
  ) {}

  /** Claims and tries up to `limit` due messages (concurrently); how many were claimed. */
  async fireDue(limit: number): Promise<number> {
    const now = new Date();
    const claimed = await this.db.unitOfWork.run((tx) =>
      this.queue.claimDue(tx, now, limit, new Date(now.getTime() + this.settings.leaseMs)),
    );
    await Promise.all(
      claimed.map((message) =>
        this.attempt(message).catch((error: unknown) => {
          // Its lease ends and another look tries it again; nothing was recorded.
          this.log.error({ err: error }, `attempt ${message.attempt} of ${message.id} failed; it is tried again after its lease`);
        }),
      ),
    );
    return claimed.length;
  }

  nextDueAt(): Promise<Date | null> {
    return this.queue.nextDueAt();
  }

  private async attempt(message: ClaimedOutboundMessage): Promise<void> {
    const raw = message.pendingRecipients.length === 0 ? null : await this.blobs.read(message.mimeBlob, 0, message.size);
    const outcomes =
      raw === null
        ? message.pendingRecipients.map(
            (address) => ({ address, result: 'refused', reply: '554 5.3.0 The queued message content is gone' }) as const,
          )
        : await this.route(message, raw);
    const now = new Date();
    const expired = now.getTime() >= message.expiresAt.getTime();
    const results: OutboundRecipientResult[] = outcomes.map((o) => ({
      address: o.address,
      state: o.result === 'delivered' ? 'sent' : o.result === 'refused' || expired ? 'failed' : 'pending',
      reply: o.reply,
    }));
    const stillPending = results.some((r) => r.state === 'pending');
    const next = stillPending ? nextAttemptAt(message.attempt, now, message.expiresAt, this.settings) : null;
    const failed: FailedRecipient[] = outcomes
      .filter((o) => o.result === 'refused' || (o.result === 'deferred' && expired))
      .map((o) => ({ address: o.address, reply: o.reply, expired: o.result === 'deferred' }));
    const notification =
      failed.length > 0 && message.envelopeFrom !== null ? await this.prepareNotification(message, raw, failed, now) : null;
    const recorded = await this.db.unitOfWork.run(async (tx) => {
      if (!(await this.queue.recordAttempt(tx, message, results, next, now))) return false;
      if (notification) await this.writer.write(tx, notification, now);
      return true;
    });
    if (!recorded) {
      this.log.warn(`attempt ${message.attempt} of ${message.id} finished after its lease; its results were not recorded`);
      return;
    }
    const count = (state: OutboundRecipientResult['state']) => results.filter((r) => r.state === state).length;
    this.metrics?.recipientSent(count('sent'));
    this.metrics?.recipientDeferred(count('pending'));
    this.metrics?.recipientBounced(count('failed'));
    if (notification) this.metrics?.notificationQueued();
    for (const o of outcomes) {
      const state = results.find((r) => r.address === o.address)?.state;
      const line = `${message.id} attempt ${message.attempt} to ${o.address}: ${state} (${o.reply})`;
      if (state === 'sent') this.log.log(line);
      else this.log.warn(line);
    }
    if (failed.length > 0 && message.envelopeFrom === null)
      this.log.warn(`${message.id} has the null sender: no DSN for its failed recipients`);
  }

  /** Each recipient to a Parley mailbox or to the smarthost; one outcome each. */
  private async route(message: ClaimedOutboundMessage, raw: Buffer): Promise<RecipientOutcome[]> {
    const outcomes: RecipientOutcome[] = [];
    const remote: string[] = [];
    for (const address of message.pendingRecipients) {
      const check = await this.delivery.checkRecipient(address, raw.length);
      if (check.accepted) outcomes.push(await this.deliverLocally(message, check.mailbox, address, raw));
      else if (check.reason === 'over-quota') outcomes.push({ address, result: 'deferred', reply: '452 4.2.2 Mailbox full' });
      else if (await this.directory.servesDomain(address.slice(address.lastIndexOf('@') + 1)))
        outcomes.push({ address, result: 'refused', reply: `550 5.1.1 No such mailbox: ${address}` });
      else remote.push(address);
    }
    if (remote.length > 0) {
      if (this.smarthost === null) {
        const reply = 'no smarthost is configured (PARLEY_SMTP_SMARTHOST)';
        outcomes.push(...remote.map((address) => ({ address, result: 'deferred' as const, reply })));
      } else {
        outcomes.push(...(await this.smarthost.send(message.envelopeFrom, remote, raw)));
      }
    }
    return outcomes;
  }

  private async deliverLocally(message: ClaimedOutboundMessage, mailbox: string, address: string, raw: Buffer): Promise<RecipientOutcome> {
    try {
      await this.delivery.deliver({
        channel: 'outbound-queue',
        envelopeFrom: message.envelopeFrom,
        recipients: [mailbox],
        raw,
        submittedBy: message.submittedBy,
        clientAddress: null,
      });
      return { address, result: 'delivered', reply: '250 2.0.0 Stored in the mailbox' };
    } catch (error) {
      const refusal = error instanceof MailboxDeliveryError ? error.refusal : 'temporary';
      switch (refusal) {
        case 'unknown-recipient':
          return { address, result: 'refused', reply: `550 5.1.1 No such mailbox: ${address}` };
        case 'too-large':
          return { address, result: 'refused', reply: '552 5.3.4 Message too large for the mailbox store' };
        case 'over-quota':
          return { address, result: 'deferred', reply: '452 4.2.2 Mailbox full' };
        case 'temporary':
          return { address, result: 'deferred', reply: '451 4.3.0 The mailbox store failed; tried again later' };
      }
    }
  }

  private async prepareNotification(
    message: ClaimedOutboundMessage,
    raw: Buffer | null,
    failed: FailedRecipient[],
    now: Date,
  ): Promise<PreparedOutboundMessage> {
    const sender = message.envelopeFrom as string;
    const mime = await buildDeliveryStatusNotification({
      reportingMta: this.settings.hostname,
      remoteMta: this.smarthost?.name ?? null,
      to: sender,
      arrivalDate: message.queuedAt,
      failed,
      originalHeaders: raw === null ? '' : headerSectionOf(raw),
      now,
    });
    // The null reverse-path: nothing answers a DSN, so a DSN that fails in turn is dropped, never bounced again.
    return this.writer.prepare({ envelopeFrom: null, recipients: [sender.toLowerCase()], mime, submittedBy: null });
  }
}
