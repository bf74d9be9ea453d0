import { meetingSendModes, sensitivities, type CalendarItemPatch, type Disposal, type MeetingSendMode } from '@parley/contracts';
import { attr, child, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, NS } from '@parley/ews-gateway/soap';

const DELETE_TYPES = ['HardDelete', 'SoftDelete', 'MoveToDeletedItems'] as const;
const TASK_OCCURRENCES = ['AllOccurrences', 'SpecifiedOccurrenceOnly'] as const;

/**
 * Validates DeleteItem's attributes, whatever the items are, and answers how the items go.
 * MoveToDeletedItems moves them to Deleted Items (an item already there is removed). SoftDelete
 * moves an item to the dumpster in Exchange, out of every folder a client sees and recoverable
 * only by an administrator's or a recovery tool's traversal: Parley keeps no dumpster, so it is a
 * HardDelete. `SendMeetingCancellations` is read by `readMeetingCancellations`.
 */
export function readDeleteItemDisposal(body: XmlElement): Disposal {
  const deleteType = oneOf(attr(body, 'DeleteType') ?? 'HardDelete', DELETE_TYPES, 'DeleteType');
  readMeetingCancellations(body);
  const occurrences = attr(body, 'AffectedTaskOccurrences');
  if (occurrences !== undefined) oneOf(occurrences, TASK_OCCURRENCES, 'AffectedTaskOccurrences');
  return deleteType === 'MoveToDeletedItems' ? 'MoveToDeletedItems' : 'HardDelete';
}

/** DeleteItem's `SendMeetingCancellations`: SendToNone when absent (nothing reaches attendees). */
export function readMeetingCancellations(body: XmlElement): MeetingSendMode {
  return oneOf(attr(body, 'SendMeetingCancellations') ?? 'SendToNone', meetingSendModes, 'SendMeetingCancellations');
}

/** The fields every item type shares (`t:ItemType`): Subject, Sensitivity, Body — those present. */
export function readItemBasics(item: XmlElement): Pick<CalendarItemPatch, 'subject' | 'sensitivity' | 'body'> {
  const basics: Pick<CalendarItemPatch, 'subject' | 'sensitivity' | 'body'> = {};
  const subject = child(item, NS.TYPES, 'Subject');
  if (subject) basics.subject = subject.text;
  const sensitivity = child(item, NS.TYPES, 'Sensitivity');
  if (sensitivity) basics.sensitivity = oneOf(sensitivity.text, sensitivities, 'Sensitivity');
  const body = child(item, NS.TYPES, 'Body');
  if (body) basics.body = { type: oneOf(attr(body, 'BodyType') ?? 'Text', ['Text', 'HTML'] as const, 'BodyType'), content: body.text };
  return basics;
}

/**
 * The property path an item update (`SetItemField`, `AppendToItemField`, `DeleteItemField`) names,
 * with its `FieldURI` when it is one (undefined for an indexed or extended path).
 */
export function updatedPropertyPath(update: XmlElement): { readonly path: XmlElement; readonly fieldUri: string | undefined } {
  const path = update.children.find(
    (c) => c.ns === NS.TYPES && (c.local === 'FieldURI' || c.local === 'IndexedFieldURI' || c.local === 'ExtendedFieldURI'),
  );
  if (!path) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${update.local}' must name a property.`);
  return { path, fieldUri: path.local === 'FieldURI' ? attr(path, 'FieldURI')?.trim() : undefined };
}

/** `value` (trimmed) if it is one of `allowed`, else an EWS invalid-value error naming `what`. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const v = value.trim();
  if (!(allowed as readonly string[]).includes(v))
    throw new EwsError(EwsErrorCode.InvalidValue, `'${v.slice(0, 32)}' is not a valid ${what}.`);
  return v as T;
}
