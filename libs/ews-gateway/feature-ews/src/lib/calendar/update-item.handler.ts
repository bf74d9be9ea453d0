import { Injectable } from '@nestjs/common';
import {
  type CalendarItemPatch,
  conflictResolutions,
  deletableFields,
  meetingUpdateSendModes,
  type UpdatableField,
} from '@parley/contracts';
import { attr, child, el, type XmlElement, type XmlNode } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { calendarErrorMessage } from './calendar-error.mapper';
import { CalendarItemException } from './calendar.exception';
import { CalendarClient } from './calendar.client';
import { oneOf, readCalendarFields } from './calendar-item.reader';
import { calendarItemIdElement } from './calendar-item.writer';
import { readItemIdRef } from './calendar-request.reader';
import { requestTimeZone, type RequestTimeZone } from './request-time-zone';

/** FieldURIs an UpdateItem may name, and the calendar field each one is. */
const FIELD_OF_URI: Readonly<Record<string, UpdatableField>> = {
  'item:Subject': 'subject',
  'item:Body': 'body',
  'item:Sensitivity': 'sensitivity',
  'calendar:Start': 'start',
  'calendar:End': 'end',
  'calendar:IsAllDayEvent': 'isAllDay',
  'calendar:LegacyFreeBusyStatus': 'legacyFreeBusyStatus',
  'calendar:Location': 'location',
  'calendar:RequiredAttendees': 'requiredAttendees',
  'calendar:OptionalAttendees': 'optionalAttendees',
  'calendar:Recurrence': 'recurrence',
  'calendar:StartTimeZone': 'startTimeZone',
  'calendar:MeetingTimeZone': 'startTimeZone',
  'calendar:EndTimeZone': 'endTimeZone',
};
/** Fields whose AppendToItemField adds to the current value. */
const APPENDABLE: ReadonlySet<UpdatableField> = new Set(['body', 'requiredAttendees', 'optionalAttendees']);

interface ItemChange {
  readonly set: CalendarItemPatch;
  readonly append: CalendarItemPatch;
  readonly delete: (typeof deletableFields)[number][];
}

/**
 * UpdateItem on calendar items: SetItemField / AppendToItemField / DeleteItemField for the fields
 * calendar-sync stores. The ChangeKey is checked by calendar-sync: stale under NeverOverwrite →
 * `ErrorIrresolvableConflict`; AutoResolve and AlwaysOverwrite apply the change. Updating an
 * occurrence makes it an exception. Unless `SendMeetingInvitationsOrCancellations` is SendToNone
 * (the default), the organizer's change reaches the attendee copies calendar-sync holds.
 */
@Injectable()
export class UpdateItemHandler implements EwsOperationHandler {
  readonly operation = 'UpdateItem';

