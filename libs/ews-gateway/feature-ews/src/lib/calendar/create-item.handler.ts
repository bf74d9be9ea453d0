import { Injectable } from '@nestjs/common';
import { calendarItemFieldsSchema, meetingSendModes } from '@parley/contracts';
import { attr, child, el, EwsError, EwsErrorCode, NS, operationResponse, requireChild, type ResponseMessageSpec, type XmlNode } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from './calendar-access';
import { calendarErrorMessage } from './calendar-error.mapper';
import { CalendarItemException } from './calendar.exception';
import { CalendarGateway } from './calendar.gateway';
import { oneOf, readCalendarFields } from './calendar-item.reader';
import { calendarItemIdElement } from './calendar-item.writer';
import { readFolderRefs } from './calendar-request.reader';
import { requestTimeZone } from './request-time-zone';

/**
 * CreateItem for calendar items, into the acting mailbox's calendar. Unless
 * `SendMeetingInvitations` is SendToNone (the default), calendar-sync places the meeting on the
 * calendars of attendees that are Parley mailboxes; others get nothing (no mail transport; see
 * docs). Items of other types get a per-item error.
 */
@Injectable()
export class CreateItemHandler implements EwsOperationHandler {
  readonly operation = 'CreateItem';

  constructor(
    private readonly calendar: CalendarGateway,
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
    for (const item of items) {
      try {
        if (folders[0] && this.access.folderKind(acting, folders[0]) !== 'calendar') {
          throw new CalendarItemException('ErrorInvalidOperation', 'Parley keeps calendar items in the calendar folder only.');
        }
        if (item.local !== 'CalendarItem') throw new CalendarItemException('ErrorInvalidRequest', `Parley does not store '${item.local.slice(0, 40)}' items yet.`);
        const { start, end, ...fields } = readCalendarFields(item, zone);
        if (start === undefined || end === undefined) throw new CalendarItemException('ErrorInvalidRequest', 'A calendar item needs a Start and an End.');
        if (Date.parse(end) < Date.parse(start)) throw new CalendarItemException('ErrorCalendarEndDateIsEarlierThanStartDate', 'The end date occurs before the start date.');
        // Without StartTimeZone the item lives in the request's zone (EWS's rule), else in UTC.
        const input = { ...fields, start, end, startTimeZone: fields.startTimeZone ?? zone?.windowsId ?? 'UTC' };
        if (!calendarItemFieldsSchema.safeParse(input).success) throw new CalendarItemException('ErrorInvalidRequest', 'The calendar item is not valid.');
        const created = await this.calendar.create(acting.mailbox.smtpAddress, input, sendMode);
        messages.push({ content: itemsElement(calendarItemIdElement(created)) });
      } catch (error) {
        messages.push({ ...calendarErrorMessage(error), content: itemsElement() });
      }
    }
    return operationResponse('CreateItem', messages);
  }
}

function itemsElement(content?: XmlNode): XmlNode {
  return el(NS.MESSAGES, 'Items', {}, content);
}
