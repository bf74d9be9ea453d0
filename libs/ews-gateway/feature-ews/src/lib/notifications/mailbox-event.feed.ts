import { Controller, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { mailboxEventAppendedSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer, type KafkaStateReader, MessagingTransport } from '@parley/messaging';
import { StreamingHub } from './streaming-hub';

/**
 * Every replica's feed of journaled events, for the streaming connections it holds. On the
 * in-process bus the @EventPattern gets each event; on Kafka this replica's own reader (a group per
 * process start, from the end: a connection catches up from the journal, not from the topic) does.
 */
@Controller()
export class MailboxEventFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EwsStreaming');
  private reader: KafkaStateReader | undefined;

  constructor(
    private readonly hub: StreamingHub,
    private readonly envelopes: EnvelopeConsumer,
    private readonly transport: MessagingTransport,
  ) {}

  @EventPattern(Topics.mailboxEventAppended)
  onAppended(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.mailboxEventAppended, raw, mailboxEventAppendedSchema, async ({ payload }) => {
      this.hub.dispatch({ ...payload, occurredAt: new Date(payload.occurredAt) });
    });
  }

  onApplicationBootstrap(): void {
    this.reader = this.transport.stateReader('ews-streaming', Topics.mailboxEventAppended, (raw) => this.onAppended(raw), { from: 'end' });
    this.reader?.start().catch((error: unknown) => this.logger.error(`the streaming notification feed could not start: ${String(error)}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reader?.close().catch(() => undefined);
  }
}
