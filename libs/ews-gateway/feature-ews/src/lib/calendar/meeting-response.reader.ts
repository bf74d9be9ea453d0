import { type MeetingResponse, messageDispositions, type MessageDisposition } from '@parley/contracts';
import { attr, child, type XmlElement } from '@parley/xml';
import { NS } from '@parley/ews-gateway/soap';
import { CalendarItemException } from './calendar.exception';
import { oneOf } from '../item-request.reader';

/** The response objects of CreateItem that answer a meeting, by element name. */
const responsesByElement: Readonly<Record<string, MeetingResponse>> = {
  AcceptItem: 'Accept',
  TentativelyAcceptItem: 'Tentative',
  DeclineItem: 'Decline',
};

/** The answer an item of CreateItem's `Items` carries, or undefined when it is not a meeting response. */
export function meetingResponseOf(item: XmlElement): MeetingResponse | undefined {
  return Object.hasOwn(responsesByElement, item.local) ? responsesByElement[item.local] : undefined;
}

/** CreateItem's `MessageDisposition`, when present (a wrong value fails the request, as any invalid attribute). */
export function readMessageDisposition(createItem: XmlElement): MessageDisposition | undefined {
  const value = attr(createItem, 'MessageDisposition');
  return value === undefined ? undefined : oneOf(value, messageDispositions, 'MessageDisposition');
}

/** The calendar item a response object answers (`t:ReferenceItemId` Id). */
export function readReferenceItemId(responseObject: XmlElement): string {
  const reference = child(responseObject, NS.TYPES, 'ReferenceItemId');
  if (!reference) throw new CalendarItemException('ErrorInvalidRequest', `'${responseObject.local}' needs a ReferenceItemId.`);
  const id = attr(reference, 'Id')?.trim();
  if (!id) throw new CalendarItemException('ErrorInvalidIdEmpty', 'Id is empty.');
  if (id.length > 200) throw new CalendarItemException('ErrorInvalidIdMalformed', 'Id is malformed.');
  return id;
}
