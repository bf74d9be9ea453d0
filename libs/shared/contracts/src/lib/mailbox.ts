import { createHash } from 'node:crypto';
import { z } from 'zod';
import { bodySchema, messageDispositions } from './calendar';
import { mailboxKey } from './envelope';

/**
 * Mailbox message store contracts: voicemail-ingest owns every mailbox's messages (mail and
 * voicemail, their MIME, attachments, folders and quota). The gateway reaches them with the
 * commands below (request/reply, `mailbox.*.request.v1`); everyone else learns of changes from
 * the events at the end. Instants are ISO 8601 with an offset (replies in UTC, `Z`).
 *
 * Contents (the MIME of a message, an attachment's bytes) can be far larger than one bus message
 * may be (Kafka's default limit is 1 MB), so they are read in chunks (`readContentRequestSchema`)
 * and never travel whole in a reply or an event.
 */

const instant = z.iso.datetime({ offset: true });

/**
 * The folders that hold messages, by EWS distinguished folder name. Every mailbox has all of
 * them (empty where Parley puts nothing): IMAP gateways and sync clients list them and fail when
 * one is missing. Calendar, Tasks and Contacts are not here: calendar-sync owns the first two,
 * and Deleted Items holds calendar-sync's deleted items as well as these.
 */
export const messageFolderKinds = [
  'inbox',
  'deleteditems',
  'sentitems',
  'drafts',
  'outbox',
  'junkemail',
  'notes',
  'journal',
  'conversationhistory',
] as const;
export type MessageFolderKind = (typeof messageFolderKinds)[number];

/**
 * What a FindItem may list: a message folder, or `voicemail` — Exchange's search folder over the
 * Inbox's voicemail items (`VOICEMAIL_ITEM_CLASS_PREFIX`), not a folder an item lives in.
 */
export const messageViewKinds = [...messageFolderKinds, 'voicemail'] as const;
export type MessageViewKind = (typeof messageViewKinds)[number];

/** The item class of a voicemail with the caller's audio attached. */
export const VOICEMAIL_ITEM_CLASS = 'IPM.Note.Microsoft.Voicemail.UM.CA';
/** Every voicemail item class starts with it (with or without audio); missed calls do not. */
export const VOICEMAIL_ITEM_CLASS_PREFIX = 'IPM.Note.Microsoft.Voicemail';
export const MESSAGE_ITEM_CLASS = 'IPM.Note';

/** Where a voicemail mail came from, as recognised (see ../shared/voicemail-mail.md). */
export const voicemailSources = ['exchange-um', 'asterisk', 'freeswitch', 'audio-attachment', 'http-drop'] as const;
export type VoicemailSource = (typeof voicemailSources)[number];

export const mailAddressSchema = z.object({
  /** As written in the header; not lower-cased (display only). Empty for a group or an unparsable one. */
  address: z.string().max(320),
  name: z.string().max(256).nullable(),
});
export type MailAddress = z.infer<typeof mailAddressSchema>;

/** The facts of a voicemail, as recognised from its mail or HTTP drop. Never the audio itself. */
export const voicemailFactsSchema = z.object({
  source: z.enum(voicemailSources),
  /** E.164 (`+4930…`) when the number could be normalised, else the digits as given; null when unknown. */
  callerNumber: z.string().max(64).nullable(),
  /** The number exactly as the phone system wrote it. */
  callerNumberOriginal: z.string().max(256).nullable(),
  callerName: z.string().max(256).nullable(),
  durationSeconds: z.number().int().min(0).nullable(),
  /** The attachment that holds the recording; null for a voicemail notice without audio (`IPM.Note.Microsoft.Voicemail.UM`). */
  audioAttachmentId: z.string().max(200).nullable(),
  audioContentType: z.string().max(255).nullable(),
  transcription: z.string().max(100_000).nullable(),
});
export type VoicemailFacts = z.infer<typeof voicemailFactsSchema>;

