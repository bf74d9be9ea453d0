import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { calendarPresenceStateChangedSchema, messageWaitingChangedEventSchema, oofEffectiveChangedSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer } from '@parley/messaging';
import { Metrics } from '@parley/observability';
import { PresenceSourcesService } from './presence-sources.service';

/**
 * The announced presence sources — calendar-sync's OOF and calendar state, voicemail-ingest's voicemail
 * counts — consumed by presence-bridge's service group (one replica per partition).
 */
@Controller()
export class PresenceConsumer {
  constructor(
    private readonly sources: PresenceSourcesService,
    private readonly consumer: EnvelopeConsumer,
    private readonly metrics: Metrics,
  ) {}

  @EventPattern(Topics.oofEffectiveChanged)
  onOofEffectiveChanged(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(Topics.oofEffectiveChanged, raw, oofEffectiveChangedSchema, async (event) => {
      const outcome = await this.sources.applyOof(event.id, event.payload);
      this.metrics.messagesHandled.inc({ topic: Topics.oofEffectiveChanged, outcome });
    });
  }

  @EventPattern(Topics.calendarPresenceStateChanged)
  onCalendarPresenceStateChanged(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(Topics.calendarPresenceStateChanged, raw, calendarPresenceStateChangedSchema, async (event) => {
      const outcome = await this.sources.applyCalendar(event.id, event.payload);
      this.metrics.messagesHandled.inc({ topic: Topics.calendarPresenceStateChanged, outcome });
    });
  }

  @EventPattern(Topics.messageWaitingChanged)
  onMessageWaitingChanged(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(Topics.messageWaitingChanged, raw, messageWaitingChangedEventSchema, async (event) => {
      const outcome = await this.sources.applyMessageWaiting(event.id, event.payload);
      this.metrics.messagesHandled.inc({ topic: Topics.messageWaitingChanged, outcome });
    });
  }
}