  constructor(private readonly calendar: CalendarClient) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const conflictResolution = oneOf(attr(body, 'ConflictResolution') ?? 'AutoResolve', conflictResolutions, 'ConflictResolution');
    const sendMode = oneOf(
      attr(body, 'SendMeetingInvitationsOrCancellations') ?? 'SendToNone',
      meetingUpdateSendModes,
      'SendMeetingInvitationsOrCancellations',
    );
    const zone = requestTimeZone(request.headers);
    const mailbox = acting.mailbox.smtpAddress;
    const messages: ResponseMessageSpec[] = [];
    for (const change of requireChild(body, NS.MESSAGES, 'ItemChanges').children.filter(
      (c) => c.ns === NS.TYPES && c.local === 'ItemChange',
    )) {
      let byIndex = false;
      try {
        const idElement = change.children.find((c) => c.ns === NS.TYPES && c.local !== 'Updates');
        if (!idElement) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'ItemChange' must contain an item id.");
        const ref = readItemIdRef(idElement);
        byIndex = ref.target.by === 'occurrenceIndex';
        const parsed = readItemChange(requireChild(change, NS.TYPES, 'Updates'), zone);
        const needsCurrent = ref.target.by !== 'id' || Object.keys(parsed.append).length > 0;
        const current = needsCurrent ? await this.calendar.get(mailbox, ref.target) : undefined;
        const set: CalendarItemPatch = { ...parsed.set };
        if (current) {
          if (parsed.append.body)
            set.body = {
              type: current.body?.type ?? parsed.append.body.type,
              content: (current.body?.content ?? '') + parsed.append.body.content,
            };
          if (parsed.append.requiredAttendees) set.requiredAttendees = [...current.requiredAttendees, ...parsed.append.requiredAttendees];
          if (parsed.append.optionalAttendees) set.optionalAttendees = [...current.optionalAttendees, ...parsed.append.optionalAttendees];
        }
        const itemId = ref.target.by === 'id' ? ref.target.itemId : (current?.id as string);
        const updated = await this.calendar.update(mailbox, {
          itemId,
          changeKey: ref.changeKey,
          conflictResolution,
          set,
          delete: parsed.delete,
          sendMeetingInvitationsOrCancellations: sendMode,
        });
        messages.push({
          content: [
            el(NS.MESSAGES, 'Items', {}, calendarItemIdElement(updated)),
            el(NS.MESSAGES, 'ConflictResults', {}, el(NS.TYPES, 'Count', {}, 0)),
          ],
        });
      } catch (error) {
        messages.push({ ...calendarErrorMessage(error, { byOccurrenceIndex: byIndex }), content: el(NS.MESSAGES, 'Items') });
      }
    }
    return operationResponse('UpdateItem', messages);
  }
}

/** The `t:Updates` of one ItemChange, in order (a later update of a field wins). */
export function readItemChange(updates: XmlElement, zone: RequestTimeZone | undefined): ItemChange {
  const result: ItemChange = { set: {}, append: {}, delete: [] };
  for (const update of updates.children.filter((c) => c.ns === NS.TYPES)) {
    const field = fieldOf(update);
    if (update.local === 'DeleteItemField') {
      if (!(deletableFields as readonly string[]).includes(field))
        throw new CalendarItemException('ErrorInvalidPropertyDelete', `The '${field}' property cannot be deleted.`);
      result.delete.push(field as (typeof deletableFields)[number]);
      delete (result.set as Record<string, unknown>)[field];
      continue;
    }
    const item = child(update, NS.TYPES, 'CalendarItem') ?? child(update, NS.TYPES, 'Item');
    if (!item) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${update.local}' must contain a 'CalendarItem'.`);
    const fields = readCalendarFields(item, zone) as Record<string, unknown>;
    if (!(field in fields))
      throw new CalendarItemException('ErrorInvalidPropertySet', `The update names '${field}' but its item carries no value for it.`);
    if (update.local === 'AppendToItemField') {
      if (!APPENDABLE.has(field))
        throw new CalendarItemException('ErrorInvalidPropertySet', `The '${field}' property cannot be appended to.`);
      (result.append as Record<string, unknown>)[field] = fields[field];
    } else if (update.local === 'SetItemField') {
      (result.set as Record<string, unknown>)[field] = fields[field];
      const at = result.delete.indexOf(field as (typeof deletableFields)[number]);
      if (at >= 0) result.delete.splice(at, 1);
    } else {
      throw new EwsError(EwsErrorCode.InvalidValue, `'${update.local.slice(0, 40)}' is not an item update.`);
    }
  }
  return result;
}

function fieldOf(update: XmlElement): UpdatableField {
  const path = update.children.find(
    (c) => c.ns === NS.TYPES && (c.local === 'FieldURI' || c.local === 'IndexedFieldURI' || c.local === 'ExtendedFieldURI'),
  );
  if (!path) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${update.local}' must name a property.`);
  const uri = path.local === 'FieldURI' ? attr(path, 'FieldURI')?.trim() : undefined;
  const field = uri === undefined ? undefined : FIELD_OF_URI[uri];
  if (field === undefined)
    throw new CalendarItemException(
      'ErrorInvalidPropertySet',
      `Parley cannot change the property '${(uri ?? path.local).slice(0, 60)}' of a calendar item.`,
    );
  return field;
}
