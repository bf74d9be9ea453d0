import { Controller, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { calendarItemChangedSchema, Topics, workingHoursChangedSchema } from '@parley/contracts';
import { EnvelopeConsumer, type KafkaStateReader, MessagingTransport } from '@parley/messaging';
import { FreeBusyCache } from './free-busy-cache';

/**
 * Follows calendar-sync's changes to what a free/busy answer holds — calendar items and working
 * hours — to drop cached answers. As with the OOF read model: on the in-process bus the
 * @EventPattern handlers get every event (calendar items through the journal's consumer) and the
 * cache is live at once; on Kafka this replica's
 * own readers (a group per process start, from the end of each topic: only changes from now on
 * matter) call the same methods, and the cache goes live once both have fetched.
 */
@Controller()
export class FreeBusyInvalidationConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('FreeBusyCache');
  private readers: KafkaStateReader[] = [];

  constructor(
    private readonly cache: FreeBusyCache,
    private readonly envelopes: EnvelopeConsumer,
    private readonly transport: MessagingTransport,
  ) {}

  // Not an @EventPattern: the gateway's one handler of this topic is the notification journal's
  // (notifications/mailbox-event.consumer.ts), which drops this cache's answers as well.
  onCalendarItemChanged(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.calendarItemChanged, raw, calendarItemChangedSchema, async (event) => {
      this.cache.invalidate(event.payload.mailbox);
    });
  }

  @EventPattern(Topics.calendarWorkingHoursChanged)
  onWorkingHoursChanged(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.calendarWorkingHoursChanged, raw, workingHoursChangedSchema, async (event) => {
      this.cache.invalidate(event.payload.mailbox);
    });
  }

  onApplicationBootstrap(): void {
    const feeds = [
      this.transport.stateReader('free-busy-items', Topics.calendarItemChanged, (raw) => this.onCalendarItemChanged(raw), { from: 'end' }),
      this.transport.stateReader('free-busy-hours', Topics.calendarWorkingHoursChanged, (raw) => this.onWorkingHoursChanged(raw), {
        from: 'end',
      }),
    ];
    const readers = feeds.filter((r): r is KafkaStateReader => r !== undefined);
    if (readers.length === 0) {
      this.cache.enable();
      return;
    }
    this.readers = readers;
    void Promise.all(readers.map((r) => r.whenCaughtUp())).then(() => {
      this.cache.enable();
      this.logger.log('following calendar and working-hours changes: free/busy answers are cached');
    });
    for (const reader of readers) {
      reader
        .start()
        .catch((error: unknown) => this.logger.error(`a free/busy change feed could not start; answers are not cached: ${String(error)}`));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.close().catch(() => undefined)));
  }
}
