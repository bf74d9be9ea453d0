import { Injectable } from '@nestjs/common';
import { el, type XmlNode } from '@parley/xml';
import { NS, operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { itemIdElements } from '../calendar/calendar-request.reader';
import { TaskAccess } from './task-access';
import { taskErrorMessage } from './task-error.mapper';
import { TaskClient } from './task.client';
import { readTaskId } from './task-id.reader';
import { readTaskShape, taskElement } from './task.writer';

/** GetItem on tasks (`t:ItemId`), looked up in the acting mailbox only: another mailbox's id is not found. */
@Injectable()
export class GetTaskHandler implements EwsOperationHandler {
  readonly operation = 'GetItem';

  constructor(
    private readonly tasks: TaskClient,
    private readonly access: TaskAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const shape = readTaskShape(request.body);
    const ctx = this.access.writeContext();
    const messages: ResponseMessageSpec[] = [];
    for (const id of itemIdElements(request.body)) {
      try {
        const task = await this.tasks.get(acting.mailbox.smtpAddress, readTaskId(id).itemId);
        messages.push({ content: el(NS.MESSAGES, 'Items', {}, taskElement(task, shape, ctx)) });
      } catch (error) {
        messages.push({ ...taskErrorMessage(error), content: el(NS.MESSAGES, 'Items') });
      }
    }
    return operationResponse('GetItem', messages);
  }
}
