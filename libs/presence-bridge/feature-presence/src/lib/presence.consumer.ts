import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { oofChangedSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer } from '@parley/messaging';
import { Metrics } from '@parley/observability';
import { PresenceService } from './presence.service';

@Controller()
export class PresenceConsumer {
  constructor(
    private readonly presence: PresenceService,
    private readonly consumer: EnvelopeConsumer,
    private readonly metrics: Metrics,
  ) {}

  @EventPattern(Topics.oofChanged)
  onOofChanged(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(Topics.oofChanged, raw, oofChangedSchema, async (event) => {
      const outcome = await this.presence.applyOof(event.id, event.payload);
      this.metrics.messagesHandled.inc({ topic: Topics.oofChanged, outcome });
    });
  }
}
