import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DueQueuePoller, type Transaction } from '@parley/persistence';
import { PresenceBridgeDatabase, UserPresenceRepository } from '@parley/presence-bridge/data-access';
import { PresenceCoreOptions } from './presence-core.options';
import { PresenceViewPublisher } from './presence-view.publisher';

/** A user whose re-evaluation fails on its own is tried again this much later (the others go on). */
export const FAILED_REEVALUATION_RETRY_MS = 60_000;

/**
 * Time alone changes presence: a hand-set state expires, a client crosses the idle or away
 * threshold, a calendar state's end passes. Each republication stores the next such instant in
 * `user_presence.reevaluate_at`; this poller (one per replica, the shared `DueQueuePoller`) claims
 * due users with `FOR UPDATE SKIP LOCKED` and republishes them in the transaction that moves their
 * row on, so each is re-evaluated exactly once across replicas. No timer per user: one per process.
 */
@Injectable()
export class PresenceReevaluationPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PresenceReevaluation');
  private readonly poller: DueQueuePoller;

  constructor(
    private readonly db: PresenceBridgeDatabase,
    private readonly presences: UserPresenceRepository,
    private readonly publisher: PresenceViewPublisher,
    options: PresenceCoreOptions,
  ) {
    this.poller = new DueQueuePoller(
      { fireDue: (limit) => this.fireDue(limit), nextDueAt: () => this.presences.nextDueAt() },
      {
        pollMaxMs: options.timerPollMaxMs,
        batchSize: options.timerBatchSize,
        onError: (error, retryInMs) =>
          this.logger.error(`presence re-evaluations could not be polled; trying again in ${retryInMs} ms: ${String(error)}`),
      },
    );
    publisher.onPlanned((at) => this.poller.plannedAt(at));
  }

  onApplicationBootstrap(): void {
    this.poller.start();
  }

  /** Before the database closes, so no re-evaluation is cut off mid-way. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }

  start(): void {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /**
   * Re-evaluates up to `limit` due users in one transaction. If that fails, they are taken one
   * transaction each, so one user's bad data cannot hold back the others; a user failing alone is
   * postponed by FAILED_REEVALUATION_RETRY_MS and logged.
   */
  async fireDue(limit: number, clock: () => number = Date.now): Promise<number> {
    try {
      return await this.db.unitOfWork.run((tx) => this.fireIn(tx, limit, new Date(clock())));
    } catch (error) {
      this.logger.warn(`a batch of presence re-evaluations failed, taking them one by one: ${String(error)}`);
      let fired = 0;
      for (let n = 0; n < limit; n++) {
        let claimed: string | null = null;
        try {
          const one = await this.db.unitOfWork.run((tx) => this.fireIn(tx, 1, new Date(clock()), (mailbox) => (claimed = mailbox)));
          if (one === 0) break;
          fired++;
        } catch (failure) {
          if (claimed === null) throw failure;
          const mailbox: string = claimed;
          this.logger.error(
            `re-evaluating ${mailbox}'s presence failed; trying again in ${FAILED_REEVALUATION_RETRY_MS} ms: ${String(failure)}`,
          );
          await this.db.unitOfWork.run(async (tx) => {
            const row = await this.presences.lock(tx, mailbox);
            await this.presences.save(tx, { ...row, reevaluateAt: new Date(clock() + FAILED_REEVALUATION_RETRY_MS) });
          });
        }
      }
      return fired;
    }
  }

  private async fireIn(tx: Transaction, limit: number, now: Date, onClaim?: (mailbox: string) => void): Promise<number> {
    const due = await this.presences.claimDue(tx, now, limit);
    for (const { mailbox } of due) {
      onClaim?.(mailbox);
      await this.publisher.republish(tx, mailbox, now);
    }
    return due.length;
  }
}
