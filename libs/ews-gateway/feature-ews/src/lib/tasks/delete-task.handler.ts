import { Injectable } from '@nestjs/common';
import { type XmlNode } from '@parley/xml';
import { operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { readDeleteItemDisposal } from '../item-request.reader';
import { itemIdElements } from '../calendar/calendar-request.reader';
import { taskErrorMessage } from './task-error.mapper';
import { TaskClient } from './task.client';
import { readTaskId } from './task-id.reader';

/**
 * DeleteItem on tasks. `AffectedTaskOccurrences` is accepted (tasks do not recur in Parley, so
 * both values delete the task). MoveToDeletedItems moves it to Deleted Items (removes it when it
 * is already there); HardDelete and SoftDelete remove it, as for calendar items.
 */
@Injectable()
export class DeleteTaskHandler implements EwsOperationHandler {
  readonly operation = 'DeleteItem';

  constructor(private readonly tasks: TaskClient) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const disposal = readDeleteItemDisposal(body);
    const messages: ResponseMessageSpec[] = [];
    for (const id of itemIdElements(body)) {
      try {
        await this.tasks.delete(acting.mailbox.smtpAddress, readTaskId(id).itemId, disposal);
        messages.push({});
      } catch (error) {
        messages.push(taskErrorMessage(error));
      }
    }
    return operationResponse('DeleteItem', messages);
  }
}
