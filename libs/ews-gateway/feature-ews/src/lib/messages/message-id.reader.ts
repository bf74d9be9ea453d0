import { decodeAttachmentId, decodeMessageId, isMessageAttachmentId, isMessageItemId } from '@parley/contracts';
import { attr, type XmlElement } from '@parley/xml';
import { EwsResponseCode } from '@parley/ews-gateway/soap';
import { CalendarItemException } from '../calendar/calendar.exception';

/**
 * A message id of the request (`t:ItemId` only: messages have no occurrences) with the client's
 * change key, checked against the acting mailbox before anything is asked: an id minted for
 * another mailbox is not found (as the store would answer), one that is no message id is malformed.
 */
export function readMessageId(id: XmlElement, mailbox: string): { itemId: string; changeKey: string | undefined } {
  if (id.local !== 'ItemId') throw new CalendarItemException(EwsResponseCode.ErrorInvalidIdMalformed, 'A message has no occurrences.');
  const itemId = attr(id, 'Id')?.trim();
  if (!itemId) throw new CalendarItemException(EwsResponseCode.ErrorInvalidIdEmpty, 'Id is empty.');
  checkMessageId(itemId, mailbox);
  return { itemId, changeKey: attr(id, 'ChangeKey')?.trim() || undefined };
}

export function checkMessageId(itemId: string, mailbox: string): void {
  if (!isMessageItemId(itemId)) throw new CalendarItemException(EwsResponseCode.ErrorInvalidIdMalformed, 'Id is malformed.');
  if (decodeMessageId(mailbox, itemId) === null) throw itemNotFound();
}

/** An attachment id (`t:AttachmentId Id`), checked as message ids are. */
export function checkAttachmentId(attachmentId: string, mailbox: string): void {
  if (!isMessageAttachmentId(attachmentId)) throw new CalendarItemException(EwsResponseCode.ErrorInvalidIdMalformed, 'Id is malformed.');
  if (decodeAttachmentId(mailbox, attachmentId) === null) throw itemNotFound();
}

function itemNotFound(): CalendarItemException {
  return new CalendarItemException(EwsResponseCode.ErrorItemNotFound, 'The specified object was not found in the store.');
}
