import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MailboxEventJournal, NotificationSubscriptionRepository } from '@parley/ews-gateway/data-access';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from '../ews-options';

const SWEEP_EVERY_MS = 60_000;
const BATCH = 5_000;

/**
 * Removes journal entries older than `PARLEY_EWS_EVENT_RETENTION_HOURS` and subscriptions past
 * their expiry. Every replica runs it; the deletes are idempotent and batched.
 */
@Injectable()
export class NotificationRetentionPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EwsNotifications');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly journal: MailboxEventJournal,
    private readonly subscriptions: NotificationSubscriptionRepository,
    @Inject(EWS_ENDPOINT_OPTIONS) private readonly options: Pick<EwsEndpointOptions, 'notifications'>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running === undefined) this.running = this.sweep().finally(() => (this.running = undefined));
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async sweep(now = new Date()): Promise<void> {
    try {
      const cutoff = new Date(now.getTime() - this.options.notifications.eventRetentionMs);
      while ((await this.journal.purgeOlderThan(cutoff, BATCH)) === BATCH);
      while ((await this.subscriptions.removeExpired(now, BATCH)) === BATCH);
    } catch (error) {
      this.logger.warn(`notification retention sweep failed: ${String(error)}`);
    }
  }
}
