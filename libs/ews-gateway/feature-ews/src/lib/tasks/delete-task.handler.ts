import { Injectable } from '@nestjs/common';
import { operationResponse, type ResponseMessageSpec, type XmlNode } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { validateDeleteItemAttributes } from '../item-request.reader';
import { itemIdElements } from '../calendar/calendar-request.reader';
import { taskErrorMessage } from './task-error.mapper';
import { TaskGateway } from './task.gateway';
import { readTaskId } from './task-id.reader';

/**
 * DeleteItem on tasks. `AffectedTaskOccurrences` is accepted (tasks do not recur in Parley, so
 * both values delete the task); every DeleteType is a hard delete, as for calendar items.
 */
@Injectable()
export class DeleteTaskHandler implements EwsOperationHandler {
  readonly operation = 'DeleteItem';

  constructor(private readonly tasks: TaskGateway) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    validateDeleteItemAttributes(body);
    const messages: ResponseMessageSpec[] = [];
    for (const id of itemIdElements(body)) {
      try {
        await this.tasks.delete(acting.mailbox.smtpAddress, readTaskId(id).itemId);
        messages.push({});
      } catch (error) {
        messages.push(taskErrorMessage(error));
      }
    }
    return operationResponse('DeleteItem', messages);
  }
}
