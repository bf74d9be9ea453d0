import { Injectable } from '@nestjs/common';
import {
  conflictResolutions,
  type TaskDeletableField,
  taskDeletableFields,
  type TaskPatch,
  type TaskUpdatableField,
} from '@parley/contracts';
import { attr, child, el, type XmlElement, type XmlNode } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { oneOf } from '../calendar/calendar-item.reader';
import { updatedPropertyPath } from '../item-request.reader';
import { CalendarItemException } from '../calendar/calendar.exception';
import { requestTimeZone, type RequestTimeZone } from '../calendar/request-time-zone';
import { taskErrorMessage } from './task-error.mapper';
import { TaskClient } from './task.client';
import { readTaskId } from './task-id.reader';
import { readTaskFields } from './task.reader';
import { taskIdElement } from './task.writer';

/** FieldURIs an UpdateItem may name on a task, and the task field each one is. */
const FIELD_OF_URI: Readonly<Record<string, TaskUpdatableField>> = {
  'item:Subject': 'subject',
  'item:Body': 'body',
  'item:Importance': 'importance',
  'item:Sensitivity': 'sensitivity',
  'task:StartDate': 'startDate',
  'task:DueDate': 'dueDate',
  'task:CompleteDate': 'completeDate',
  'task:PercentComplete': 'percentComplete',
  'task:Status': 'status',
};

interface TaskChange {
  readonly set: TaskPatch;
  readonly appendBody: TaskPatch['body'] | undefined;
  readonly delete: TaskDeletableField[];
}

/**
 * UpdateItem on tasks: SetItemField / DeleteItemField for the fields calendar-sync stores,
 * AppendToItemField for the body. Status, PercentComplete and CompleteDate are reconciled by
 * calendar-sync in the schema's order. The ChangeKey is checked by calendar-sync: stale under
 * NeverOverwrite → `ErrorIrresolvableConflict`.
 */
@Injectable()
export class UpdateTaskHandler implements EwsOperationHandler {
  readonly operation = 'UpdateItem';

  constructor(private readonly tasks: TaskClient) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const conflictResolution = oneOf(attr(body, 'ConflictResolution') ?? 'AutoResolve', conflictResolutions, 'ConflictResolution');
    const zone = requestTimeZone(request.headers);
    const mailbox = acting.mailbox.smtpAddress;
    const messages: ResponseMessageSpec[] = [];
    for (const change of requireChild(body, NS.MESSAGES, 'ItemChanges').children.filter(
      (c) => c.ns === NS.TYPES && c.local === 'ItemChange',
    )) {
      try {
        const idElement = change.children.find((c) => c.ns === NS.TYPES && c.local !== 'Updates');
        if (!idElement) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'ItemChange' must contain an item id.");
        const { itemId, changeKey } = readTaskId(idElement);
        const parsed = readTaskChange(requireChild(change, NS.TYPES, 'Updates'), zone);
        const set: TaskPatch = { ...parsed.set };
        if (parsed.appendBody) {
          const current = await this.tasks.get(mailbox, itemId);
          set.body = {
            type: current.body?.type ?? parsed.appendBody.type,
            content: (current.body?.content ?? '') + parsed.appendBody.content,
          };
        }
        const updated = await this.tasks.update(mailbox, { itemId, changeKey, conflictResolution, set, delete: parsed.delete });
        messages.push({
          content: [
            el(NS.MESSAGES, 'Items', {}, taskIdElement(updated)),
            el(NS.MESSAGES, 'ConflictResults', {}, el(NS.TYPES, 'Count', {}, 0)),
          ],
        });
      } catch (error) {
        messages.push({ ...taskErrorMessage(error), content: el(NS.MESSAGES, 'Items') });
      }
    }
    return operationResponse('UpdateItem', messages);
  }
}

/** The `t:Updates` of one ItemChange on a task, in order (a later update of a field wins). */
export function readTaskChange(updates: XmlElement, zone: RequestTimeZone | undefined): TaskChange {
  const set: Record<string, unknown> = {};
  const deleted: TaskDeletableField[] = [];
  let appendBody: TaskPatch['body'] | undefined;
  for (const update of updates.children.filter((c) => c.ns === NS.TYPES)) {
    const field = fieldOf(update);
    if (update.local === 'DeleteItemField') {
      if (!(taskDeletableFields as readonly string[]).includes(field))
        throw new CalendarItemException('ErrorInvalidPropertyDelete', `The '${field}' property cannot be deleted.`);
      deleted.push(field as TaskDeletableField);
      delete set[field];
      continue;
    }
    const item = child(update, NS.TYPES, 'Task') ?? child(update, NS.TYPES, 'Item');
    if (!item) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${update.local}' must contain a 'Task'.`);
    const fields = readTaskFields(item, zone) as Record<string, unknown>;
    if (!(field in fields))
      throw new CalendarItemException('ErrorInvalidPropertySet', `The update names '${field}' but its item carries no value for it.`);
    if (update.local === 'AppendToItemField') {
      if (field !== 'body') throw new CalendarItemException('ErrorInvalidPropertySet', `The '${field}' property cannot be appended to.`);
      appendBody = fields['body'] as TaskPatch['body'];
    } else if (update.local === 'SetItemField') {
      set[field] = fields[field];
      const at = deleted.indexOf(field as TaskDeletableField);
      if (at >= 0) deleted.splice(at, 1);
    } else {
      throw new EwsError(EwsErrorCode.InvalidValue, `'${update.local.slice(0, 40)}' is not an item update.`);
    }
  }
  return { set: set as TaskPatch, appendBody, delete: deleted };
}

function fieldOf(update: XmlElement): TaskUpdatableField {
  const { path, fieldUri: uri } = updatedPropertyPath(update);
  const field = uri === undefined ? undefined : FIELD_OF_URI[uri];
  if (field === undefined)
    throw new CalendarItemException(
      'ErrorInvalidPropertySet',
      `Parley cannot change the property '${(uri ?? path.local).slice(0, 60)}' of a task.`,
    );
  return field;
}
