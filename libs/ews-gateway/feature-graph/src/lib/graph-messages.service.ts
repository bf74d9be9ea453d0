import { Injectable } from '@nestjs/common';
import {
  type AttachmentSummary,
  CommandErrorCodes,
  decodeAttachmentId,
  decodeMessageId,
  type FindMessagesReply,
  isMessageAttachmentId,
  isMessageItemId,
  messageIdOfAttachment,
  type MessageView,
  type MessageViewKind,
  messageViewKinds,
} from '@parley/contracts';
import type { DirectoryUser } from '@parley/directory';
import { MessageClient } from '@parley/ews-gateway/feature-ews';
import { badRequest, GraphErrorCode, GraphRequestError, idMalformed, itemNotFound } from '@parley/graph';
import { CommandRefusedError } from '@parley/messaging';
import { GraphMailboxAccess, ownerTimeout } from './mailbox-access';
import type { MessageListQuery } from './query-options';

/** A folder's page, for the mailbox it was read from. */
export interface MessagePage {
  user: DirectoryUser;
  found: FindMessagesReply;
}

/** An attachment checked to belong to the message and mailbox it was asked under. */
export interface MailboxAttachment {
  user: DirectoryUser;
  attachment: AttachmentSummary;
}

/**
 * Graph's messages over voicemail-ingest's store through the gateway's message client (the one
 * EWS uses): folders by their well-known names (the store's message folders, and `voicemail`,
 * Exchange's search folder of voicemail items), one message, its read flag, its deletion (to
 * Deleted Items, as Graph's DELETE does), its attachments and their bytes. Ids are checked against
 * the mailbox before the store is asked: one that is no message id is malformed (400), one minted
 * for another mailbox is not found (404), as the store would answer.
 */
@Injectable()
export class GraphMessagesService {
  constructor(
    private readonly messages: MessageClient,
    private readonly access: GraphMailboxAccess,
  ) {}

  async list(caller: DirectoryUser, key: string, folderName: string, query: MessageListQuery): Promise<MessagePage> {
    const folder = folderOf(folderName);
    const user = await this.access.mailboxOf(caller, key);
    const found = await this.messages
      .find(user.smtpAddress, { folder, offset: query.skip, maxEntries: query.top, order: query.order })
      .catch(storeRefusal);
    return { user, found };
  }

  async get(caller: DirectoryUser, key: string, messageId: string): Promise<{ user: DirectoryUser; message: MessageView }> {
    const user = await this.access.mailboxOf(caller, key);
    checkMessageId(user.smtpAddress, messageId);
    return { user, message: await this.messages.get(user.smtpAddress, messageId).catch(storeRefusal) };
  }

  /** Sets the read flag (the store's update command, as EWS UpdateItem) and answers the message as it is now. */
  async setRead(
    caller: DirectoryUser,
    key: string,
    messageId: string,
    isRead: boolean,
  ): Promise<{ user: DirectoryUser; message: MessageView }> {
    const user = await this.access.mailboxOf(caller, key);
    checkMessageId(user.smtpAddress, messageId);
    await this.messages.update(user.smtpAddress, { itemId: messageId, set: { isRead } }).catch(storeRefusal);
    return { user, message: await this.messages.get(user.smtpAddress, messageId).catch(storeRefusal) };
  }

  /** Graph's DELETE: to Deleted Items (a message already there is removed for good, as the store does). */
  async delete(caller: DirectoryUser, key: string, messageId: string): Promise<void> {
    const user = await this.access.mailboxOf(caller, key);
    checkMessageId(user.smtpAddress, messageId);
    await this.messages.delete(user.smtpAddress, messageId, 'MoveToDeletedItems').catch(storeRefusal);
  }

  async attachment(caller: DirectoryUser, key: string, messageId: string, attachmentId: string): Promise<MailboxAttachment> {
    const user = await this.access.mailboxOf(caller, key);
    const mailbox = user.smtpAddress;
    checkMessageId(mailbox, messageId);
    if (!isMessageAttachmentId(attachmentId)) throw idMalformed();
    if (decodeAttachmentId(mailbox, attachmentId) === null || messageIdOfAttachment(mailbox, attachmentId) !== messageId)
      throw itemNotFound();
    const message = await this.messages.get(mailbox, messageId).catch(storeRefusal);
    const attachment = message.attachments.find((a) => a.id === attachmentId);
    if (attachment === undefined) throw itemNotFound();
    return { user, attachment };
  }

  /** The attachment's bytes `[start, end)`, chunk by chunk from the store (never the whole content at once). */
  async *content(mailbox: string, attachmentId: string, start: number, end: number): AsyncGenerator<Buffer> {
    const chunks = this.messages.contentRange(mailbox, { kind: 'attachment', attachmentId }, start, end);
    try {
      for (;;) {
        const next = await chunks.next().catch(storeRefusal);
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await chunks.return(undefined);
    }
  }
}

function folderOf(name: string): MessageViewKind {
  const kind = name.toLowerCase();
  if (!(messageViewKinds as readonly string[]).includes(kind)) {
    throw new GraphRequestError(
      400,
      GraphErrorCode.InvalidIdMalformed,
      `'${name.slice(0, 60)}' is no folder Parley knows; use a well-known name: ${messageViewKinds.join(', ')}.`,
    );
  }
  return kind as MessageViewKind;
}

function checkMessageId(mailbox: string, id: string): void {
  if (!isMessageItemId(id)) throw idMalformed();
  if (decodeMessageId(mailbox, id) === null) throw itemNotFound();
}

/** The store's refusals as Graph errors: not found 404 `ErrorItemNotFound`, a timeout 503 with Retry-After, a bad request 400. */
function storeRefusal(error: unknown): never {
  const timeout = ownerTimeout(error, 'The mailbox store');
  if (timeout) throw timeout;
  if (error instanceof CommandRefusedError) {
    if (error.code === CommandErrorCodes.itemNotFound || error.code === CommandErrorCodes.mailboxNotFound) throw itemNotFound();
    if (error.code === CommandErrorCodes.invalidRequest) throw badRequest('The request is not valid for the message store.');
  }
  throw error;
}
