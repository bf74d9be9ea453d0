import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { imipReceivedEventSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer } from '@parley/messaging';
import { ImipReplyService } from './imip-reply.service';

/** iMIP replies voicemail-ingest found in delivered mail (calendar-sync's group, one replica per partition). */
@Controller()
export class ImipReplyConsumer {
  constructor(
    private readonly replies: ImipReplyService,
    private readonly consumer: EnvelopeConsumer,
  ) {}

  @EventPattern(Topics.mailboxImipReceived)
  onReplyReceived(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(Topics.mailboxImipReceived, raw, imipReceivedEventSchema, async (event) => {
      await this.replies.apply(event);
    });
  }
}
