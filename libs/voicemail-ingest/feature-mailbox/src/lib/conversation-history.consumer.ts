import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { imConversationEndedEventSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer } from '@parley/messaging';
import { Metrics } from '@parley/observability';
import { ConversationHistoryService } from './conversation-history.service';

/** presence-bridge's ended IM conversations, filed in the participant's mailbox (voicemail-ingest's group, one replica per partition). */
@Controller()
export class ConversationHistoryConsumer {
  constructor(
    private readonly history: ConversationHistoryService,
    private readonly consumer: EnvelopeConsumer,
    private readonly metrics: Metrics,
  ) {}

  @EventPattern(Topics.imConversationEnded)
  onConversationEnded(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(Topics.imConversationEnded, raw, imConversationEndedEventSchema, async (event) => {
      for (const outcome of await this.history.file(event))
        this.metrics.messagesHandled.inc({ topic: Topics.imConversationEnded, outcome });
    });
  }
}
