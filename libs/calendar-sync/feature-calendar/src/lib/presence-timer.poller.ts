import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CalendarSyncDatabase, PresenceTimerRepository } from '@parley/calendar-sync/data-access';
import { Metrics } from '@parley/observability';
import { PresenceTimerService } from './presence-timer.service';

/** How the due-queue is polled (PARLEY_CALENDAR_TIMER_POLL_MAX_MS, PARLEY_CALENDAR_TIMER_BATCH_SIZE). */
export class PresenceTimerSettings {
  /** Longest sleep between looks at the queue (rows other replicas planned earlier are found by then). */
  pollMaxMs!: number;
  /** Most due rows fired per transaction. */
  batchSize!: number;
}

/**
 * The one timer of the process that drives the due-queue: it fires what is due, then sleeps until
 * the earliest row (at most `pollMaxMs`), and wakes at once after any local write that may have
 * planned an earlier row. Several replicas may poll one database: rows are claimed with SKIP LOCKED.
 */
@Injectable()
export class PresenceTimerPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PresenceTimers');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Counts local commits; one arriving while the next sleep is being computed cuts the sleep short. */
  private nudges = 0;

  constructor(
    private readonly service: PresenceTimerService,
    private readonly timers: PresenceTimerRepository,
    private readonly settings: PresenceTimerSettings,
    private readonly metrics: Metrics,
    db: CalendarSyncDatabase,
  ) {
    db.unitOfWork.onOutboxCommit(() => this.nudge());
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Before the database closes (its own shutdown hook), so no firing is cut off mid-way. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wake(0);
  }

  /** Stops polling and waits for a firing in progress to commit or roll back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private nudge(): void {
    this.nudges++;
    if (!this.running) this.wake(0);
  }

  private wake(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick().finally(() => (this.running = null));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let delay = this.settings.pollMaxMs;
    try {
      while (!this.stopped) {
        const fired = await this.service.fireDue(this.settings.batchSize);
        for (const f of fired) this.metrics.presenceTimerLateness.observe((f.firedAt - f.dueAt) / 1000);
        if (fired.length < this.settings.batchSize) break;
      }
      const seen = this.nudges;
      const next = await this.timers.nextDueAt();
      if (this.nudges !== seen) delay = 0;
      else if (next) delay = Math.min(Math.max(next.getTime() - Date.now(), 0), this.settings.pollMaxMs);
    } catch (err) {
      this.logger.error(`the presence due-queue could not be polled; trying again in ${delay} ms: ${String(err)}`);
    }
    this.wake(delay);
  }
}
