import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CalendarItemView, Reply, respondToMeetingRequestSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer, replyWith } from '@parley/messaging';
import { MeetingResponseService } from './meeting-response.service';

/** Bus handler for an attendee's answer to a meeting: validate, call the service, reply. */
@Controller()
export class MeetingResponseConsumer {
  constructor(
    private readonly responses: MeetingResponseService,
    private readonly consumer: EnvelopeConsumer,
  ) {}

  @MessagePattern(Topics.calendarItemRespondRequest)
  respond(@Payload() raw: unknown): Promise<Reply<CalendarItemView>> {
    return this.consumer.command(Topics.calendarItemRespondRequest, raw, respondToMeetingRequestSchema, (cmd) =>
      replyWith(() => this.responses.respond(cmd.id, cmd.payload)),
    );
  }
}
