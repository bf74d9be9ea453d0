import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BlobSweeper } from '@parley/voicemail-ingest/data-access';

/** How often orphan blobs are looked for (PARLEY_MAILBOX_SWEEP_INTERVAL_MS). */
export abstract class BlobSweepSettings {
  abstract readonly intervalMs: number;
}

/**
 * Runs the orphan-blob sweeper on an interval. Several replicas may sweep one store at once: each
 * removal is checked under the blob's exclusive lock, so they only repeat each other's reads.
 */
@Injectable()
export class BlobSweepPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('BlobSweeper');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly sweeper: BlobSweeper,
    private readonly settings: BlobSweepSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweepOnce().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  private async sweepOnce(): Promise<void> {
    try {
      const result = await this.sweeper.sweep();
      if (result.removed > 0 || result.abandonedWrites > 0) this.log.log({ ...result }, 'removed orphan blobs');
    } catch (error) {
      this.log.error({ err: error }, 'the orphan blob sweep failed; trying again at the next interval');
    }
  }
}
