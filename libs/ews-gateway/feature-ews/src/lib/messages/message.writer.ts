import type { AttachmentSummary, MailAddress, MessageFolderKind, MessageSummary, MessageView } from '@parley/contracts';
import { htmlToText } from '@parley/contracts';
import { el, type XmlContentItem, type XmlNode } from '@parley/xml';
import { formatXsDateTime, NS } from '@parley/ews-gateway/soap';
import type { FolderIdentity } from '../folders/folder-ids';
import { messagePropertyValue } from './message-properties';
import type { BodyTypeRequest, MessageShape } from './message-shape.reader';

/** What the writer needs besides the message. */
export interface MessageWriteContext {
  /** `t:FolderId` of the mailbox's folder that holds the message (ParentFolderId). */
  readonly parentFolder: (mailbox: string, folder: MessageFolderKind) => FolderIdentity;
}

/** A message as FindItem lists it (summary) or GetItem shows it (view, and the MIME when asked for). */
export type MessageSource = MessageSummary & Partial<Pick<MessageView, 'body' | 'attachments' | 'headers'>> & { readonly mime?: Buffer };

type Writer = (m: MessageSource, ctx: MessageWriteContext, shape: MessageShape) => XmlContentItem | XmlContentItem[];
const t = (local: string, attrs: Record<string, string> = {}, content?: XmlContentItem | XmlContentItem[]) =>
  el(NS.TYPES, local, attrs, content);
const time = (iso: string) => formatXsDateTime(new Date(iso));

/**
 * Every property Parley answers for a message, keyed by FieldURI, in types.xsd's order: ItemType
 * (MimeContent, ItemId, ParentFolderId, ItemClass, Subject, Sensitivity, Body, Attachments,
 * DateTimeReceived, Size, Importance, InReplyTo, IsSubmitted … IsUnmodified, InternetMessageHeaders,
 * DateTimeSent, DateTimeCreated, DisplayCc, DisplayTo, HasAttachments, ExtendedProperty*,
 * LastModifiedTime), then MessageType (Sender, ToRecipients, CcRecipients, IsReadReceiptRequested,
 * IsDeliveryReceiptRequested, From, InternetMessageId, IsRead). `ExtendedProperty` is the marker
 * where the shape's extended properties go.
 */
const FIELDS: ReadonlyArray<readonly [string, Writer]> = [
  ['item:MimeContent', (m) => m.mime !== undefined && t('MimeContent', { CharacterSet: 'UTF-8' }, m.mime.toString('base64'))],
  ['item:ItemId', (m) => t('ItemId', { Id: m.id, ChangeKey: m.changeKey })],
  [
    'item:ParentFolderId',
    (m, ctx) => {
      const folder = ctx.parentFolder(m.mailbox, m.folder);
      return t('ParentFolderId', { Id: folder.id, ChangeKey: folder.changeKey });
    },
  ],
  ['item:ItemClass', (m) => t('ItemClass', {}, m.itemClass)],
  ['item:Subject', (m) => t('Subject', {}, m.subject)],
  ['item:Sensitivity', () => t('Sensitivity', {}, 'Normal')],
  ['item:Body', (m, _ctx, shape) => m.body !== undefined && m.body !== null && bodyElement(m.body, shape.bodyType)],
  [
    'item:Attachments',
    (m) =>
      m.attachments !== undefined &&
      m.attachments.length > 0 &&
      t(
        'Attachments',
        {},
        m.attachments.map((a) => attachmentElement(m, a)),
      ),
  ],
  ['item:DateTimeReceived', (m) => t('DateTimeReceived', {}, time(m.receivedAt))],
  ['item:Size', (m) => t('Size', {}, m.size)],
  ['item:Importance', (m) => t('Importance', {}, m.importance)],
  ['item:InReplyTo', (m) => inReplyToOf(m) !== undefined && t('InReplyTo', {}, inReplyToOf(m))],
  ['item:IsSubmitted', () => t('IsSubmitted', {}, 'false')],
  ['item:IsDraft', (m) => t('IsDraft', {}, String(m.folder === 'drafts'))],
  ['item:IsFromMe', () => t('IsFromMe', {}, 'false')],
  ['item:IsResend', () => t('IsResend', {}, 'false')],
  ['item:IsUnmodified', () => t('IsUnmodified', {}, 'true')],
  [
    'item:InternetMessageHeaders',
    (m) =>
      m.headers !== undefined &&
      m.headers.length > 0 &&
      t(
        'InternetMessageHeaders',
        {},
        m.headers.map((h) => t('InternetMessageHeader', { HeaderName: h.name }, h.value)),
      ),
  ],
  ['item:DateTimeSent', (m) => t('DateTimeSent', {}, time(m.sentAt ?? m.receivedAt))],
  ['item:DateTimeCreated', (m) => t('DateTimeCreated', {}, time(m.receivedAt))],
  ['item:DisplayCc', (m) => t('DisplayCc', {}, displayList(m.cc))],
  ['item:DisplayTo', (m) => t('DisplayTo', {}, displayList(m.to))],
  ['item:HasAttachments', (m) => t('HasAttachments', {}, String(m.hasAttachments))],
  ['ExtendedProperty', (m, _ctx, shape) => extendedProperties(m, shape)],
  ['item:LastModifiedTime', (m) => t('LastModifiedTime', {}, time(m.lastModifiedAt))],
  ['message:Sender', (m) => m.from !== null && t('Sender', {}, mailboxElement(m.from))],
  ['message:ToRecipients', (m) => m.to.length > 0 && t('ToRecipients', {}, m.to.map(mailboxElement))],
  ['message:CcRecipients', (m) => m.cc.length > 0 && t('CcRecipients', {}, m.cc.map(mailboxElement))],
  ['message:IsReadReceiptRequested', () => t('IsReadReceiptRequested', {}, 'false')],
  ['message:IsDeliveryReceiptRequested', () => t('IsDeliveryReceiptRequested', {}, 'false')],
  ['message:From', (m) => m.from !== null && t('From', {}, mailboxElement(m.from))],
  ['message:InternetMessageId', (m) => m.internetMessageId !== null && t('InternetMessageId', {}, m.internetMessageId)],
  ['message:IsRead', (m) => t('IsRead', {}, String(m.isRead))],
];

