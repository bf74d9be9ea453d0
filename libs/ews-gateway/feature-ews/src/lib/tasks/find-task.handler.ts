import { Injectable } from '@nestjs/common';
import { MAX_TASKS_PER_PAGE } from '@parley/contracts';
import { attr, child, el, type XmlElement, type XmlNode } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { oneOf } from '../calendar/calendar-item.reader';
import { CalendarItemException } from '../calendar/calendar.exception';
import { readFolderRefs } from '../calendar/calendar-request.reader';
import { requestTimeZone, type RequestTimeZone } from '../calendar/request-time-zone';
import { UnsupportedRestriction } from '../restriction/search-expression.reader';
import { TaskAccess } from './task-access';
import { taskErrorMessage } from './task-error.mapper';
import { TaskClient } from './task.client';
import { readTaskQuery, type TaskQuery } from './task-query.reader';
import { readTaskShape, taskElement } from './task.writer';

export interface TaskPageSpec {
  readonly offset: number;
  readonly maxEntries: number;
  readonly basePoint: 'Beginning' | 'End';
}

/**
 * FindItem on the Tasks folder: with an `IndexedPageItemView` (Offset, MaxEntriesReturned,
 * BasePoint) or no view (the first page). The answer's RootFolder carries IndexedPagingOffset,
 * TotalItemsInView and IncludesLastItemInRange, which clients page on. A `Restriction` and a
 * `SortOrder` travel to calendar-sync, which applies them before paging (so the paging attributes
 * count the restricted view). A CalendarView or a FractionalPageItemView on the Tasks folder, or a
 * restriction Parley cannot apply, is a per-folder error.
 */
@Injectable()
export class FindTaskHandler implements EwsOperationHandler {
  readonly operation = 'FindItem';

  constructor(
    private readonly tasks: TaskClient,
    private readonly access: TaskAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const shape = readTaskShape(body);
    const page = readIndexedPageView(child(body, NS.MESSAGES, 'IndexedPageItemView'));
    const query = readQuery(body, requestTimeZone(request.headers));
    const otherView =
      child(body, NS.MESSAGES, 'CalendarView') ??
      child(body, NS.MESSAGES, 'FractionalPageItemView') ??
      child(body, NS.MESSAGES, 'ContactsView');
    const ctx = this.access.writeContext();
    const messages: ResponseMessageSpec[] = [];
    for (const folder of readFolderRefs(requireChild(body, NS.MESSAGES, 'ParentFolderIds'))) {
      try {
        if (this.access.folderKind(acting, folder) !== 'tasks')
          throw new CalendarItemException('ErrorInvalidOperation', 'This request names a folder other than Tasks.');
        if (otherView)
          throw new CalendarItemException(
            'ErrorInvalidOperation',
            `Parley pages the Tasks folder with an IndexedPageItemView, not a ${otherView.local}.`,
          );
        if (query instanceof UnsupportedRestriction) {
          messages.push(query.error);
          continue;
        }
        const found = await this.tasks.find(acting.mailbox.smtpAddress, { ...page, ...query });
        const items = found.items.map((task) => taskElement(task, shape, ctx));
        const attrs = {
          IndexedPagingOffset: found.indexedPagingOffset,
          TotalItemsInView: found.totalItemsInView,
          IncludesLastItemInRange: found.includesLastItemInRange,
        };
        messages.push({ content: el(NS.MESSAGES, 'RootFolder', attrs, el(NS.TYPES, 'Items', {}, items)) });
      } catch (error) {
        messages.push(taskErrorMessage(error));
      }
    }
    return operationResponse('FindItem', messages);
  }
}

/** The request's restriction and sort order, or the per-folder error to answer them with. */
function readQuery(body: XmlElement, zone: RequestTimeZone | undefined): TaskQuery | UnsupportedRestriction {
  try {
    return readTaskQuery(body, zone);
  } catch (error) {
    if (error instanceof UnsupportedRestriction) return error;
    throw error;
  }
}

/**
 * `m:IndexedPageItemView` (Offset and BasePoint required, MaxEntriesReturned optional); absent → the
 * first page. `maxPerPage` is the owner's page limit (MaxEntriesReturned above it is capped).
 */
export function readIndexedPageView(view: XmlElement | undefined, maxPerPage: number = MAX_TASKS_PER_PAGE): TaskPageSpec {
  if (!view) return { offset: 0, maxEntries: maxPerPage, basePoint: 'Beginning' };
  const required = (name: string) => {
    const value = attr(view, name)?.trim();
    if (value === undefined)
      throw new EwsError(EwsErrorCode.InvalidValue, `The 'IndexedPageItemView' element needs a '${name}' attribute.`);
    return value;
  };
  const offset = required('Offset');
  if (!/^\d{1,9}$/.test(offset)) throw new EwsError(EwsErrorCode.InvalidValue, "'Offset' must be a non-negative integer.");
  const basePoint = oneOf(required('BasePoint'), ['Beginning', 'End'] as const, 'BasePoint');
  const max = attr(view, 'MaxEntriesReturned')?.trim();
  if (max !== undefined && (!/^\d{1,9}$/.test(max) || Number(max) < 1))
    throw new EwsError(EwsErrorCode.InvalidValue, "'MaxEntriesReturned' must be a positive integer.");
  return {
    offset: Number(offset),
    maxEntries: max === undefined ? maxPerPage : Math.min(Number(max), maxPerPage),
    basePoint,
  };
}