/** What FindItem lists of a message. */
export const messageSummarySchema = z.object({
  /** Opaque, unguessable, bound to the mailbox; `isMessageItemId` tells it from other items' ids. */
  id: z.string(),
  changeKey: z.string(),
  mailbox: mailboxKey,
  folder: z.enum(messageFolderKinds),
  itemClass: z.string().max(255),
  subject: z.string(),
  from: mailAddressSchema.nullable(),
  to: z.array(mailAddressSchema),
  cc: z.array(mailAddressSchema),
  /** When the store accepted it (EWS DateTimeReceived). */
  receivedAt: instant,
  /** The Date header, when it had a valid one (EWS DateTimeSent). */
  sentAt: instant.nullable(),
  /** Octets of the original MIME (EWS Size, MAPI 0x0e08). */
  size: z.number().int().min(0),
  isRead: z.boolean(),
  hasAttachments: z.boolean(),
  internetMessageId: z.string().max(998).nullable(),
  importance: z.enum(['Low', 'Normal', 'High']),
  lastModifiedAt: instant,
  voicemail: voicemailFactsSchema.nullable(),
});
export type MessageSummary = z.infer<typeof messageSummarySchema>;

export const attachmentSummarySchema = z.object({
  /** Opaque, bound to the mailbox (`isMessageAttachmentId`). */
  id: z.string(),
  name: z.string().max(255),
  contentType: z.string().max(255),
  size: z.number().int().min(0),
  isInline: z.boolean(),
  contentId: z.string().max(255).nullable(),
});
export type AttachmentSummary = z.infer<typeof attachmentSummarySchema>;

/** What GetItem shows of a message: the summary, its body and its attachments. The MIME is read by chunks. */
export const messageViewSchema = messageSummarySchema.extend({
  /** The HTML part when there is one, else the text part; null for a message without a body. */
  body: bodySchema.nullable(),
  attachments: z.array(attachmentSummarySchema),
  /** Raw header lines of the original, as `name: value` pairs in order (for InternetMessageHeaders). */
  headers: z.array(z.object({ name: z.string(), value: z.string() })),
});
export type MessageView = z.infer<typeof messageViewSchema>;

// ---- ids ------------------------------------------------------------------------------------

/**
 * Message and attachment ids share the calendar item id layout (base64url of kind · 16-byte key ·
 * 8-byte mailbox tag; an attachment id adds a 2-byte attachment index) with kind bytes of their
 * own. The kind byte is the one part that is a contract: the gateway routes GetItem, UpdateItem,
 * DeleteItem and MoveItem by it. The key is random and the tag binds the id to its mailbox, so an
 * id used against another mailbox is "not found" before any lookup.
 */
export const MESSAGE_ID_KIND = 4;
export const MESSAGE_ID_BYTES = 25;
export const ATTACHMENT_ID_KIND = 5;
export const ATTACHMENT_ID_BYTES = 27;

function mailboxTag(mailbox: string): Buffer {
  return createHash('sha256').update(`parley-mailbox:${mailbox.toLowerCase()}`).digest().subarray(0, 8);
}

function keyBytes(key: string): Buffer {
  return Buffer.from(key.replace(/-/g, ''), 'hex');
}

function keyOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function idBytes(id: string, length: number, kind: number): Buffer | null {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(id)) return null;
  const bytes = Buffer.from(id, 'base64url');
  return bytes.length === length && bytes[0] === kind ? bytes : null;
}

export function isMessageItemId(id: string): boolean {
  return idBytes(id, MESSAGE_ID_BYTES, MESSAGE_ID_KIND) !== null;
}

export function isMessageAttachmentId(id: string): boolean {
  return idBytes(id, ATTACHMENT_ID_BYTES, ATTACHMENT_ID_KIND) !== null;
}

/** `key` is the message's uuid primary key. */
export function encodeMessageId(mailbox: string, key: string): string {
  return Buffer.concat([Buffer.from([MESSAGE_ID_KIND]), keyBytes(key), mailboxTag(mailbox)]).toString('base64url');
}

