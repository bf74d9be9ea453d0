import { Injectable } from '@nestjs/common';
import {
  CommandErrorCodes,
  CONTENT_CHUNK_MAX_BYTES,
  ContentChunkReply,
  decodeAttachmentId,
  decodeMessageId,
  DeleteMessageReply,
  DeleteMessageRequest,
  FindMessagesReply,
  FindMessagesRequest,
  GetMailboxCountsRequest,
  GetMessageRequest,
  MailboxCountsReply,
  MarkAllReadReply,
  MarkAllReadRequest,
  messageViewKinds,
  MessageView,
  MoveMessageRequest,
  ReadContentRequest,
  Topics,
  UpdateMessageRequest,
} from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { BlobStore, MailboxState, MessageRepository, StoredMessage, VoicemailIngestDatabase } from '@parley/voicemail-ingest/data-access';
import { announceChange, MailboxChange, settleMailbox, waitingFactsOf } from './mailbox-events';
import { MailboxException } from './mailbox.exception';
import { MailboxSettings } from './mailbox-settings';
import { messageSummary, messageView, newChangeKey } from './message-view';

function notFound(): MailboxException {
  return new MailboxException(CommandErrorCodes.itemNotFound, 'The item does not exist in this mailbox.');
}

/**
 * The gateway's operations on a mailbox's messages: reads by page, by id and by content chunk;
 * writes (IsRead, delete, move, mark all read) in one transaction each with their events, applied
 * once per command id. Ids of another mailbox, or not message ids at all, are "not found".
 */
@Injectable()
export class MailboxService {
  constructor(
    private readonly db: VoicemailIngestDatabase,
    private readonly messages: MessageRepository,
    private readonly blobs: BlobStore,
    private readonly settings: MailboxSettings,
  ) {}

  async find(req: FindMessagesRequest): Promise<FindMessagesReply> {
    const page = await this.messages.page(req.mailbox, req.folder, req.offset, req.maxEntries, req.order);
    return { items: page.messages.map(messageSummary), total: page.total };
  }

  async get(req: GetMessageRequest): Promise<MessageView> {
    const message = await this.messages.find(req.mailbox, this.key(req.mailbox, req.itemId));
    if (!message) throw notFound();
    return messageView(message, await this.messages.attachments(message.id));
  }

  async readContent(req: ReadContentRequest): Promise<ContentChunkReply> {
    const length = Math.min(req.length, CONTENT_CHUNK_MAX_BYTES);
    if (req.content.kind === 'mime') {
      const message = await this.messages.find(req.mailbox, this.key(req.mailbox, req.content.itemId));
      if (!message) throw notFound();
      return this.chunk(message.mimeBlob, message.size, 'message/rfc822', null, req.offset, length);
    }
    const decoded = decodeAttachmentId(req.mailbox, req.content.attachmentId);
    if (decoded === null) throw notFound();
    const attachment = await this.messages.attachment(req.mailbox, decoded.messageKey, decoded.index);
    if (!attachment) throw notFound();
    return this.chunk(attachment.contentBlob, attachment.size, attachment.contentType, attachment.name, req.offset, length);
  }

  async counts(req: GetMailboxCountsRequest): Promise<MailboxCountsReply> {
    const [counts, state] = await Promise.all([this.messages.counts(req.mailbox), this.messages.state(req.mailbox)]);
    const folders = Object.fromEntries(
      messageViewKinds.map((view) => [view, counts[view] ?? { total: 0, unread: 0, size: 0 }]),
    ) as MailboxCountsReply['folders'];
    return {
      folders,
      quota: { used: state?.usedBytes ?? 0, limit: this.settings.quotaBytes },
      lastModifiedAt: state?.lastModifiedAt ? state.lastModifiedAt.toISOString() : null,
    };
  }

  /** UpdateItem (IsRead). A stale change key fails with `Conflict` under NeverOverwrite; the other resolutions apply the change. */
  async update(commandId: string, req: UpdateMessageRequest, now = new Date()): Promise<MessageView> {
    const key = this.key(req.mailbox, req.itemId);
    const outcome = await this.db.unitOfWork.runOnce(
      'voicemail-ingest.message-update',
      { id: commandId, type: Topics.mailboxMessageUpdateRequest },
      (tx) =>
        this.write(tx, req.mailbox, key, async (message, state) => {
          if (req.changeKey !== undefined && req.changeKey !== message.changeKey && req.conflictResolution === 'NeverOverwrite') {
            throw new MailboxException(CommandErrorCodes.conflict, 'The item changed since that change key was issued.');
          }
          if (req.set.isRead === undefined) return message;
          const before = waitingFactsOf(message);
          message.isRead = req.set.isRead;
          message.changeKey = newChangeKey();
          message.lastModifiedAt = now;
          await this.messages.save(tx, message);
          await announceChange(tx, message, 'modified', null, now);
          await settleMailbox(tx, this.messages, state, { sizeDelta: 0, now, messages: [{ before, after: waitingFactsOf(message) }] });
          return message;
        }),
    );
    return this.current(req.mailbox, key, outcome.duplicate ? null : outcome.value);
  }

