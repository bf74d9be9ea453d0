import { randomUUID } from 'node:crypto';
import {
  createMessageRequestSchema,
  deleteMessageRequestSchema,
  sendMessageRequestSchema,
  encodeAttachmentId,
  encodeMessageId,
  type Envelope,
  findMessagesRequestSchema,
  getMailboxCountsRequestSchema,
  getMessageRequestSchema,
  markAllReadRequestSchema,
  messageFolderKinds,
  type MessageFolderKind,
  type MessageView,
  messageViewKinds,
  type MessageViewKind,
  moveMessageRequestSchema,
  readContentRequestSchema,
  Topics,
  updateMessageRequestSchema,
  VOICEMAIL_ITEM_CLASS_PREFIX,
  decodeAttachmentId,
  decodeMessageId,
} from '@parley/contracts';
import { CommandBus } from '@parley/messaging';
import type { z } from 'zod';

/** One stored message: its view (as `mailbox.message.get` answers it), its MIME and its attachments' bytes. */
export interface StoredMessage {
  view: MessageView;
  readonly key: string;
  readonly mime: Buffer;
  readonly attachmentBytes: Buffer[];
}

export interface NewMessage {
  readonly mailbox?: string;
  readonly folder?: MessageFolderKind;
  readonly subject?: string;
  readonly receivedAt: string;
  readonly isRead?: boolean;
  readonly voicemail?: MessageView['voicemail'];
  readonly attachments?: { name: string; contentType: string; bytes: Buffer; isInline?: boolean }[];
  readonly body?: MessageView['body'];
  readonly mime?: Buffer;
}

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * voicemail-ingest's message store as the bus delivers it, in memory: answers every
 * `mailbox.*.request.v1` of the contract (each request is parsed with the contract's schema, so a
 * gateway request off the contract fails the test), and calendar-sync's counts and Deleted Items
 * queries with what `calendarDeleted` says (no calendar items or tasks otherwise; a calendar item
 * id is not found). Records what it
 * was asked. Content is served in chunks of at most `chunkBytes`, whatever length is asked.
 */
export class FakeMessageStore extends CommandBus {
  readonly messages: StoredMessage[] = [];
  readonly asked: { topic: string; payload: unknown }[] = [];
  /** When set, the store refuses every message creation and sending with this error (as `MessageSubmissionService` would). */
  refuseSubmission: { code: string; message: string } | undefined;
  /** Calendar items and tasks calendar-sync reports in Deleted Items (counts only; none listed). */
  calendarDeleted = 0;
  chunkBytes = 256 * 1024;

  add(input: NewMessage): StoredMessage {
    const mailbox = input.mailbox ?? 'alice@parley.test';
    const key = randomUUID();
    const id = encodeMessageId(mailbox, key);
    const attachments = (input.attachments ?? []).map((a, i) => ({
      id: encodeAttachmentId(mailbox, key, i),
      name: a.name,
      contentType: a.contentType,
      size: a.bytes.length,
      isInline: a.isInline ?? false,
      contentId: null,
    }));
    const mime = input.mime ?? Buffer.from(`Subject: ${input.subject ?? 'Hello'}\r\nMessage-ID: <${key}@parley.test>\r\n\r\nHi\r\n`);
    const voicemail = input.voicemail ?? null;
    const stored: StoredMessage = {
      key,
      mime,
      attachmentBytes: (input.attachments ?? []).map((a) => a.bytes),
      view: {
        id,
        changeKey: 'CK1',
        mailbox,
        folder: input.folder ?? 'inbox',
        itemClass: voicemail ? 'IPM.Note.Microsoft.Voicemail.UM.CA' : 'IPM.Note',
        subject: input.subject ?? 'Hello',
        from: { address: 'carol@example.org', name: 'Carol Chen' },
        to: [{ address: mailbox, name: 'Alice Archer' }],
        cc: [],
        receivedAt: input.receivedAt,
        sentAt: input.receivedAt,
        size: mime.length,
        isRead: input.isRead ?? false,
        hasAttachments: attachments.length > 0,
        internetMessageId: `<${key}@parley.test>`,
        importance: 'Normal',
        lastModifiedAt: input.receivedAt,
        voicemail: voicemail && { ...voicemail, audioAttachmentId: attachments[0]?.id ?? null },
        body: input.body ?? { type: 'Text', content: 'Hi' },
        attachments,
        headers: [{ name: 'Subject', value: input.subject ?? 'Hello' }],
      },
    };
    this.messages.push(stored);
    return stored;
  }

