import { Injectable } from '@nestjs/common';
import type { CalendarItemView, MessageSummary, TaskView } from '@parley/contracts';
import { child, el, type XmlElement, type XmlNode } from '@parley/xml';
import { NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from '../calendar/calendar-access';
import { CalendarItemException } from '../calendar/calendar.exception';
import { CalendarClient } from '../calendar/calendar.client';
import { calendarItemElement } from '../calendar/calendar-item.writer';
import { readFolderRefs, readItemShape } from '../calendar/calendar-request.reader';
import { readIndexedPageView, type TaskPageSpec } from '../tasks/find-task.handler';
import { TaskAccess } from '../tasks/task-access';
import { CommandRefusedError } from '@parley/messaging';
import { taskErrorMessage } from '../tasks/task-error.mapper';
import { TaskClient } from '../tasks/task.client';
import { readTaskShape, taskElement } from '../tasks/task.writer';
import { MessageAccess } from '../messages/message-access';
import { MessageClient } from '../messages/message.client';
import { messageErrorMessage } from '../messages/message-error.mapper';
import { readMessageOrder, type MessageOrder } from '../messages/message-query.reader';
import { readMessageShape } from '../messages/message-shape.reader';
import { messageElement } from '../messages/message.writer';
import { UnsupportedRestriction } from '../restriction/search-expression.reader';

/** One page of the Deleted Items folder: calendar items first, then tasks, each in the order they arrived, then messages. */
export interface DeletedItemsPage {
  readonly calendarItems: CalendarItemView[];
  readonly tasks: TaskView[];
  readonly messages: MessageSummary[];
  readonly totalItemsInView: number;
  readonly includesLastItemInRange: boolean;
  readonly indexedPagingOffset: number;
}

/** One owner's share of the folder: entries [skip, skip + take) of its list, and the list's length. */
type Segment<T> = (skip: number, take: number) => Promise<{ items: T[]; total: number }>;

/**
 * FindItem on Deleted Items. Two owners keep items there: calendar-sync what DeleteItem moved there
 * (MoveToDeletedItems) — calendar items (single items and series masters, not expanded) and tasks
 * — and voicemail-ingest's store the deleted messages. The folder is one list — the calendar items
 * in the order they were moved there, then the tasks likewise, then the messages by DateTimeReceived
 * (`SortOrder` on item:DateTimeReceived orders them; newest first by default) — paged as the Tasks
 * folder is (`IndexedPageItemView`, or none: the first page), so a page may span the lists and
 * costs up to three requests (with BasePoint End, the totals first). The lists are read one after
 * the other, not in one snapshot: a move between two reads can shift a page by one entry, which a
 * client paging on `IndexedPagingOffset` already tolerates. A CalendarView or FractionalPageItemView
 * is a per-folder `ErrorInvalidOperation`, a sort on anything but DateTimeReceived
 * `ErrorUnsupportedPathForSortGroup`.
 */
@Injectable()
export class FindDeletedItemsHandler implements EwsOperationHandler {
  readonly operation = 'FindItem';

  constructor(
    private readonly calendar: CalendarClient,
    private readonly tasks: TaskClient,
    private readonly messages: MessageClient,
    private readonly calendarAccess: CalendarAccess,
    private readonly taskAccess: TaskAccess,
    private readonly messageAccess: MessageAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const calendarShape = readItemShape(body);
    const taskShape = readTaskShape(body);
    const messageShape = readMessageShape(body, 'find');
    const spec = readIndexedPageView(child(body, NS.MESSAGES, 'IndexedPageItemView'));
    const order = readOrder(body);
    const otherView =
      child(body, NS.MESSAGES, 'CalendarView') ??
      child(body, NS.MESSAGES, 'FractionalPageItemView') ??
      child(body, NS.MESSAGES, 'ContactsView');
    const calendarCtx = this.calendarAccess.writeContext(request);
    const taskCtx = this.taskAccess.writeContext();
    const messageCtx = this.messageAccess.writeContext();
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
        if (order instanceof UnsupportedRestriction) {
          messages.push(order.error);
          continue;
        }
        const page = await this.page(acting.mailbox.smtpAddress, spec, order);
        const items = [
          ...page.calendarItems.map((item) => calendarItemElement(item, calendarShape, calendarCtx)),
          ...page.tasks.map((task) => taskElement(task, taskShape, taskCtx)),
          ...page.messages.map((message) => messageElement(message, messageShape, messageCtx)),
        ];
        const attrs = {
          IndexedPagingOffset: page.indexedPagingOffset,
          TotalItemsInView: page.totalItemsInView,
          IncludesLastItemInRange: page.includesLastItemInRange,
        };
        messages.push({ content: el(NS.MESSAGES, 'RootFolder', attrs, el(NS.TYPES, 'Items', {}, items)) });
      } catch (error) {
        messages.push(
          error instanceof CommandRefusedError && error.topic.startsWith('mailbox.') ? messageErrorMessage(error) : taskErrorMessage(error),
        );
      }
    }
    return operationResponse('FindItem', messages);
  }

  /** Entries [skip, skip + take) of the folder's one list (calendar items, then tasks, then messages). */
  async page(mailbox: string, spec: TaskPageSpec, order: MessageOrder = 'newest-first'): Promise<DeletedItemsPage> {
    const calendarItems: Segment<CalendarItemView> = async (skip, take) => {
      const found = await this.calendar.findDeleted(mailbox, skip, take);
      return { items: found.items, total: found.total };
    };
    const tasks: Segment<TaskView> = async (skip, take) => {
      const found = await this.tasks.find(mailbox, { offset: skip, maxEntries: take, basePoint: 'Beginning', folder: 'deleteditems' });
      return { items: found.items, total: found.totalItemsInView };
    };
    // The store lists at least one entry per request; a share of none still learns the total.
    const messages: Segment<MessageSummary> = async (skip, take) => {
      const found = await this.messages.find(mailbox, { folder: 'deleteditems', offset: skip, maxEntries: Math.max(1, take), order });
      return { items: found.items.slice(0, take), total: found.total };
    };
    let offset = spec.offset;
    let skip = spec.offset;
    let take = spec.maxEntries;
    if (spec.basePoint === 'End') {
      const totals = await Promise.all([calendarItems(0, 0), tasks(0, 0), messages(0, 0)]);
      const total = totals.reduce((sum, t) => sum + t.total, 0);
      offset = Math.min(spec.offset, total);
      skip = Math.max(0, total - offset - spec.maxEntries);
      take = total - offset - skip;
    }
    const calendarShare = await calendarItems(skip, take);
    const taskShare = await tasks(Math.max(0, skip - calendarShare.total), take - calendarShare.items.length);
    const messageShare = await messages(
      Math.max(0, skip - calendarShare.total - taskShare.total),
      take - calendarShare.items.length - taskShare.items.length,
    );
    const total = calendarShare.total + taskShare.total + messageShare.total;
    const count = calendarShare.items.length + taskShare.items.length + messageShare.items.length;
    if (spec.basePoint === 'Beginning') offset = Math.min(spec.offset, total);
    return {
      calendarItems: calendarShare.items,
      tasks: taskShare.items,
      messages: messageShare.items,
      totalItemsInView: total,
      includesLastItemInRange: spec.basePoint === 'Beginning' ? skip + count >= total : skip === 0,
      indexedPagingOffset: offset + count,
    };
  }
}

/** The messages' sort order, or the per-folder error to answer a sort Parley cannot apply with. */
function readOrder(body: XmlElement): MessageOrder | UnsupportedRestriction {
  try {
    return readMessageOrder(body);
  } catch (error) {
    if (error instanceof UnsupportedRestriction) return error;
    throw error;
  }
}
