import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { createEnvelope, ImDelivery, ImReceipt, mailboxKey, Topics } from '@parley/contracts';
import { correlationIdOrNew } from '@parley/logging';
import { MessagingTransport } from '@parley/messaging';
import { EndpointRepository } from '@parley/presence-bridge/data-access';
import { randomUUID } from 'node:crypto';
import { ImConversationTracker } from './im-conversation.tracker';
import { PresenceCoreErrorCode, PresenceCoreException } from './presence-core.exception';
import { PresenceCoreOptions } from './presence-core.options';
import { ImOutcome, ImReceiver, InstantMessage, InstantMessaging } from './presence-ports';

type Delivered = Extract<ImDelivery, { kind: 'message' }>;

/**
 * InstantMessaging across replicas. An IM goes out only if the recipient has a live endpoint
 * (on any replica) and has not blocked the sender — otherwise `recipient-offline` at once, the same
 * answer for both, so a block cannot be detected. It then travels on `presence.im.delivery.v1`
 * keyed by recipient, straight to the bus rather than through the outbox: it is ephemeral and the
 * sender waits for it in real time, so a durable row would only add latency. Every replica reads
 * that topic from the end and hands the IM to the recipient's endpoints attached to it; one that
 * delivered answers on `presence.im.receipt.v1` keyed by sender, and the sender's replica matches
 * the receipt to the waiting send by message id. No receipt in time: `timeout`. Typing notices
 * take the same path without receipts. A delivered IM, and one answered `recipient-offline` (as
 * missed), join the pair's conversation history (`ImConversationTracker`) before the sender hears
 * the outcome; one that timed out does not, since whether it arrived is unknown.
 */
@Injectable()
export class InstantMessageRouter extends InstantMessaging implements BeforeApplicationShutdown {
  private readonly logger = new Logger('InstantMessaging');
  /** mailbox → endpoint id → receiver, for the endpoints attached to this replica. */
  private readonly attached = new Map<string, Map<string, ImReceiver>>();
  /** IMs sent from this replica waiting for their receipt, by message id. */
  private readonly pending = new Map<string, { settle: (outcome: ImOutcome) => void }>();

  constructor(
    private readonly transport: MessagingTransport,
    private readonly endpoints: EndpointRepository,
    private readonly options: PresenceCoreOptions,
    private readonly conversations: ImConversationTracker,
  ) {
    super();
  }

  attach(mailbox: string, endpointId: string, receiver: ImReceiver): () => void {
    const user = address(mailbox);
    let receivers = this.attached.get(user);
    if (!receivers) {
      receivers = new Map();
      this.attached.set(user, receivers);
    }
    receivers.set(endpointId, receiver);
    const mine = receivers;
    return () => {
      if (mine.get(endpointId) !== receiver) return;
      mine.delete(endpointId);
      if (mine.size === 0 && this.attached.get(user) === mine) this.attached.delete(user);
    };
  }

  async send(from: string, to: string, text: string): Promise<ImOutcome> {
    const sender = address(from);
    const recipient = address(to);
    const length = [...text].length;
    if (length === 0 || length > this.options.imMaxChars) {
      throw new PresenceCoreException(PresenceCoreErrorCode.InvalidMessage, `a message has 1 to ${this.options.imMaxChars} characters`);
    }
    if (this.pending.size >= this.options.imMaxPending) {
      throw new PresenceCoreException(PresenceCoreErrorCode.Busy, 'too many messages are waiting for their receipt; try again shortly');
    }
    const sentAt = new Date();
    if (!(await this.endpoints.reachable(recipient, sender, sentAt))) {
      await this.keepHistory(() => this.conversations.missed(sender, recipient, text, sentAt));
      return { status: 'failed', reason: 'recipient-offline' };
    }
    const messageId = randomUUID();
    const outcome = new Promise<ImOutcome>((resolve) => {
      const timer = setTimeout(() => settle({ status: 'failed', reason: 'timeout' }), this.options.imReceiptTimeoutMs);
      const settle = (result: ImOutcome) => {
        clearTimeout(timer);
        this.pending.delete(messageId);
        resolve(result);
      };
      this.pending.set(messageId, { settle });
    });
    const message: Delivered = { kind: 'message', messageId, from: sender, to: recipient, text, sentAt: sentAt.toISOString() };
    this.publish(Topics.imDelivery, recipient, message).catch((error: unknown) => {
      // Nobody can confirm what never left: the sender hears `timeout` now rather than later.
      this.logger.error(`an IM to ${recipient} could not be sent: ${String(error)}`);
      this.pending.get(messageId)?.settle({ status: 'failed', reason: 'timeout' });
    });
    const result = await outcome;
    if (result.status === 'delivered') await this.keepHistory(() => this.conversations.delivered(sender, recipient, text, sentAt));
    return result;
  }