/** The message key of an id for `mailbox`; null when malformed, not a message id, or minted for another mailbox. */
export function decodeMessageId(mailbox: string, id: string): string | null {
  const bytes = idBytes(id, MESSAGE_ID_BYTES, MESSAGE_ID_KIND);
  if (bytes === null || !bytes.subarray(17, 25).equals(mailboxTag(mailbox))) return null;
  return keyOf(bytes.subarray(1, 17));
}

export function encodeAttachmentId(mailbox: string, messageKey: string, index: number): string {
  const tail = Buffer.alloc(2);
  tail.writeUInt16BE(index);
  return Buffer.concat([Buffer.from([ATTACHMENT_ID_KIND]), keyBytes(messageKey), mailboxTag(mailbox), tail]).toString('base64url');
}

export function decodeAttachmentId(mailbox: string, id: string): { messageKey: string; index: number } | null {
  const bytes = idBytes(id, ATTACHMENT_ID_BYTES, ATTACHMENT_ID_KIND);
  if (bytes === null || !bytes.subarray(17, 25).equals(mailboxTag(mailbox))) return null;
  return { messageKey: keyOf(bytes.subarray(1, 17)), index: bytes.readUInt16BE(25) };
}

/** The message an attachment id belongs to, as a message id (for GetAttachment's RootItemId). */
export function messageIdOfAttachment(mailbox: string, attachmentId: string): string | null {
  const decoded = decodeAttachmentId(mailbox, attachmentId);
  return decoded === null ? null : encodeMessageId(mailbox, decoded.messageKey);
}

// ---- commands (the gateway asks, voicemail-ingest answers) -----------------------------------

const itemId = z.string().min(1).max(200);

/** `mailbox.message.find.request.v1` (query): one page of a folder, by DateTimeReceived. */
export const findMessagesRequestSchema = z.object({
  mailbox: mailboxKey,
  folder: z.enum(messageViewKinds),
  offset: z.number().int().min(0).default(0),
  maxEntries: z.number().int().min(1).max(1000).default(100),
  /** EWS SortOrder on item:DateTimeReceived; newest first is Exchange's default. */
  order: z.enum(['newest-first', 'oldest-first']).default('newest-first'),
});
export type FindMessagesRequest = z.infer<typeof findMessagesRequestSchema>;
export const findMessagesReplySchema = z.object({
  items: z.array(messageSummarySchema),
  /** Items in the whole folder (EWS TotalItemsInView). */
  total: z.number().int().min(0),
});
export type FindMessagesReply = z.infer<typeof findMessagesReplySchema>;

/** `mailbox.message.get.request.v1` (query): one message. Unknown or another mailbox's id: ItemNotFound. */
export const getMessageRequestSchema = z.object({ mailbox: mailboxKey, itemId });
export type GetMessageRequest = z.infer<typeof getMessageRequestSchema>;

/** The most a content chunk holds (raw bytes; base64 in the reply): well under Kafka's 1 MB message limit. */
export const CONTENT_CHUNK_MAX_BYTES = 256 * 1024;

/**
 * `mailbox.content.read.request.v1` (query): a chunk of a message's original MIME or of an
 * attachment's bytes. The gateway reads chunk after chunk until `offset + length` reaches `size`.
 * An offset past the end answers an empty chunk with the size.
 */
export const readContentRequestSchema = z.object({
  mailbox: mailboxKey,
  content: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('mime'), itemId }),
    z.object({ kind: z.literal('attachment'), attachmentId: itemId }),
  ]),
  offset: z.number().int().min(0).default(0),
  length: z.number().int().min(1).max(CONTENT_CHUNK_MAX_BYTES).default(CONTENT_CHUNK_MAX_BYTES),
});
export type ReadContentRequest = z.infer<typeof readContentRequestSchema>;
export const contentChunkReplySchema = z.object({
  /** Total octets of the content. */
  size: z.number().int().min(0),
  contentType: z.string().max(255),
  /** For an attachment: its file name; for MIME: null. */
  name: z.string().max(255).nullable(),
  offset: z.number().int().min(0),
  /** base64 of the chunk's bytes. */
  data: z.string(),
});
export type ContentChunkReply = z.infer<typeof contentChunkReplySchema>;

