/** A table of "look at X at time T" rows that several replicas fire, each row once (claimed with SKIP LOCKED). */
export interface DueQueue {
  /** Fires up to `limit` rows due now in one transaction; returns how many it fired (a full batch: more may be due). */
  fireDue(limit: number): Promise<number>;
  /** The earliest due time of the queue; null when it is empty. */
  nextDueAt(): Promise<Date | null>;
}

export interface DueQueuePollerOptions {
  /** Longest sleep between looks at the queue (rows other replicas planned earlier are found by then). */
  pollMaxMs: number;
  /** Most due rows fired per transaction. */
  batchSize: number;
  /** A failed look; the poller tries again after `retryInMs`. */
  onError: (error: unknown, retryInMs: number) => void;
}

/**
 * The one timer of a process that drives a due-queue: it fires what is due (batch after batch while
 * batches come back full), then sleeps until the earliest row (at most `pollMaxMs`), and wakes at
 * once when `nudge()` says a local write may have planned an earlier row. Exactly-once firing is the
 * queue's business (row locks); the poller only decides when to look, so any number of replicas may
 * run one on the same table.
 */
export class DueQueuePoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Counts nudges; one arriving while the next sleep is being computed cuts the sleep short. */
  private nudges = 0;
  /** When the current sleep ends (ms since the epoch). */
  private wakeAt = Number.POSITIVE_INFINITY;
  /** The earliest row planned (`plannedAt`) while a look was running. */
  private plannedWhileRunning: number | null = null;

  constructor(
    private readonly queue: DueQueue,
    private readonly options: DueQueuePollerOptions,
  ) {}

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

  /** A local commit may have planned a row earlier than the current sleep: look now. */
  nudge(): void {
    this.nudges++;
    if (!this.running) this.wake(0);
  }

  /**
   * A local write planned (or is about to commit) a row due at `at`: if that is before the end of
   * the current sleep, wake then instead. Costs no query, unlike `nudge`, so writers that plan rows
   * in the future call this on every write.
   */
  plannedAt(at: Date): void {
    if (this.stopped) return;
    const due = at.getTime();
    if (this.running) {
      this.plannedWhileRunning = Math.min(this.plannedWhileRunning ?? due, due);
      return;
    }
    if (due < this.wakeAt) this.wake(Math.max(due - Date.now(), 0));
  }

  private wake(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.running = this.tick().finally(() => (this.running = null));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let delay = this.options.pollMaxMs;
    try {
      while (!this.stopped) {
        const fired = await this.queue.fireDue(this.options.batchSize);
        if (fired < this.options.batchSize) break;
      }
      const seen = this.nudges;
      const next = await this.queue.nextDueAt();
      if (this.nudges !== seen) delay = 0;
      else if (next) delay = Math.min(Math.max(next.getTime() - Date.now(), 0), this.options.pollMaxMs);
    } catch (error) {
      this.options.onError(error, delay);
    }
    if (this.plannedWhileRunning !== null) delay = Math.min(delay, Math.max(this.plannedWhileRunning - Date.now(), 0));
    this.plannedWhileRunning = null;
    this.wake(delay);
  }
}
