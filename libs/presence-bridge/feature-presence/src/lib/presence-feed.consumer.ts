import { Controller, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { imDeliverySchema, imReceiptSchema, presenceChangedSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer, type KafkaStateReader, MessagingTransport } from '@parley/messaging';
import { Metrics, ReadinessRegistry } from '@parley/observability';
import { EndpointRegistry } from './endpoint-registry';
import { InstantMessageRouter } from './instant-message.router';
import { PresenceFanout } from './presence-fanout';

/**
 * The topics every presence-bridge replica reads for the clients connected to it: presence changes
 * (for its watchers), IMs and typing notices (for its endpoints) and IM receipts (for its senders).
 * One handler each for both transports: on the in-process bus the @EventPatterns get every event;
 * on Kafka each replica reads each topic from the end with a reader of its own (a consumer group
 * per process start; the service's shared group skips these topics, see REPLICA_FEED_TOPICS), and
 * `/readyz` waits until the readers have their offsets, so nothing published after that is missed.
 */
@Controller()
export class PresenceFeedConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PresenceFeeds');
  private readers: KafkaStateReader[] = [];

  constructor(
    private readonly fanout: PresenceFanout,
    private readonly messages: InstantMessageRouter,
    private readonly envelopes: EnvelopeConsumer,
    private readonly transport: MessagingTransport,
    private readonly readiness: ReadinessRegistry,
    metrics: Metrics,
    endpoints: EndpointRegistry,
  ) {
    metrics.watchPresence(() => ({
      subscriptions: fanout.stats.subscriptions,
      watchedUsers: fanout.stats.watchedTargets,
      endpoints: endpoints.size,
      imsWaiting: messages.waiting,
    }));
  }

  @EventPattern(Topics.presenceChanged)
  onPresenceChanged(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.presenceChanged, raw, presenceChangedSchema, async (event) => this.fanout.deliver(event.payload));
  }

  @EventPattern(Topics.imDelivery)
  onImDelivery(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.imDelivery, raw, imDeliverySchema, (event) => this.messages.deliver(event.payload));
  }

  @EventPattern(Topics.imReceipt)
  onImReceipt(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.imReceipt, raw, imReceiptSchema, async (event) => this.messages.receipt(event.payload));
  }

  /** On Kafka: resolves once every reader has its starting offsets (at once on the in-process bus). */
  whenFollowing(): Promise<void> {
    return Promise.all(this.readers.map((r) => r.whenCaughtUp())).then(() => undefined);
  }

  onApplicationBootstrap(): void {
    const feeds = [
      this.transport.stateReader('presence-changes', Topics.presenceChanged, (raw) => this.onPresenceChanged(raw), { from: 'end' }),
      this.transport.stateReader('im-deliveries', Topics.imDelivery, (raw) => this.onImDelivery(raw), { from: 'end' }),
      this.transport.stateReader('im-receipts', Topics.imReceipt, (raw) => this.onImReceipt(raw), { from: 'end' }),
    ];
    this.readers = feeds.filter((r): r is KafkaStateReader => r !== undefined);
    if (this.readers.length === 0) return;
    const readers = this.readers;
    this.readiness.register('presence-feeds', () => readers.every((r) => r.caughtUp));
    for (const reader of readers) {
      reader
        .start()
        .catch((error: unknown) => this.logger.error(`a presence feed could not start; watchers here miss changes: ${String(error)}`));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.close().catch(() => undefined)));
  }
}
