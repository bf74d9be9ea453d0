import { type CreateMessageRequest, type MessageResponseKind, type RecipientAddress, recipientAddressSchema } from '@parley/contracts';
import { attr, child, childText, children, type XmlElement } from '@parley/xml';
import { EwsResponseCode, NS } from '@parley/ews-gateway/soap';
import { CalendarItemException } from '../calendar/calendar.exception';
import { readItemBasics, oneOf } from '../item-request.reader';
import { checkMessageId } from './message-id.reader';

/** The items of CreateItem that are mail: a message, or a response object that answers one. */
const responsesByElement: Readonly<Record<string, MessageResponseKind>> = {
  ReplyToItem: 'reply',
  ReplyAllToItem: 'reply-all',
  ForwardItem: 'forward',
};

/** Whether an item of CreateItem's `Items` is mail the message store composes. */
export function isComposedMessage(item: XmlElement): boolean {
  return item.local === 'Message' || Object.hasOwn(responsesByElement, item.local);
}

/** What a `t:Message` or a reply / forward says, as the store's create command takes it (mailbox and disposition aside). */
export type ComposedFields = Omit<CreateMessageRequest, 'mailbox' | 'disposition' | 'saveTo'>;

/**
 * A message of CreateItem: Subject, Body, ToRecipients, CcRecipients, BccRecipients, Importance;
 * a response object adds its `ReferenceItemId` (a message of the acting mailbox) and carries its
 * text in `NewBodyContent`. Other properties (categories, flags, From) are ignored as Exchange
 * ignores those it sets itself: From is always the acting mailbox.
 */
export function readComposedMessage(item: XmlElement, mailbox: string): ComposedFields {
  const basics = readItemBasics(item);
  const importance = child(item, NS.TYPES, 'Importance');
  const fields: ComposedFields = {
    subject: basics.subject,
    body: basics.body ?? null,
    to: readRecipients(item, 'ToRecipients'),
    cc: readRecipients(item, 'CcRecipients'),
    bcc: readRecipients(item, 'BccRecipients'),
    importance: importance ? oneOf(importance.text, ['Low', 'Normal', 'High'] as const, 'Importance') : 'Normal',
  };
  const kind = Object.hasOwn(responsesByElement, item.local) ? responsesByElement[item.local] : undefined;
  if (kind === undefined) return fields;
  const reference = child(item, NS.TYPES, 'ReferenceItemId');
  if (!reference) throw new CalendarItemException(EwsResponseCode.ErrorInvalidRequest, `'${item.local}' needs a ReferenceItemId.`);
  const itemId = attr(reference, 'Id')?.trim();
  if (!itemId) throw new CalendarItemException(EwsResponseCode.ErrorInvalidIdEmpty, 'Id is empty.');
  checkMessageId(itemId, mailbox);
  const newBody = child(item, NS.TYPES, 'NewBodyContent');
  return {
    ...fields,
    body: newBody
      ? { type: oneOf(attr(newBody, 'BodyType') ?? 'Text', ['Text', 'HTML'] as const, 'BodyType'), content: newBody.text }
      : fields.body,
    respondsTo: { itemId, kind },
  };
}

function readRecipients(item: XmlElement, list: string): RecipientAddress[] {
  const holder = child(item, NS.TYPES, list);
  if (!holder) return [];
  return children(holder, NS.TYPES, 'Mailbox').map((mailbox) => {
    const address = childText(mailbox, NS.TYPES, 'EmailAddress')?.trim() ?? '';
    const name = childText(mailbox, NS.TYPES, 'Name')?.trim() || null;
    const parsed = recipientAddressSchema.safeParse({ address, name });
    if (!parsed.success)
      throw new CalendarItemException(EwsResponseCode.ErrorInvalidSmtpAddress, `'${address.slice(0, 64)}' is not a valid SMTP address.`);
    return parsed.data;
  });
}
