import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CalendarSyncDatabase, PresenceTimerRepository } from '@parley/calendar-sync/data-access';
import { Metrics } from '@parley/observability';
import { DueQueuePoller } from '@parley/persistence';
import { PresenceTimerService } from './presence-timer.service';

/** How the due-queue is polled (PARLEY_CALENDAR_TIMER_POLL_MAX_MS, PARLEY_CALENDAR_TIMER_BATCH_SIZE). */
export class PresenceTimerSettings {
  /** Longest sleep between looks at the queue (rows other replicas planned earlier are found by then). */
  pollMaxMs!: number;
  /** Most due rows fired per transaction. */
  batchSize!: number;
}

/**
 * The one timer of the process that drives the due-queue (the shared `DueQueuePoller`): it fires what
 * is due, then sleeps until the earliest row (at most `pollMaxMs`), and wakes at once after any local
 * write that may have planned an earlier row. Several replicas may poll one database: rows are
 * claimed with SKIP LOCKED.
 */
@Injectable()
export class PresenceTimerPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PresenceTimers');
  private readonly poller: DueQueuePoller;

  constructor(
    service: PresenceTimerService,
    timers: PresenceTimerRepository,
    settings: PresenceTimerSettings,
    metrics: Metrics,
    db: CalendarSyncDatabase,
  ) {
    this.poller = new DueQueuePoller(
      {
        fireDue: async (limit) => {
          const fired = await service.fireDue(limit);
          for (const f of fired) metrics.presenceTimerLateness.observe((f.firedAt - f.dueAt) / 1000);
          return fired.length;
        },
        nextDueAt: () => timers.nextDueAt(),
      },
      {
        pollMaxMs: settings.pollMaxMs,
        batchSize: settings.batchSize,
        onError: (error, retryInMs) =>
          this.logger.error(`the presence due-queue could not be polled; trying again in ${retryInMs} ms: ${String(error)}`),
      },
    );
    db.unitOfWork.onOutboxCommit(() => this.poller.nudge());
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Before the database closes (its own shutdown hook), so no firing is cut off mid-way. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.poller.start();
  }

  /** Stops polling and waits for a firing in progress to commit or roll back. */
  stop(): Promise<void> {
    return this.poller.stop();
  }
}
