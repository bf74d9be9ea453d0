import { Injectable } from '@nestjs/common';
import { calendarItemFieldsSchema, type MeetingResponse, type MessageDisposition, meetingSendModes } from '@parley/contracts';
import type { ActingMailbox } from '@parley/ews-gateway/auth';
import { attr, child, el, type XmlElement, type XmlNode } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from './calendar-access';
import { calendarErrorMessage } from './calendar-error.mapper';
import { CalendarItemException } from './calendar.exception';
import { CalendarClient } from './calendar.client';
import { oneOf, readCalendarFields } from './calendar-item.reader';
import { calendarItemIdElement } from './calendar-item.writer';
import { readFolderRefs, type FolderRef } from './calendar-request.reader';
import { meetingResponseOf, readMessageDisposition, readReferenceItemId } from './meeting-response.reader';
import { requestTimeZone } from './request-time-zone';

/**
 * CreateItem for calendar items, into the acting mailbox's calendar. Unless
 * `SendMeetingInvitations` is SendToNone (the default), calendar-sync places the meeting on the
 * calendars of attendees that are Parley mailboxes; others get nothing (no mail transport; see
 * docs). Response objects (`AcceptItem`, `TentativelyAcceptItem`, `DeclineItem`) answer a meeting
 * on the attendee's copy their `ReferenceItemId` names. Items of other types get a per-item error.
 */
@Injectable()
export class CreateItemHandler implements EwsOperationHandler {
  readonly operation = 'CreateItem';

  constructor(
    private readonly calendar: CalendarClient,
    private readonly access: CalendarAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const sendMode = oneOf(attr(body, 'SendMeetingInvitations') ?? 'SendToNone', meetingSendModes, 'SendMeetingInvitations');
    const zone = requestTimeZone(request.headers);
    const saved = child(body, NS.MESSAGES, 'SavedItemFolderId');
    const folders = saved ? readFolderRefs(saved) : [];
    if (saved && folders.length !== 1) throw new EwsError(EwsErrorCode.InvalidValue, "'SavedItemFolderId' must hold one folder id.");
    const items = requireChild(body, NS.MESSAGES, 'Items').children.filter((c) => c.ns === NS.TYPES);
    const messages: ResponseMessageSpec[] = [];
    const disposition = readMessageDisposition(body);
    for (const item of items) {
      const response = meetingResponseOf(item);
      if (response) {
        messages.push(await this.respond(item, response, acting, disposition, folders[0]));
        continue;
      }
      try {
        if (folders[0] && this.access.folderKind(acting, folders[0]) !== 'calendar') {
          throw new CalendarItemException('ErrorInvalidOperation', 'Parley keeps calendar items in the calendar folder only.');
        }
        if (item.local !== 'CalendarItem')
          throw new CalendarItemException('ErrorInvalidRequest', `Parley does not store '${item.local.slice(0, 40)}' items yet.`);
        const { start, end, ...fields } = readCalendarFields(item, zone);
        if (start === undefined || end === undefined)
          throw new CalendarItemException('ErrorInvalidRequest', 'A calendar item needs a Start and an End.');
        if (Date.parse(end) < Date.parse(start))
          throw new CalendarItemException('ErrorCalendarEndDateIsEarlierThanStartDate', 'The end date occurs before the start date.');
        // Without StartTimeZone the item lives in the request's zone (EWS's rule), else in UTC.
        const input = { ...fields, start, end, startTimeZone: fields.startTimeZone ?? zone?.windowsId ?? 'UTC' };
        if (!calendarItemFieldsSchema.safeParse(input).success)
          throw new CalendarItemException('ErrorInvalidRequest', 'The calendar item is not valid.');
        const created = await this.calendar.create(acting.mailbox.smtpAddress, input, sendMode);
        messages.push({ content: itemsElement(calendarItemIdElement(created)) });
      } catch (error) {
        messages.push({ ...calendarErrorMessage(error), content: itemsElement() });
      }
    }
    return operationResponse('CreateItem', messages);
  }

  /**
   * One meeting response. Parley keeps no response messages: the answer lands on the calendar
   * items, and the answer's Body has nowhere to go. The Items of a success hold the attendee's
   * copy as it now stands (in Deleted Items after a Decline), as Exchange returns the calendar
   * item it rewrote; SendOnly saves nothing, so its Items are empty.
   */
  private async respond(
    item: XmlElement,
    response: MeetingResponse,
    acting: ActingMailbox,
    disposition: MessageDisposition | undefined,
    savedFolder: FolderRef | undefined,
  ): Promise<ResponseMessageSpec> {
    try {
      if (disposition === undefined)
        throw new CalendarItemException('ErrorMessageDispositionRequired', 'A meeting response needs a MessageDisposition.');
      // The folder would hold the response message, which Parley does not keep: it is only checked.
      if (savedFolder) this.access.folderKind(acting, savedFolder);
      const copy = await this.calendar.respond(acting.mailbox.smtpAddress, readReferenceItemId(item), response, disposition);
      return { content: disposition === 'SendOnly' ? itemsElement() : itemsElement(calendarItemIdElement(copy)) };
    } catch (error) {
      return { ...calendarErrorMessage(error), content: itemsElement() };
    }
  }
}

function itemsElement(content?: XmlNode): XmlNode {
  return el(NS.MESSAGES, 'Items', {}, content);
}