  isReady(): boolean {
    return true;
  }

  protected async send(topic: string, envelope: Envelope): Promise<unknown> {
    this.asked.push({ topic, payload: envelope.payload });
    return this.answer(topic, envelope.payload);
  }

  private answer(topic: string, payload: unknown): Reply {
    switch (topic) {
      case Topics.mailboxMessageFindRequest:
        return this.find(parse(findMessagesRequestSchema, payload));
      case Topics.mailboxMessageGetRequest: {
        const request = parse(getMessageRequestSchema, payload);
        const found = this.byId(request.mailbox, request.itemId);
        return found ? ok(found.view) : notFound();
      }
      case Topics.mailboxContentReadRequest:
        return this.read(parse(readContentRequestSchema, payload));
      case Topics.mailboxMessageUpdateRequest: {
        const request = parse(updateMessageRequestSchema, payload);
        const found = this.byId(request.mailbox, request.itemId);
        if (!found) return notFound();
        if (
          request.conflictResolution === 'NeverOverwrite' &&
          request.changeKey !== undefined &&
          request.changeKey !== found.view.changeKey
        )
          return { ok: false, error: { code: 'Conflict', message: 'stale change key' } };
        if (request.set.isRead !== undefined) found.view = { ...found.view, isRead: request.set.isRead };
        found.view = { ...found.view, changeKey: bump(found.view.changeKey) };
        return ok(found.view);
      }
      case Topics.mailboxMessageDeleteRequest: {
        const request = parse(deleteMessageRequestSchema, payload);
        const found = this.byId(request.mailbox, request.itemId);
        if (!found) return notFound();
        if (request.disposal === 'MoveToDeletedItems' && found.view.folder !== 'deleteditems') {
          found.view = { ...found.view, folder: 'deleteditems', changeKey: bump(found.view.changeKey) };
        } else {
          this.messages.splice(this.messages.indexOf(found), 1);
        }
        return ok({ id: found.view.id });
      }
      case Topics.mailboxMessageMoveRequest: {
        const request = parse(moveMessageRequestSchema, payload);
        const found = this.byId(request.mailbox, request.itemId);
        if (!found) return notFound();
        found.view = { ...found.view, folder: request.to, changeKey: bump(found.view.changeKey) };
        return ok(found.view);
      }
      case Topics.mailboxMarkAllReadRequest: {
        const request = parse(markAllReadRequestSchema, payload);
        let changed = 0;
        for (const m of this.messages.filter((m) => m.view.mailbox === request.mailbox)) {
          if (request.folders.some((f) => inView(m, f)) && m.view.isRead !== request.isRead) {
            m.view = { ...m.view, isRead: request.isRead, changeKey: bump(m.view.changeKey) };
            changed++;
          }
        }
        return ok({ changed });
      }
      case Topics.mailboxCountsGetRequest: {
        const { mailbox } = parse(getMailboxCountsRequestSchema, payload);
        const mine = this.messages.filter((m) => m.view.mailbox === mailbox);
        const folders = Object.fromEntries(
          messageViewKinds.map((kind) => {
            const inside = mine.filter((m) => inView(m, kind));
            return [
              kind,
              {
                total: inside.length,
                unread: inside.filter((m) => !m.view.isRead).length,
                size: inside.reduce((s, m) => s + m.view.size, 0),
              },
            ];
          }),
        );
        return ok({ folders, quota: { used: mine.reduce((s, m) => s + m.view.size, 0), limit: null }, lastModifiedAt: null });
      }
      case Topics.mailboxMessageCreateRequest: {
        const request = parse(createMessageRequestSchema, payload);
        if (this.refuseSubmission) return { ok: false, error: this.refuseSubmission };
        // The store keeps a copy unless the message is only sent.
        const saved = request.disposition === 'SendOnly' ? null : { id: encodeMessageId(request.mailbox, randomUUID()), changeKey: 'CK1' };
        return ok({ saved });
      }
      case Topics.mailboxMessageSendRequest: {
        const request = parse(sendMessageRequestSchema, payload);
        if (this.refuseSubmission) return { ok: false, error: this.refuseSubmission };
        return ok({ saved: request.saveCopy ? { id: request.itemId, changeKey: 'CK2' } : null });
      }
      case Topics.calendarFolderCountsGetRequest:
        return ok({ calendarItems: 0, tasks: 0, deletedItems: this.calendarDeleted });
      case Topics.calendarItemGetRequest:
        return notFound();
      case Topics.calendarItemFindDeletedRequest:
        return ok({ items: [], total: 0 });
      case Topics.calendarTaskFindRequest:
        return ok({ items: [], totalItemsInView: 0, includesLastItemInRange: true, indexedPagingOffset: 0 });
      default:
        throw new Error(`the fake store was not asked to answer ${topic}`);
    }
  }

