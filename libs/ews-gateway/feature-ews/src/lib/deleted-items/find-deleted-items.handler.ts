import { Injectable } from '@nestjs/common';
import type { CalendarItemView, TaskView } from '@parley/contracts';
import { child, el, NS, operationResponse, requireChild, type ResponseMessageSpec, type XmlNode } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from '../calendar/calendar-access';
import { CalendarItemException } from '../calendar/calendar.exception';
import { CalendarClient } from '../calendar/calendar.client';
import { calendarItemElement } from '../calendar/calendar-item.writer';
import { readFolderRefs, readItemShape } from '../calendar/calendar-request.reader';
import { readIndexedPageView, type TaskPageSpec } from '../tasks/find-task.handler';
import { TaskAccess } from '../tasks/task-access';
import { taskErrorMessage } from '../tasks/task-error.mapper';
import { TaskClient } from '../tasks/task.client';
import { readTaskShape, taskElement } from '../tasks/task.writer';

/** One page of the Deleted Items folder: calendar items first, then tasks, each in the order they arrived. */
export interface DeletedItemsPage {
  readonly calendarItems: CalendarItemView[];
  readonly tasks: TaskView[];
  readonly totalItemsInView: number;
  readonly includesLastItemInRange: boolean;
  readonly indexedPagingOffset: number;
}

/**
 * FindItem on Deleted Items. calendar-sync keeps what DeleteItem moved there (MoveToDeletedItems):
 * calendar items (single items and series masters, not expanded) and tasks. The folder is one list
 * — the calendar items in the order they were moved there, then the tasks likewise — paged as the
 * Tasks folder is (`IndexedPageItemView`, or none: the first page), so a page may span both owners'
 * lists and costs one or two requests (three with BasePoint End, which needs the totals first).
 * The two lists are read one after the other, not in one snapshot: a move between the two reads
 * can shift a page by one entry, which a client paging on `IndexedPagingOffset` already tolerates.
 * A CalendarView or FractionalPageItemView is a per-folder `ErrorInvalidOperation`.
 */
@Injectable()
export class FindDeletedItemsHandler implements EwsOperationHandler {
  readonly operation = 'FindItem';

  constructor(
    private readonly calendar: CalendarClient,
    private readonly tasks: TaskClient,
    private readonly calendarAccess: CalendarAccess,
    private readonly taskAccess: TaskAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const calendarShape = readItemShape(body);
    const taskShape = readTaskShape(body);
    const spec = readIndexedPageView(child(body, NS.MESSAGES, 'IndexedPageItemView'));
    const otherView =
      child(body, NS.MESSAGES, 'CalendarView') ??
      child(body, NS.MESSAGES, 'FractionalPageItemView') ??
      child(body, NS.MESSAGES, 'ContactsView');
    const calendarCtx = this.calendarAccess.writeContext(request);
    const taskCtx = this.taskAccess.writeContext();
    const messages: ResponseMessageSpec[] = [];
    for (const folder of readFolderRefs(requireChild(body, NS.MESSAGES, 'ParentFolderIds'))) {
      try {
        if (this.calendarAccess.folderKind(acting, folder) !== 'deleteditems')
          throw new CalendarItemException('ErrorInvalidOperation', 'This request names a folder other than Deleted Items.');
        if (otherView)
          throw new CalendarItemException(
            'ErrorInvalidOperation',
            `Parley pages the Deleted Items folder with an IndexedPageItemView, not a ${otherView.local}.`,
          );
        const page = await this.page(acting.mailbox.smtpAddress, spec);
        const items = [
          ...page.calendarItems.map((item) => calendarItemElement(item, calendarShape, calendarCtx)),
          ...page.tasks.map((task) => taskElement(task, taskShape, taskCtx)),
        ];
        const attrs = {
          IndexedPagingOffset: page.indexedPagingOffset,
          TotalItemsInView: page.totalItemsInView,
          IncludesLastItemInRange: page.includesLastItemInRange,
        };
        messages.push({ content: el(NS.MESSAGES, 'RootFolder', attrs, el(NS.TYPES, 'Items', {}, items)) });
      } catch (error) {
        messages.push(taskErrorMessage(error));
      }
    }
    return operationResponse('FindItem', messages);
  }

  /** Entries [skip, skip + take) of the folder's one list (calendar items, then tasks). */
  async page(mailbox: string, spec: TaskPageSpec): Promise<DeletedItemsPage> {
    let offset = spec.offset;
    let skip = spec.offset;
    let take = spec.maxEntries;
    if (spec.basePoint === 'End') {
      const total = await this.totals(mailbox);
      offset = Math.min(spec.offset, total);
      skip = Math.max(0, total - offset - spec.maxEntries);
      take = total - offset - skip;
    }
    const calendar = await this.calendar.findDeleted(mailbox, skip, take);
    const taskSkip = Math.max(0, skip - calendar.total);
    const tasks = await this.tasks.find(mailbox, {
      offset: taskSkip,
      maxEntries: take - calendar.items.length,
      basePoint: 'Beginning',
      folder: 'deleteditems',
    });
    const total = calendar.total + tasks.totalItemsInView;
    const count = calendar.items.length + tasks.items.length;
    if (spec.basePoint === 'Beginning') offset = Math.min(spec.offset, total);
    return {
      calendarItems: calendar.items,
      tasks: tasks.items,
      totalItemsInView: total,
      includesLastItemInRange: spec.basePoint === 'Beginning' ? skip + count >= total : skip === 0,
      indexedPagingOffset: offset + count,
    };
  }

  private async totals(mailbox: string): Promise<number> {
    const [calendar, tasks] = await Promise.all([
      this.calendar.findDeleted(mailbox, 0, 0),
      this.tasks.find(mailbox, { offset: 0, maxEntries: 0, basePoint: 'Beginning', folder: 'deleteditems' }),
    ]);
    return calendar.total + tasks.totalItemsInView;
  }
}
