import { Controller, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { oofChangedSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer, type KafkaStateReader, MessagingTransport } from '@parley/messaging';
import { ReadinessRegistry } from '@parley/observability';
import { OofReadModel } from './oof-read-model';

/**
 * Feeds the OOF read model from `calendar.oof.changed.v1`. One handler for both transports: on the
 * in-process bus the Nest server drives the @EventPattern (every handler of a topic gets every
 * event); on Kafka this replica's own state reader (a consumer group per process start, from the
 * beginning of the compacted topic) calls the same method, and `/readyz` waits for it to catch up.
 */
@Controller()
export class OofViewConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OofReadModel');
  private reader: KafkaStateReader | undefined;

  constructor(
    private readonly model: OofReadModel,
    private readonly envelopes: EnvelopeConsumer,
    private readonly transport: MessagingTransport,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @EventPattern(Topics.oofChanged)
  onOofChanged(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.oofChanged, raw, oofChangedSchema, async (event) => {
      this.model.apply(event.payload);
    });
  }

  onApplicationBootstrap(): void {
    const reader = this.transport.stateReader('oof-view', Topics.oofChanged, (raw) => this.onOofChanged(raw));
    if (reader === undefined) return;
    this.reader = reader;
    this.readiness.register('oof-read-model', () => reader.caughtUp);
    const started = Date.now();
    void reader.whenCaughtUp().then(() => {
      this.model.markComplete();
      this.logger.log(`caught up with ${Topics.oofChanged} in ${Date.now() - started} ms (${this.model.size} mailboxes)`);
    });
    // Joining a new group takes the broker's initial rebalance delay; requests meanwhile fall back
    // to request/reply, so start-up does not wait for it.
    reader
      .start()
      .catch((error: unknown) => this.logger.error(`the OOF read model could not start; reads stay on request/reply: ${String(error)}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reader?.close().catch(() => undefined);
  }
}
