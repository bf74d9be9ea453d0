import { Injectable } from '@nestjs/common';
import { el, type XmlNode } from '@parley/xml';
import { NS, operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from './calendar-access';
import { calendarErrorMessage } from './calendar-error.mapper';
import { CalendarClient } from './calendar.client';
import { calendarItemElement } from './calendar-item.writer';
import { itemIdElements, readItemIdRef, readItemShape } from './calendar-request.reader';

/**
 * GetItem on calendar items: `t:ItemId` (an item, a series master or one occurrence — an
 * occurrence id answers that occurrence with its own start and end), `t:OccurrenceItemId`
 * (a series and an InstanceIndex) and `t:RecurringMasterItemId` (an occurrence's series).
 * Ids are looked up in the acting mailbox only: another mailbox's id is not found.
 */
@Injectable()
export class GetItemHandler implements EwsOperationHandler {
  readonly operation = 'GetItem';

  constructor(
    private readonly calendar: CalendarClient,
    private readonly access: CalendarAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const shape = readItemShape(request.body);
    const ctx = this.access.writeContext(request);
    const messages: ResponseMessageSpec[] = [];
    for (const id of itemIdElements(request.body)) {
      let byIndex = false;
      try {
        const ref = readItemIdRef(id);
        byIndex = ref.target.by === 'occurrenceIndex';
        const item = await this.calendar.get(acting.mailbox.smtpAddress, ref.target);
        messages.push({ content: el(NS.MESSAGES, 'Items', {}, calendarItemElement(item, shape, ctx)) });
      } catch (error) {
        messages.push({ ...calendarErrorMessage(error, { byOccurrenceIndex: byIndex }), content: el(NS.MESSAGES, 'Items') });
      }
    }
    return operationResponse('GetItem', messages);
  }
}