/** The In-Reply-To header of a message read with its header lines (GetItem), when it has one. */
function inReplyToOf(m: MessageSource): string | undefined {
  const value = m.headers?.find((h) => h.name.toLowerCase() === 'in-reply-to')?.value.trim();
  return value === '' ? undefined : value;
}

/** `t:Message` with the fields of `shape`, in schema order. */
export function messageElement(message: MessageSource, shape: MessageShape, ctx: MessageWriteContext): XmlNode {
  return t(
    'Message',
    {},
    FIELDS.filter(([uri]) => uri === 'ExtendedProperty' || shape.fields.has(uri)).flatMap(([, write]) => write(message, ctx, shape)),
  );
}

/** The bare `t:Message` → `t:ItemId` that UpdateItem and MoveItem answer with. */
export function messageIdElement(message: { readonly id: string; readonly changeKey: string }): XmlNode {
  return t('Message', {}, t('ItemId', { Id: message.id, ChangeKey: message.changeKey }));
}

/** The properties of `shape.extended` Parley can derive, each as `t:ExtendedProperty` (the URI echoed); the rest left out. */
function extendedProperties(message: MessageSource, shape: MessageShape): XmlContentItem[] {
  return shape.extended.map((request) => {
    const value = messagePropertyValue(request.key, message);
    return value !== undefined && t('ExtendedProperty', {}, [t('ExtendedFieldURI', request.attrs), t('Value', {}, value)]);
  });
}

/** `t:FileAttachment` as GetItem lists it (no content) and GetAttachment returns it (with `content`). */
export function attachmentElement(
  root: { readonly id: string; readonly changeKey: string },
  a: AttachmentSummary,
  content?: Buffer,
): XmlNode {
  return t('FileAttachment', {}, [
    t('AttachmentId', { Id: a.id, RootItemId: root.id, RootItemChangeKey: root.changeKey }),
    t('Name', {}, a.name),
    t('ContentType', {}, a.contentType),
    a.contentId !== null && t('ContentId', {}, a.contentId),
    t('Size', {}, a.size),
    t('IsInline', {}, String(a.isInline)),
    content !== undefined && t('Content', {}, content.toString('base64')),
  ]);
}

function mailboxElement(address: MailAddress): XmlNode {
  return t('Mailbox', {}, [
    address.name !== null && t('Name', {}, address.name),
    t('EmailAddress', {}, address.address),
    t('RoutingType', {}, 'SMTP'),
  ]);
}

/** DisplayTo / DisplayCc: the recipients' names (their address where they have none), `; `-separated as Exchange writes them. */
function displayList(addresses: readonly MailAddress[]): string {
  return addresses.map((a) => a.name ?? a.address).join('; ');
}

/**
 * The body in the type asked for. The store keeps the HTML part when there is one, else the text:
 * Best answers it as kept; HTML of a text body is that text escaped in a `<pre>`; Text of an HTML
 * body is its text content (tags dropped, entities of the common five decoded, blocks as lines).
 */
function bodyElement(body: NonNullable<MessageView['body']>, wanted: BodyTypeRequest): XmlNode {
  if (wanted === 'Best' || wanted === body.type) return t('Body', { BodyType: body.type }, body.content);
  if (wanted === 'HTML') return t('Body', { BodyType: 'HTML' }, `<html><body><pre>${escapeHtml(body.content)}</pre></body></html>`);
  return t('Body', { BodyType: 'Text' }, htmlToText(body.content));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
