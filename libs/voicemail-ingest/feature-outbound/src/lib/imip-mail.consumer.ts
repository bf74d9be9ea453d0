import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { imipOutgoingEventSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer } from '@parley/messaging';
import { ImipMailService } from './imip-mail.service';

/** calendar-sync's iMIP messages for external attendees (voicemail-ingest's group, one replica per partition). */
@Controller()
export class ImipMailConsumer {
  constructor(
    private readonly imip: ImipMailService,
    private readonly consumer: EnvelopeConsumer,
  ) {}

  @EventPattern(Topics.calendarImipOutgoing)
  onOutgoing(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(Topics.calendarImipOutgoing, raw, imipOutgoingEventSchema, async (event) => {
      await this.imip.send(event);
    });
  }
}