  /** MoveItem between message folders; to the folder it is in: answered as it is. */
  async move(commandId: string, req: MoveMessageRequest, now = new Date()): Promise<MessageView> {
    const key = this.key(req.mailbox, req.itemId);
    const outcome = await this.db.unitOfWork.runOnce(
      'voicemail-ingest.message-move',
      { id: commandId, type: Topics.mailboxMessageMoveRequest },
      (tx) =>
        this.write(tx, req.mailbox, key, async (message, state) => {
          if (message.folder === req.to) return message;
          await this.moveTo(tx, message, state, req.to, now);
          return message;
        }),
    );
    return this.current(req.mailbox, key, outcome.duplicate ? null : outcome.value);
  }

  /** DeleteItem: MoveToDeletedItems moves it there (one already there is removed); SoftDelete and HardDelete remove it. */
  async delete(commandId: string, req: DeleteMessageRequest, now = new Date()): Promise<DeleteMessageReply> {
    const key = this.key(req.mailbox, req.itemId);
    await this.db.unitOfWork.runOnce('voicemail-ingest.message-delete', { id: commandId, type: Topics.mailboxMessageDeleteRequest }, (tx) =>
      this.write(tx, req.mailbox, key, async (message, state) => {
        if (req.disposal === 'MoveToDeletedItems' && message.folder !== 'deleteditems') {
          await this.moveTo(tx, message, state, 'deleteditems', now);
          return;
        }
        await this.messages.remove(tx, req.mailbox, key);
        await announceChange(tx, message, 'deleted', null, now);
        await settleMailbox(tx, this.messages, state, {
          sizeDelta: -message.size,
          now,
          messages: [{ before: waitingFactsOf(message), after: null }],
        });
      }),
    );
    return { id: req.itemId };
  }

  /** MarkAllItemsAsRead on whole folders (the voicemail view included): one `modified` event per message that changed. */
  async markAllRead(commandId: string, req: MarkAllReadRequest, now = new Date()): Promise<MarkAllReadReply> {
    const outcome = await this.db.unitOfWork.runOnce(
      'voicemail-ingest.message-mark-all-read',
      { id: commandId, type: Topics.mailboxMarkAllReadRequest },
      async (tx) => {
        const state = (await this.messages.lockMailboxes(tx, [req.mailbox])).get(req.mailbox) as MailboxState;
        const seen = new Set<string>();
        const changes: MailboxChange['messages'][number][] = [];
        for (const view of req.folders) {
          for (const message of await this.messages.withReadStateOtherThan(tx, req.mailbox, view, req.isRead)) {
            if (seen.has(message.id)) continue;
            seen.add(message.id);
            const before = waitingFactsOf(message);
            message.isRead = req.isRead;
            message.changeKey = newChangeKey();
            message.lastModifiedAt = now;
            await this.messages.save(tx, message);
            await announceChange(tx, message, 'modified', null, now);
            changes.push({ before, after: waitingFactsOf(message) });
          }
        }
        if (seen.size > 0) await settleMailbox(tx, this.messages, state, { sizeDelta: 0, now, messages: changes });
        return seen.size;
      },
    );
    return { changed: outcome.duplicate ? 0 : outcome.value };
  }

  private async moveTo(
    tx: Transaction,
    message: StoredMessage,
    state: MailboxState,
    to: StoredMessage['folder'],
    now: Date,
  ): Promise<void> {
    const from = message.folder;
    const before = waitingFactsOf(message);
    message.folder = to;
    message.changeKey = newChangeKey();
    message.lastModifiedAt = now;
    await this.messages.save(tx, message);
    await announceChange(tx, message, 'moved', from, now);
    await settleMailbox(tx, this.messages, state, { sizeDelta: 0, now, messages: [{ before, after: waitingFactsOf(message) }] });
  }

  /** Runs `work` on the message with its mailbox's state row locked; not found when it is not in the mailbox. */
  private async write<T>(
    tx: Transaction,
    mailbox: string,
    key: string,
    work: (message: StoredMessage, state: MailboxState) => Promise<T>,
  ): Promise<T> {
    const state = (await this.messages.lockMailboxes(tx, [mailbox])).get(mailbox) as MailboxState;
    const message = await this.messages.findIn(tx, mailbox, key);
    if (!message) throw notFound();
    return work(message, state);
  }

  /** The reply of a write: the message as written, or as it is now when the command was a redelivery. */
  private async current(mailbox: string, key: string, written: StoredMessage | null): Promise<MessageView> {
    const message = written ?? (await this.messages.find(mailbox, key));
    if (!message) throw notFound();
    return messageView(message, await this.messages.attachments(message.id));
  }

  private key(mailbox: string, itemId: string): string {
    const key = decodeMessageId(mailbox, itemId);
    if (key === null) throw notFound();
    return key;
  }

  private async chunk(
    blob: string,
    size: number,
    contentType: string,
    name: string | null,
    offset: number,
    length: number,
  ): Promise<ContentChunkReply> {
    if (offset >= size) return { size, contentType, name, offset, data: '' };
    const bytes = await this.blobs.read(blob, offset, Math.min(length, size - offset));
    // A row whose blob is gone breaks the store's invariant: an error, not an empty answer.
    if (bytes === null) throw new Error(`blob ${blob} of a stored message is missing`);
    return { size, contentType, name, offset, data: bytes.toString('base64') };
  }
}