  /** The IM itself has its outcome already: a history that cannot be written is logged, not the sender's failure. */
  private async keepHistory(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.logger.error(`an IM could not be added to its conversation history: ${String(error)}`);
    }
  }

  typing(from: string, to: string, typing: boolean): void {
    const sender = address(from);
    const recipient = address(to);
    void (async () => {
      if (!(await this.endpoints.reachable(recipient, sender, new Date()))) return;
      await this.publish(Topics.imDelivery, recipient, { kind: 'typing', from: sender, to: recipient, typing } satisfies ImDelivery);
    })().catch((error: unknown) => this.logger.warn(`a typing notice to ${recipient} was lost: ${String(error)}`));
  }

  /** IMs waiting for a receipt on this replica. */
  get waiting(): number {
    return this.pending.size;
  }

  /**
   * An IM or typing notice for a user: handed to each of the recipient's endpoints attached here.
   * Never throws: a redelivery would hand an IM over twice; a receipt that cannot be sent makes the
   * sender time out instead.
   */
  async deliver(delivery: ImDelivery): Promise<void> {
    const receivers = this.attached.get(delivery.to);
    if (!receivers || receivers.size === 0) return;
    let delivered = 0;
    for (const [endpointId, receiver] of [...receivers]) {
      try {
        if (delivery.kind === 'typing') receiver.typing(delivery.from, delivery.typing);
        else receiver.message(instantMessage(delivery));
        delivered++;
      } catch (error) {
        this.logger.error(`endpoint ${endpointId} of ${delivery.to} failed to take an IM: ${String(error)}`);
      }
    }
    if (delivery.kind !== 'message' || delivered === 0) return;
    const receipt: ImReceipt = {
      messageId: delivery.messageId,
      from: delivery.from,
      to: delivery.to,
      deliveredBy: this.options.instanceId,
    };
    await this.publish(Topics.imReceipt, delivery.from, receipt).catch((error: unknown) =>
      this.logger.error(`the receipt of an IM from ${delivery.from} could not be sent: ${String(error)}`),
    );
  }

  /** A receipt: settles the send waiting for it here, if any (the first receipt wins; others, and other replicas' sends, are ignored). */
  receipt(receipt: ImReceipt): void {
    this.pending.get(receipt.messageId)?.settle({ status: 'delivered' });
  }

  /** Sends still waiting are answered now: their receipts could no longer arrive. */
  beforeApplicationShutdown(): void {
    for (const waiting of [...this.pending.values()]) waiting.settle({ status: 'failed', reason: 'timeout' });
  }

  /** Straight to the bus (Kafka producer, or the in-process broker), not through the outbox. */
  private async publish(
    topic: typeof Topics.imDelivery | typeof Topics.imReceipt,
    key: string,
    payload: ImDelivery | ImReceipt,
  ): Promise<void> {
    const envelope = createEnvelope({ type: topic, key, payload, correlationId: correlationIdOrNew() });
    await this.transport.publisher.publish([{ topic, key, envelope }]);
  }
}

function instantMessage(delivery: Delivered): InstantMessage {
  return { messageId: delivery.messageId, from: delivery.from, to: delivery.to, text: delivery.text, sentAt: delivery.sentAt };
}

function address(value: string): string {
  const parsed = mailboxKey.safeParse(value);
  if (!parsed.success) throw new PresenceCoreException(PresenceCoreErrorCode.InvalidAddress, `"${value}" is not an SMTP address`);
  return parsed.data;
}
