import { Injectable } from '@nestjs/common';
import { type XmlNode } from '@parley/xml';
import { operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { calendarErrorMessage } from './calendar-error.mapper';
import { CalendarClient } from './calendar.client';
import { readDeleteItemDisposal, readMeetingCancellations } from '../item-request.reader';
import { itemIdElements, readItemIdRef } from './calendar-request.reader';

/**
 * DeleteItem on calendar items. A single item or series id removes it whole; an occurrence id
 * (or `OccurrenceItemId`) removes that occurrence only; `RecurringMasterItemId` removes the
 * series. An item or series goes to Deleted Items with MoveToDeletedItems (removed if it is
 * already there), and is removed with HardDelete and SoftDelete (no dumpster); an occurrence is
 * deleted whatever the DeleteType. Unless `SendMeetingCancellations` is SendToNone, the
 * organizer's deletion cancels the attendee copies calendar-sync holds.
 */
@Injectable()
export class DeleteItemHandler implements EwsOperationHandler {
  readonly operation = 'DeleteItem';

  constructor(private readonly calendar: CalendarClient) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const disposal = readDeleteItemDisposal(body);
    const cancellations = readMeetingCancellations(body);
    const mailbox = acting.mailbox.smtpAddress;
    const messages: ResponseMessageSpec[] = [];
    for (const id of itemIdElements(body)) {
      let byIndex = false;
      try {
        const { target } = readItemIdRef(id);
        byIndex = target.by === 'occurrenceIndex';
        const itemId = target.by === 'id' ? target.itemId : (await this.calendar.get(mailbox, target)).id;
        await this.calendar.delete(mailbox, itemId, disposal, cancellations);
        messages.push({});
      } catch (error) {
        messages.push(calendarErrorMessage(error, { byOccurrenceIndex: byIndex }));
      }
    }
    return operationResponse('DeleteItem', messages);
  }
}
