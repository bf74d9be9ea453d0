import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { getOofRequestSchema, OofView, Reply, setOofRequestSchema, Topics } from '@parley/contracts';
import { EnvelopeConsumer, replyWith } from '@parley/messaging';
import { OofService } from './oof.service';

/** Bus handlers for OOF commands: validate, call the service, reply. */
@Controller()
export class OofConsumer {
  constructor(
    private readonly oof: OofService,
    private readonly consumer: EnvelopeConsumer,
  ) {}

  @MessagePattern(Topics.oofSetRequest)
  set(@Payload() raw: unknown): Promise<Reply<OofView>> {
    return this.consumer.command(Topics.oofSetRequest, raw, setOofRequestSchema, (cmd) =>
      replyWith(() => this.oof.set(cmd.id, cmd.payload.mailbox, cmd.payload.settings)),
    );
  }

  @MessagePattern(Topics.oofGetRequest)
  get(@Payload() raw: unknown): Promise<Reply<OofView>> {
    return this.consumer.command(Topics.oofGetRequest, raw, getOofRequestSchema, (q) => replyWith(() => this.oof.get(q.payload.mailbox)));
  }
}
