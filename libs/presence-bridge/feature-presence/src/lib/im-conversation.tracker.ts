import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { IM_CONVERSATION_LIMITS, type ImConversationEndedEvent, Topics } from '@parley/contracts';
import { DirectoryRepository } from '@parley/directory';
import { DueQueuePoller, type Transaction } from '@parley/persistence';
import {
  BlockListRepository,
  type EndedConversation,
  ImConversationRepository,
  PresenceBridgeDatabase,
} from '@parley/presence-bridge/data-access';
import { randomUUID } from 'node:crypto';
import { PresenceCoreOptions } from './presence-core.options';

/** A conversation whose end fails to be announced on its own is tried again this much later (the others go on). */
export const FAILED_CONVERSATION_END_RETRY_MS = 60_000;

/**
 * IM conversation history. Every IM the core routes between two users — from any front — joins
 * the pair's open conversation (`im_conversation`, durable, within `IM_CONVERSATION_LIMITS`), and
 * an IM to a user with no connected client joins it as missed. When no IM has passed for
 * `imConversationIdleMs`, the conversation ends: this poller (one per replica, the shared
 * `DueQueuePoller` over `im_conversation.ends_at`) claims it with `FOR UPDATE SKIP LOCKED`, puts
 * `presence.im.conversation-ended.v1` in the outbox once per participant (keyed by that mailbox)
 * and removes its rows in the same transaction: it ends exactly once across replicas and restarts.
 */
@Injectable()
export class ImConversationTracker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ImConversations');
  private readonly poller: DueQueuePoller;

  constructor(
    private readonly db: PresenceBridgeDatabase,
    private readonly conversations: ImConversationRepository,
    private readonly blocks: BlockListRepository,
    private readonly directory: DirectoryRepository,
    private readonly options: PresenceCoreOptions,
  ) {
    this.poller = new DueQueuePoller(
      { fireDue: (limit) => this.fireDue(limit), nextDueAt: () => this.conversations.nextDueAt() },
      {
        pollMaxMs: options.timerPollMaxMs,
        batchSize: options.timerBatchSize,
        onError: (error, retryInMs) =>
          this.logger.error(`ended IM conversations could not be polled; trying again in ${retryInMs} ms: ${String(error)}`),
      },
    );
  }

  onApplicationBootstrap(): void {
    this.poller.start();
  }

  /** Before the database closes, so no conversation's end is cut off mid-way. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }

  start(): void {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** An IM one of `to`'s clients took. */
  delivered(from: string, to: string, text: string, sentAt: Date): Promise<void> {
    return this.record({ from, to, text, sentAt, delivered: true });
  }

  /**
   * An IM answered `recipient-offline`: kept as missed when `to` is a user of the directory who has
   * not blocked `from` (a blocked sender's IMs leave no trace with the recipient).
   */
  async missed(from: string, to: string, text: string, sentAt: Date): Promise<void> {
    if (from === to || (await this.blocks.isBlocked(to, from)) || (await this.directory.findByAddress(to)) === null) return;
    await this.record({ from, to, text, sentAt, delivered: false });
  }

  private async record(im: { from: string; to: string; text: string; sentAt: Date; delivered: boolean }): Promise<void> {
    if (im.from === im.to) return;
    const endsAt = new Date(im.sentAt.getTime() + this.options.imConversationIdleMs);
    // PostgreSQL text cannot hold NUL.
    const text = im.text.replaceAll('\u0000', '\uFFFD');
    await this.db.unitOfWork.run((tx) => this.conversations.record(tx, { ...im, text }, randomUUID(), endsAt, IM_CONVERSATION_LIMITS));
    this.poller.plannedAt(endsAt);
  }

  /**
   * Ends up to `limit` due conversations in one transaction. If that fails, they are taken one
   * transaction each; one failing alone is postponed by FAILED_CONVERSATION_END_RETRY_MS and logged.
   */
  async fireDue(limit: number, clock: () => number = Date.now): Promise<number> {
    try {
      return await this.db.unitOfWork.run((tx) => this.endIn(tx, limit, new Date(clock())));
    } catch (error) {
      this.logger.warn(`a batch of ended IM conversations failed, taking them one by one: ${String(error)}`);
      let fired = 0;
      for (let n = 0; n < limit; n++) {
        let claimed: string | null = null;
        try {
          const one = await this.db.unitOfWork.run((tx) => this.endIn(tx, 1, new Date(clock()), (id) => (claimed = id)));
          if (one === 0) break;
          fired++;
        } catch (failure) {
          if (claimed === null) throw failure;
          const id: string = claimed;
          this.logger.error(
            `ending IM conversation ${id} failed; trying again in ${FAILED_CONVERSATION_END_RETRY_MS} ms: ${String(failure)}`,
          );
          await this.db.unitOfWork.run((tx) => this.conversations.postpone(tx, id, new Date(clock() + FAILED_CONVERSATION_END_RETRY_MS)));
        }
      }
      return fired;
    }
  }

  private async endIn(tx: Transaction, limit: number, now: Date, onClaim?: (id: string) => void): Promise<number> {
    const due = await this.conversations.claimDue(tx, now, limit);
    for (const conversation of due) {
      onClaim?.(conversation.id);
      for (const mailbox of conversation.participants) {
        await tx.publish(Topics.imConversationEnded, mailbox, endedEvent(conversation, mailbox));
      }
    }
    await this.conversations.remove(
      tx,
      due.map((c) => c.id),
    );
    return due.length;
  }
}

function endedEvent(conversation: EndedConversation, mailbox: string): ImConversationEndedEvent {
  return {
    conversationId: conversation.id,
    mailbox,
    participants: conversation.participants,
    startedAt: conversation.startedAt.toISOString(),
    lastMessageAt: conversation.lastMessageAt.toISOString(),
    messages: conversation.messages.map((m) => ({ ...m, sentAt: m.sentAt.toISOString() })),
    omittedMessages: conversation.messageCount - conversation.messages.length,
  };
}
