import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { oofEffectiveChangedSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer } from '@parley/messaging';
import { Metrics } from '@parley/observability';
import { OofStateService } from './oof-state.service';

/** calendar-sync's effective OOF state, for the auto-replies (voicemail-ingest's group, one replica per partition). */
@Controller()
export class OofStateConsumer {
  constructor(
    private readonly state: OofStateService,
    private readonly consumer: EnvelopeConsumer,
    private readonly metrics: Metrics,
  ) {}

  @EventPattern(Topics.oofEffectiveChanged)
  onOofEffectiveChanged(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(Topics.oofEffectiveChanged, raw, oofEffectiveChangedSchema, async (event) => {
      const outcome = await this.state.apply(event.id, event.payload);
      this.metrics.messagesHandled.inc({ topic: Topics.oofEffectiveChanged, outcome });
    });
  }
}