  private find(request: z.output<typeof findMessagesRequestSchema>): Reply {
    const listed = this.messages
      .filter((m) => m.view.mailbox === request.mailbox && inView(m, request.folder))
      .sort((a, b) => a.view.receivedAt.localeCompare(b.view.receivedAt) * (request.order === 'oldest-first' ? 1 : -1));
    const items = listed.slice(request.offset, request.offset + request.maxEntries).map(({ view }) => summaryOf(view));
    return ok({ items, total: listed.length });
  }

  private read(request: z.output<typeof readContentRequestSchema>): Reply {
    let bytes: Buffer;
    let contentType = 'message/rfc822';
    let name: string | null = null;
    if (request.content.kind === 'mime') {
      const found = this.byId(request.mailbox, request.content.itemId);
      if (!found) return notFound();
      bytes = found.mime;
    } else {
      const decoded = decodeAttachmentId(request.mailbox, request.content.attachmentId);
      const found = decoded && this.messages.find((m) => m.key === decoded.messageKey);
      const attachment = found ? found.view.attachments[decoded.index] : undefined;
      if (!found || !attachment) return notFound();
      bytes = found.attachmentBytes[decoded.index];
      contentType = attachment.contentType;
      name = attachment.name;
    }
    const length = Math.min(request.length, this.chunkBytes);
    const chunk = bytes.subarray(request.offset, request.offset + length);
    return ok({ size: bytes.length, contentType, name, offset: request.offset, data: chunk.toString('base64') });
  }

  private byId(mailbox: string, itemId: string): StoredMessage | undefined {
    const key = decodeMessageId(mailbox, itemId);
    return key === null ? undefined : this.messages.find((m) => m.key === key && m.view.mailbox === mailbox);
  }
}

function inView(m: StoredMessage, kind: MessageViewKind): boolean {
  if (kind === 'voicemail') return m.view.folder === 'inbox' && m.view.itemClass.startsWith(VOICEMAIL_ITEM_CLASS_PREFIX);
  return m.view.folder === kind;
}

function summaryOf(view: MessageView): Omit<MessageView, 'body' | 'attachments' | 'headers'> {
  const { body: _body, attachments: _attachments, headers: _headers, ...summary } = view;
  return summary;
}

function bump(changeKey: string): string {
  return `CK${Number(changeKey.slice(2)) + 1}`;
}

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  return schema.parse(payload);
}

function ok(value: unknown): Reply {
  return { ok: true, value };
}

function notFound(): Reply {
  return { ok: false, error: { code: 'ItemNotFound', message: 'no such message' } };
}

/** The message folders, for specs that walk them all. */
export const MESSAGE_FOLDERS: readonly MessageFolderKind[] = messageFolderKinds;
