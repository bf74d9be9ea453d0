import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { getWorkingHoursRequestSchema, Reply, setWorkingHoursRequestSchema, Topics, WorkingHoursView } from '@parley/contracts';
import { EnvelopeConsumer, replyWith } from '@parley/messaging';
import { WorkingHoursService } from './working-hours.service';

/** Bus handlers for working-hours commands: validate, call the service, reply. */
@Controller()
export class WorkingHoursConsumer {
  constructor(
    private readonly workingHours: WorkingHoursService,
    private readonly consumer: EnvelopeConsumer,
  ) {}

  @MessagePattern(Topics.calendarWorkingHoursSetRequest)
  set(@Payload() raw: unknown): Promise<Reply<WorkingHoursView>> {
    return this.consumer.command(Topics.calendarWorkingHoursSetRequest, raw, setWorkingHoursRequestSchema, (cmd) => replyWith(() => this.workingHours.set(cmd.id, cmd.payload)));
  }

  @MessagePattern(Topics.calendarWorkingHoursGetRequest)
  get(@Payload() raw: unknown): Promise<Reply<WorkingHoursView>> {
    return this.consumer.command(Topics.calendarWorkingHoursGetRequest, raw, getWorkingHoursRequestSchema, (q) => replyWith(() => this.workingHours.get(q.payload.mailbox)));
  }
}
