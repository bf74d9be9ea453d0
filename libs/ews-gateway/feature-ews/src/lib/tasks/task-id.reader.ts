import { attr, type XmlElement } from '@parley/xml';
import { CalendarItemException } from '../calendar/calendar.exception';

/** A task id of the request (`t:ItemId` only: tasks have no occurrences) with the client's change key. */
export function readTaskId(id: XmlElement): { itemId: string; changeKey: string | undefined } {
  if (id.local !== 'ItemId')
    throw new CalendarItemException('ErrorInvalidOperation', 'Parley keeps no recurring tasks: a task has no occurrences.');
  const itemId = attr(id, 'Id')?.trim();
  if (!itemId) throw new CalendarItemException('ErrorInvalidIdEmpty', 'Id is empty.');
  if (itemId.length > 200) throw new CalendarItemException('ErrorInvalidIdMalformed', 'Id is malformed.');
  return { itemId, changeKey: attr(id, 'ChangeKey')?.trim() || undefined };
}