/** `mailbox.message.update.request.v1`: the flags a client may set (IsRead today). */
export const updateMessageRequestSchema = z.object({
  mailbox: mailboxKey,
  itemId,
  /** When present it is checked; a stale one under NeverOverwrite is a `Conflict`. */
  changeKey: z.string().max(200).optional(),
  conflictResolution: z.enum(['NeverOverwrite', 'AutoResolve', 'AlwaysOverwrite']).default('AutoResolve'),
  set: z.object({ isRead: z.boolean() }).partial(),
});
export type UpdateMessageRequest = z.infer<typeof updateMessageRequestSchema>;

/**
 * `mailbox.message.delete.request.v1`. MoveToDeletedItems moves it to Deleted Items (one already
 * there is removed); SoftDelete and HardDelete remove it (Parley keeps no recoverable items).
 */
export const messageDisposals = ['HardDelete', 'SoftDelete', 'MoveToDeletedItems'] as const;
export type MessageDisposal = (typeof messageDisposals)[number];
export const deleteMessageRequestSchema = z.object({
  mailbox: mailboxKey,
  itemId,
  disposal: z.enum(messageDisposals).default('HardDelete'),
});
export type DeleteMessageRequest = z.infer<typeof deleteMessageRequestSchema>;
export const deleteMessageReplySchema = z.object({ id: z.string() });
export type DeleteMessageReply = z.infer<typeof deleteMessageReplySchema>;

/** `mailbox.message.move.request.v1`: MoveItem between message folders. Already there: answered as it is. */
export const moveMessageRequestSchema = z.object({ mailbox: mailboxKey, itemId, to: z.enum(messageFolderKinds) });
export type MoveMessageRequest = z.infer<typeof moveMessageRequestSchema>;

/** `mailbox.message.mark-all-read.request.v1`: MarkAllItemsAsRead on whole folders. */
export const markAllReadRequestSchema = z.object({
  mailbox: mailboxKey,
  folders: z.array(z.enum(messageViewKinds)).min(1).max(messageViewKinds.length),
  isRead: z.boolean(),
});
export type MarkAllReadRequest = z.infer<typeof markAllReadRequestSchema>;
export const markAllReadReplySchema = z.object({ changed: z.number().int().min(0) });
export type MarkAllReadReply = z.infer<typeof markAllReadReplySchema>;

/** `mailbox.folder-counts.get.request.v1` (query): every message folder's counts, the voicemail view's and the quota, in one answer. */
export const getMailboxCountsRequestSchema = z.object({ mailbox: mailboxKey });
export type GetMailboxCountsRequest = z.infer<typeof getMailboxCountsRequestSchema>;
const folderCountSchema = z.object({
  total: z.number().int().min(0),
  unread: z.number().int().min(0),
  /** Octets of the folder's messages (MAPI 0x0e08 on a folder). */
  size: z.number().int().min(0),
});
export const mailboxCountsReplySchema = z.object({
  folders: z.record(z.enum(messageViewKinds), folderCountSchema),
  /** Octets the mailbox's messages take, and its limit (null: unlimited). */
  quota: z.object({ used: z.number().int().min(0), limit: z.number().int().min(0).nullable() }),
  lastModifiedAt: instant.nullable(),
});
export type MailboxCountsReply = z.infer<typeof mailboxCountsReplySchema>;

/** The most recipients one composed message may name in the contract; the store's own limit (PARLEY_SMTP_MAX_RECIPIENTS) is lower. */
export const COMPOSED_RECIPIENTS_MAX = 10_000;

/** A recipient a client writes: an address (checked as an address), a display name when given. */
export const recipientAddressSchema = z.object({ address: z.email().max(320), name: z.string().max(256).nullable().default(null) });
export type RecipientAddress = z.infer<typeof recipientAddressSchema>;
const recipients = z.array(recipientAddressSchema).max(COMPOSED_RECIPIENTS_MAX).default([]);

