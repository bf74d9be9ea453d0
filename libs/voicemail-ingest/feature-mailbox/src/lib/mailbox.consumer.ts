import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ContentChunkReply,
  createMessageRequestSchema,
  sendMessageRequestSchema,
  SubmitMessageReply,
  DeleteMessageReply,
  deleteMessageRequestSchema,
  FindMessagesReply,
  findMessagesRequestSchema,
  getMailboxCountsRequestSchema,
  getMessageRequestSchema,
  MailboxCountsReply,
  MarkAllReadReply,
  markAllReadRequestSchema,
  MessageView,
  moveMessageRequestSchema,
  readContentRequestSchema,
  Reply,
  Topics,
  updateMessageRequestSchema,
} from '@parley/contracts';
import { EnvelopeConsumer, replyWith } from '@parley/messaging';
import { MailboxService } from './mailbox.service';
import { MessageSubmissionService } from './message-submission.service';

/** Bus handlers for the gateway's message operations: validate, call the service, reply. */
@Controller()
export class MailboxConsumer {
  constructor(
    private readonly mailbox: MailboxService,
    private readonly submission: MessageSubmissionService,
    private readonly consumer: EnvelopeConsumer,
  ) {}

  @MessagePattern(Topics.mailboxMessageFindRequest)
  find(@Payload() raw: unknown): Promise<Reply<FindMessagesReply>> {
    return this.consumer.command(Topics.mailboxMessageFindRequest, raw, findMessagesRequestSchema, (q) =>
      replyWith(() => this.mailbox.find(q.payload)),
    );
  }

  @MessagePattern(Topics.mailboxMessageGetRequest)
  get(@Payload() raw: unknown): Promise<Reply<MessageView>> {
    return this.consumer.command(Topics.mailboxMessageGetRequest, raw, getMessageRequestSchema, (q) =>
      replyWith(() => this.mailbox.get(q.payload)),
    );
  }

  @MessagePattern(Topics.mailboxContentReadRequest)
  readContent(@Payload() raw: unknown): Promise<Reply<ContentChunkReply>> {
    return this.consumer.command(Topics.mailboxContentReadRequest, raw, readContentRequestSchema, (q) =>
      replyWith(() => this.mailbox.readContent(q.payload)),
    );
  }

  @MessagePattern(Topics.mailboxCountsGetRequest)
  counts(@Payload() raw: unknown): Promise<Reply<MailboxCountsReply>> {
    return this.consumer.command(Topics.mailboxCountsGetRequest, raw, getMailboxCountsRequestSchema, (q) =>
      replyWith(() => this.mailbox.counts(q.payload)),
    );
  }

  @MessagePattern(Topics.mailboxMessageUpdateRequest)
  update(@Payload() raw: unknown): Promise<Reply<MessageView>> {
    return this.consumer.command(Topics.mailboxMessageUpdateRequest, raw, updateMessageRequestSchema, (cmd) =>
      replyWith(() => this.mailbox.update(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.mailboxMessageDeleteRequest)
  delete(@Payload() raw: unknown): Promise<Reply<DeleteMessageReply>> {
    return this.consumer.command(Topics.mailboxMessageDeleteRequest, raw, deleteMessageRequestSchema, (cmd) =>
      replyWith(() => this.mailbox.delete(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.mailboxMessageMoveRequest)
  move(@Payload() raw: unknown): Promise<Reply<MessageView>> {
    return this.consumer.command(Topics.mailboxMessageMoveRequest, raw, moveMessageRequestSchema, (cmd) =>
      replyWith(() => this.mailbox.move(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.mailboxMarkAllReadRequest)
  markAllRead(@Payload() raw: unknown): Promise<Reply<MarkAllReadReply>> {
    return this.consumer.command(Topics.mailboxMarkAllReadRequest, raw, markAllReadRequestSchema, (cmd) =>
      replyWith(() => this.mailbox.markAllRead(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.mailboxMessageCreateRequest)
  create(@Payload() raw: unknown): Promise<Reply<SubmitMessageReply>> {
    return this.consumer.command(Topics.mailboxMessageCreateRequest, raw, createMessageRequestSchema, (cmd) =>
      replyWith(() => this.submission.create(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.mailboxMessageSendRequest)
  send(@Payload() raw: unknown): Promise<Reply<SubmitMessageReply>> {
    return this.consumer.command(Topics.mailboxMessageSendRequest, raw, sendMessageRequestSchema, (cmd) =>
      replyWith(() => this.submission.send(cmd.id, cmd.payload)),
    );
  }
}
