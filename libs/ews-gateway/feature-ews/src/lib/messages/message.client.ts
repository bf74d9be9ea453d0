import { Injectable } from '@nestjs/common';
import {
  CONTENT_CHUNK_MAX_BYTES,
  type CreateMessageRequest,
  type SendMessageRequest,
  type SubmitMessageReply,
  submitMessageReplySchema,
  contentChunkReplySchema,
  type DeleteMessageReply,
  deleteMessageReplySchema,
  type FindMessagesReply,
  findMessagesReplySchema,
  type FindMessagesRequest,
  type MailboxCountsReply,
  mailboxCountsReplySchema,
  type MarkAllReadReply,
  markAllReadReplySchema,
  type MessageDisposal,
  type MessageFolderKind,
  type MessageView,
  messageSummarySchema,
  type MessageViewKind,
  messageViewSchema,
  type ReadContentRequest,
  Topics,
  type UpdateMessageRequest,
} from '@parley/contracts';
import { CommandBus } from '@parley/messaging';

/**
 * What the gateway reads of an update's or a move's reply: the message's id and new change key.
 * The store may answer the whole summary (or view); the rest is not needed to answer EWS.
 */
export const messageIdentitySchema = messageSummarySchema.pick({ id: true, changeKey: true });
export interface MessageIdentity {
  readonly id: string;
  readonly changeKey: string;
}

/** One content read to the end: the bytes, their content type, and for an attachment its name. */
export interface MessageContent {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly name: string | null;
}

export type MessageContentRef = ReadContentRequest['content'];

/**
 * Messages live in voicemail-ingest's store; the gateway reaches them by request/reply on the bus,
 * keyed by the mailbox (so a read follows this caller's earlier writes). Replies are checked by
 * `CommandBus.request`; a refusal is `CommandRefusedError` (see `messageErrorMessage`).
 */
@Injectable()
export class MessageClient {
  constructor(private readonly commands: CommandBus) {}

  async find(mailbox: string, page: Omit<FindMessagesRequest, 'mailbox'>): Promise<FindMessagesReply> {
    return this.commands.request(Topics.mailboxMessageFindRequest, mailbox, { mailbox, ...page }, findMessagesReplySchema);
  }

  async get(mailbox: string, itemId: string): Promise<MessageView> {
    return this.commands.request(Topics.mailboxMessageGetRequest, mailbox, { mailbox, itemId }, messageViewSchema);
  }

  /**
   * A message's MIME or an attachment's bytes, chunk after chunk (each well under a bus message's
   * limit) until the reported size is reached. A chunk that makes no progress ends the read with
   * what arrived, so a store that shrank the content meanwhile cannot loop the gateway forever.
   */
  async readContent(mailbox: string, content: MessageContentRef): Promise<MessageContent> {
    const chunks: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const chunk = await this.readChunk(mailbox, content, offset, CONTENT_CHUNK_MAX_BYTES);
      chunks.push(chunk.bytes);
      offset += chunk.bytes.length;
      if (offset >= chunk.size || chunk.bytes.length === 0) {
        return { bytes: Buffer.concat(chunks), contentType: chunk.contentType, name: chunk.name };
      }
    }
  }

  /**
   * The bytes `[start, end)` of a content, one bus read at a time, for a caller that passes each
   * on before asking for the next (an HTTP answer streamed to its client): at most one chunk is
   * held. Reads are cut at multiples of `CONTENT_CHUNK_MAX_BYTES` from the content's start, the
   * store's own chunking, so each read touches one stored chunk. Ends early, with what arrived,
   * when the content is shorter than asked; the caller stops it by not asking for more.
   */
  async *contentRange(mailbox: string, content: MessageContentRef, start: number, end: number): AsyncGenerator<Buffer> {
    let offset = start;
    while (offset < end) {
      const length = Math.min(end - offset, CONTENT_CHUNK_MAX_BYTES - (offset % CONTENT_CHUNK_MAX_BYTES));
      const chunk = await this.readChunk(mailbox, content, offset, length);
      if (chunk.bytes.length === 0) return;
      const bytes = chunk.bytes.length > end - offset ? chunk.bytes.subarray(0, end - offset) : chunk.bytes;
      offset += bytes.length;
      yield bytes;
    }
  }

  private async readChunk(
    mailbox: string,
    content: MessageContentRef,
    offset: number,
    length: number,
  ): Promise<{ bytes: Buffer; size: number; contentType: string; name: string | null }> {
    const chunk = await this.commands.request(
      Topics.mailboxContentReadRequest,
      mailbox,
      { mailbox, content, offset, length },
      contentChunkReplySchema,
    );
    return { bytes: Buffer.from(chunk.data, 'base64'), size: chunk.size, contentType: chunk.contentType, name: chunk.name };
  }

  async update(
    mailbox: string,
    update: Omit<UpdateMessageRequest, 'mailbox' | 'conflictResolution'> & Partial<Pick<UpdateMessageRequest, 'conflictResolution'>>,
  ): Promise<MessageIdentity> {
    return this.commands.request(Topics.mailboxMessageUpdateRequest, mailbox, { mailbox, ...update }, messageIdentitySchema);
  }

  async delete(mailbox: string, itemId: string, disposal: MessageDisposal): Promise<DeleteMessageReply> {
    return this.commands.request(Topics.mailboxMessageDeleteRequest, mailbox, { mailbox, itemId, disposal }, deleteMessageReplySchema);
  }

  async move(mailbox: string, itemId: string, to: MessageFolderKind): Promise<MessageIdentity> {
    return this.commands.request(Topics.mailboxMessageMoveRequest, mailbox, { mailbox, itemId, to }, messageIdentitySchema);
  }

  async markAllRead(mailbox: string, folders: MessageViewKind[], isRead: boolean): Promise<MarkAllReadReply> {
    return this.commands.request(Topics.mailboxMarkAllReadRequest, mailbox, { mailbox, folders, isRead }, markAllReadReplySchema);
  }

  /** Every message folder's counts, the voicemail view's and the quota, in one query. */
  async counts(mailbox: string): Promise<MailboxCountsReply> {
    return this.commands.request(Topics.mailboxCountsGetRequest, mailbox, { mailbox }, mailboxCountsReplySchema);
  }

  /** CreateItem of a message or a response: the store composes it, keeps the copy asked for and queues it. */
  async create(mailbox: string, message: CreateMessageRequest): Promise<SubmitMessageReply> {
    return this.commands.request(Topics.mailboxMessageCreateRequest, mailbox, { ...message, mailbox }, submitMessageReplySchema);
  }

  /** SendItem of a saved message. */
  async send(mailbox: string, send: Omit<SendMessageRequest, 'mailbox'>): Promise<SubmitMessageReply> {
    return this.commands.request(Topics.mailboxMessageSendRequest, mailbox, { ...send, mailbox }, submitMessageReplySchema);
  }
}
