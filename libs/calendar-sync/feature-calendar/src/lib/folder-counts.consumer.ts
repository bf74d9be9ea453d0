import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FolderCountsReply, getFolderCountsRequestSchema, Reply, Topics } from '@parley/contracts';
import { EnvelopeConsumer, replyWith } from '@parley/messaging';
import { FolderCountsService } from './folder-counts.service';

/** Bus handler for the folder-count query: validate, count, reply. It refuses nothing; a failure propagates (retry). */
@Controller()
export class FolderCountsConsumer {
  constructor(
    private readonly counts: FolderCountsService,
    private readonly consumer: EnvelopeConsumer,
  ) {}

  @MessagePattern(Topics.calendarFolderCountsGetRequest)
  get(@Payload() raw: unknown): Promise<Reply<FolderCountsReply>> {
    return this.consumer.command(Topics.calendarFolderCountsGetRequest, raw, getFolderCountsRequestSchema, (q) =>
      replyWith(() => this.counts.get(q.payload)),
    );
  }
}
