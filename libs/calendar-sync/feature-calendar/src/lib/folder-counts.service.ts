import { Injectable } from '@nestjs/common';
import { CalendarItemRepository, TaskRepository } from '@parley/calendar-sync/data-access';
import type { FolderCountsReply, GetFolderCountsRequest } from '@parley/contracts';

/**
 * How many items a mailbox's Calendar and Tasks folders hold (what GetFolder / FindFolder write as
 * `TotalCount`). A series counts once, by its master row: its exceptions live beside it, and a
 * calendar view's occurrences are not items of the folder. Deleted Items holds what DeleteItem
 * moved there (calendar items and tasks). Read-only, so it needs no unit of work.
 */
@Injectable()
export class FolderCountsService {
  constructor(
    private readonly items: CalendarItemRepository,
    private readonly tasks: TaskRepository,
  ) {}

  async get(query: GetFolderCountsRequest): Promise<FolderCountsReply> {
    const [calendarItems, tasks, deletedCalendarItems, deletedTasks] = await Promise.all([
      this.items.count(query.mailbox),
      this.tasks.count(query.mailbox),
      this.items.countDeleted(query.mailbox),
      this.tasks.count(query.mailbox, 'deleteditems'),
    ]);
    return { calendarItems, tasks, deletedItems: deletedCalendarItems + deletedTasks };
  }
}
