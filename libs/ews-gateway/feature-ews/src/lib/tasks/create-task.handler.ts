import { Injectable } from '@nestjs/common';
import { taskFieldsSchema } from '@parley/contracts';
import { child, el, type XmlNode } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarItemException } from '../calendar/calendar.exception';
import { readFolderRefs } from '../calendar/calendar-request.reader';
import { requestTimeZone } from '../calendar/request-time-zone';
import { TaskAccess } from './task-access';
import { taskErrorMessage } from './task-error.mapper';
import { TaskClient } from './task.client';
import { readTaskFields } from './task.reader';
import { taskIdElement } from './task.writer';

/** CreateItem for `t:Task` items, into the acting mailbox's Tasks folder (`SavedItemFolderId` tasks, or absent). */
@Injectable()
export class CreateTaskHandler implements EwsOperationHandler {
  readonly operation = 'CreateItem';

  constructor(
    private readonly tasks: TaskClient,
    private readonly access: TaskAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const zone = requestTimeZone(request.headers);
    const saved = child(body, NS.MESSAGES, 'SavedItemFolderId');
    const folders = saved ? readFolderRefs(saved) : [];
    if (saved && folders.length !== 1) throw new EwsError(EwsErrorCode.InvalidValue, "'SavedItemFolderId' must hold one folder id.");
    const messages: ResponseMessageSpec[] = [];
    for (const item of requireChild(body, NS.MESSAGES, 'Items').children.filter((c) => c.ns === NS.TYPES)) {
      try {
        if (folders[0] && this.access.folderKind(acting, folders[0]) !== 'tasks')
          throw new CalendarItemException('ErrorInvalidOperation', 'Parley keeps tasks in the Tasks folder only.');
        if (item.local !== 'Task')
          throw new CalendarItemException('ErrorInvalidRequest', `Parley does not store '${item.local.slice(0, 40)}' items yet.`);
        const input = readTaskFields(item, zone);
        if (!taskFieldsSchema.safeParse(input).success) throw new CalendarItemException('ErrorInvalidRequest', 'The task is not valid.');
        const created = await this.tasks.create(acting.mailbox.smtpAddress, input);
        messages.push({ content: el(NS.MESSAGES, 'Items', {}, taskIdElement(created)) });
      } catch (error) {
        messages.push({ ...taskErrorMessage(error), content: el(NS.MESSAGES, 'Items') });
      }
    }
    return operationResponse('CreateItem', messages);
  }
}