/** How a composed message answers an earlier one (EWS ReplyToItem, ReplyAllToItem, ForwardItem). */
export const messageResponseKinds = ['reply', 'reply-all', 'forward'] as const;
export type MessageResponseKind = (typeof messageResponseKinds)[number];

/**
 * `mailbox.message.create.request.v1`: CreateItem of a message (or of a reply / forward of one) by
 * the acting mailbox, which is its From. The store composes the MIME (Message-ID, Date; for a
 * response In-Reply-To, References, the "RE: "/"FW: " subject and the original quoted under the new
 * body, the recipients by Exchange's rules), keeps the copy the disposition asks for (SaveOnly:
 * Drafts, SendAndSaveCopy: Sent Items; `saveTo` another message folder) and queues it for sending
 * in the same transaction. A response's recipients are added to those the rules give.
 */
export const createMessageRequestSchema = z.object({
  mailbox: mailboxKey,
  disposition: z.enum(messageDispositions),
  saveTo: z.enum(messageFolderKinds).optional(),
  subject: z.string().max(255).optional(),
  body: bodySchema.nullable().default(null),
  to: recipients,
  cc: recipients,
  bcc: recipients,
  importance: z.enum(['Low', 'Normal', 'High']).default('Normal'),
  respondsTo: z.object({ itemId, kind: z.enum(messageResponseKinds) }).optional(),
});
export type CreateMessageRequest = z.infer<typeof createMessageRequestSchema>;

/** `mailbox.message.send.request.v1`: SendItem of a saved message (a draft); the copy moves to Sent Items (or `saveTo`), or is removed. */
export const sendMessageRequestSchema = z.object({
  mailbox: mailboxKey,
  itemId,
  changeKey: z.string().max(200).optional(),
  saveCopy: z.boolean().default(true),
  saveTo: z.enum(messageFolderKinds).optional(),
});
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

/** The reply of both: the kept copy's id and change key, null when none was kept (SendOnly, SendItem without a copy). */
export const submitMessageReplySchema = z.object({ saved: messageSummarySchema.pick({ id: true, changeKey: true }).nullable() });
export type SubmitMessageReply = z.infer<typeof submitMessageReplySchema>;

// ---- events (voicemail-ingest publishes, keyed by the mailbox) --------------------------------

/** `mailbox.message.changed.v1`: every change to a mailbox's messages, in commit order per mailbox. */
export const messageChangeKinds = ['delivered', 'modified', 'moved', 'deleted'] as const;
export const messageChangedEventSchema = z.object({
  mailbox: mailboxKey,
  itemId: z.string(),
  change: z.enum(messageChangeKinds),
  /** Where it is now (for `deleted`: where it was). */
  folder: z.enum(messageFolderKinds),
  /** For `moved`: where it was. */
  fromFolder: z.enum(messageFolderKinds).nullable(),
  itemClass: z.string(),
  isRead: z.boolean(),
  changeKey: z.string(),
  occurredAt: instant,
});
export type MessageChangedEvent = z.infer<typeof messageChangedEventSchema>;

/** `mailbox.voicemail.deposited.v1`: a voicemail arrived (the facts, never the audio). */
export const voicemailDepositedEventSchema = z.object({
  mailbox: mailboxKey,
  itemId: z.string(),
  receivedAt: instant,
  voicemail: voicemailFactsSchema,
});
export type VoicemailDepositedEvent = z.infer<typeof voicemailDepositedEventSchema>;

/**
 * `mailbox.message-waiting.changed.v1` (a compacted state topic): a mailbox's voicemail counts —
 * unread (new) and read (old) voicemail in the voicemail view — after every deposit, read, unread,
 * move and delete that changed them. `revision` increases per mailbox; a consumer ignores an older one.
 */
export const messageWaitingChangedEventSchema = z.object({
  mailbox: mailboxKey,
  newMessages: z.number().int().min(0),
  oldMessages: z.number().int().min(0),
  revision: z.number().int().min(1),
});
export type MessageWaitingChangedEvent = z.infer<typeof messageWaitingChangedEventSchema>;
