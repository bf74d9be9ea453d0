import { Injectable } from '@nestjs/common';
import {
  applyTaskProgress,
  DeleteTaskReply,
  DeleteTaskRequest,
  FindTasksReply,
  FindTasksRequest,
  GetTaskRequest,
  MoveTaskRequest,
  TaskChanged,
  CommandErrorCodes,
  TaskFields,
  TaskPatch,
  TaskView,
  Topics,
  UpdateTaskRequest,
} from '@parley/contracts';
import { CalendarSyncDatabase, StoredTask, TaskRepository } from '@parley/calendar-sync/data-access';
import type { Transaction } from '@parley/persistence';
import { decodeTaskId, encodeTaskId, newTaskChangeKey, taskKeyForCommand } from './task-id';
import { TaskException } from './task.exception';

function notFound(): TaskException {
  return new TaskException(CommandErrorCodes.itemNotFound, 'The task does not exist in this mailbox.');
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const date = (s: string | null | undefined) => (s === null || s === undefined ? null : new Date(s));

export function taskView(t: StoredTask): TaskView {
  return {
    id: encodeTaskId(t.mailbox, t.id),
    changeKey: t.changeKey,
    mailbox: t.mailbox,
    subject: t.subject,
    body: t.body,
    importance: t.importance,
    sensitivity: t.sensitivity,
    startDate: iso(t.startDate),
    dueDate: iso(t.dueDate),
    completeDate: iso(t.completeDate),
    percentComplete: t.percentComplete,
    status: t.status,
    isComplete: t.status === 'Completed',
    revision: t.revision,
    createdAt: t.createdAt.toISOString(),
    lastModifiedAt: t.lastModifiedAt.toISOString(),
    folder: t.deletedAt ? 'deleteditems' : 'tasks',
  };
}

/**
 * Owns every mailbox's tasks: writes with their `calendar.task.changed` event in one
 * transaction (applied once per command id), reads by id and by page. Status, PercentComplete
 * and CompleteDate are reconciled on every write (`applyTaskProgress`).
 */
@Injectable()
export class TaskService {
  constructor(
    private readonly db: CalendarSyncDatabase,
    private readonly tasks: TaskRepository,
  ) {}

  async create(commandId: string, mailbox: string, fields: TaskFields, now = new Date()): Promise<TaskView> {
    const key = taskKeyForCommand(commandId, mailbox);
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.task-create',
      { id: commandId, type: Topics.calendarTaskCreateRequest },
      async (tx) => {
        const progress = applyTaskProgress({ status: 'NotStarted', percentComplete: 0, completeDate: null }, fields, now);
        const task: StoredTask = {
          id: key,
          mailbox,
          subject: fields.subject,
          body: fields.body,
          importance: fields.importance,
          sensitivity: fields.sensitivity,
          startDate: date(fields.startDate),
          dueDate: date(fields.dueDate),
          completeDate: date(progress.completeDate),
          percentComplete: progress.percentComplete,
          status: progress.status,
          changeKey: newTaskChangeKey(),
          revision: 1,
          createdAt: now,
          lastModifiedAt: now,
          deletedAt: null,
        };
        await this.tasks.save(tx, task);
        await this.announce(tx, 'created', task);
        return taskView(task);
      },
    );
    if (!outcome.duplicate) return outcome.value;
    const existing = await this.tasks.find(mailbox, key);
    if (!existing) throw notFound();
    return taskView(existing);
  }

  /**
   * UpdateItem: set and delete fields. A change key that is not the current one fails with
   * `Conflict` under NeverOverwrite; AutoResolve and AlwaysOverwrite apply the change.
   */
  async update(commandId: string, req: UpdateTaskRequest, now = new Date()): Promise<TaskView> {
    const key = this.decode(req.mailbox, req.itemId);
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.task-update',
      { id: commandId, type: Topics.calendarTaskUpdateRequest },
      async (tx) => {
        const current = await this.tasks.findForUpdate(tx, req.mailbox, key);
        if (!current) throw notFound();
        if (req.changeKey !== undefined && req.changeKey !== current.changeKey && req.conflictResolution === 'NeverOverwrite') {
          throw new TaskException(CommandErrorCodes.conflict, 'The task changed since that change key was issued.');
        }
        const set: TaskPatch = { ...req.set };
        for (const field of req.delete) {
          if (field in set) throw new TaskException(CommandErrorCodes.invalidOperation, `${field} is both set and deleted`);
          set[field] = null;
        }
        const progress = applyTaskProgress(
          { status: current.status, percentComplete: current.percentComplete, completeDate: iso(current.completeDate) },
          set,
          now,
        );
        const next: StoredTask = {
          ...current,
          subject: set.subject ?? current.subject,
          body: set.body !== undefined ? set.body : current.body,
          importance: set.importance ?? current.importance,
          sensitivity: set.sensitivity ?? current.sensitivity,
          startDate: set.startDate !== undefined ? date(set.startDate) : current.startDate,
          dueDate: set.dueDate !== undefined ? date(set.dueDate) : current.dueDate,
          completeDate: date(progress.completeDate),
          percentComplete: progress.percentComplete,
          status: progress.status,
          changeKey: newTaskChangeKey(),
          revision: current.revision + 1,
          lastModifiedAt: now,
        };
        await this.tasks.save(tx, next);
        await this.announce(tx, 'updated', next);
        return taskView(next);
      },
    );
    return outcome.duplicate ? this.get({ mailbox: req.mailbox, itemId: req.itemId }) : outcome.value;
  }

  /**
   * DeleteItem. MoveToDeletedItems moves the task to Deleted Items (the row stays with
   * `deletedAt` set, out of the Tasks folder and its count; announced as a deletion from Tasks);
   * HardDelete, or MoveToDeletedItems on a task already in Deleted Items, removes it.
   */
  async delete(
    commandId: string,
    req: Omit<DeleteTaskRequest, 'disposal'> & Partial<Pick<DeleteTaskRequest, 'disposal'>>,
    now = new Date(),
  ): Promise<DeleteTaskReply> {
    const key = this.decode(req.mailbox, req.itemId);
    await this.db.unitOfWork.runOnce('calendar-sync.task-delete', { id: commandId, type: Topics.calendarTaskDeleteRequest }, async (tx) => {
      const current = await this.tasks.findForUpdate(tx, req.mailbox, key);
      if (!current) throw notFound();
      if (req.disposal === 'MoveToDeletedItems' && current.deletedAt === null) {
        const moved: StoredTask = {
          ...current,
          deletedAt: now,
          changeKey: newTaskChangeKey(),
          revision: current.revision + 1,
          lastModifiedAt: now,
        };
        await this.tasks.save(tx, moved);
        await this.announce(tx, 'deleted', moved);
        return;
      }
      await this.tasks.remove(tx, req.mailbox, key);
      await this.announce(tx, 'deleted', { ...current, revision: current.revision + 1 });
    });
    return { id: req.itemId };
  }

  /**
   * MoveItem between Tasks and Deleted Items: into Deleted Items as MoveToDeletedItems, back as a
   * task created again in Tasks (the mirror of its departure). A task already in the target folder
   * is answered unchanged.
   */
  async move(commandId: string, req: MoveTaskRequest, now = new Date()): Promise<TaskView> {
    const key = this.decode(req.mailbox, req.itemId);
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.task-move',
      { id: commandId, type: Topics.calendarTaskMoveRequest },
      async (tx) => {
        const current = await this.tasks.findForUpdate(tx, req.mailbox, key);
        if (!current) throw notFound();
        const toDeletedItems = req.to === 'deleteditems';
        if ((current.deletedAt !== null) === toDeletedItems) return taskView(current);
        const moved: StoredTask = {
          ...current,
          deletedAt: toDeletedItems ? now : null,
          changeKey: newTaskChangeKey(),
          revision: current.revision + 1,
          lastModifiedAt: now,
        };
        await this.tasks.save(tx, moved);
        await this.announce(tx, toDeletedItems ? 'deleted' : 'created', moved);
        return taskView(moved);
      },
    );
    return outcome.duplicate ? this.get({ mailbox: req.mailbox, itemId: req.itemId }) : outcome.value;
  }

  async get(req: GetTaskRequest): Promise<TaskView> {
    const task = await this.tasks.find(req.mailbox, this.decode(req.mailbox, req.itemId));
    if (!task) throw notFound();
    return taskView(task);
  }

  /**
   * FindItem with an IndexedPageItemView: of the tasks that pass the restriction, in the sort
   * order, `maxEntries` from `offset`, counted from the first task (Beginning) or back from the
   * last (End; the page keeps the view's order). The Tasks folder by default; `deleteditems` pages
   * the tasks in Deleted Items.
   */
  async find(req: Omit<FindTasksRequest, 'folder'> & Partial<Pick<FindTasksRequest, 'folder'>>): Promise<FindTasksReply> {
    const folder = req.folder ?? 'tasks';
    const total = await this.tasks.count(req.mailbox, folder, req.restriction);
    const offset = Math.min(req.offset, total);
    const skip = req.basePoint === 'Beginning' ? offset : Math.max(0, total - offset - req.maxEntries);
    const take = req.basePoint === 'Beginning' ? req.maxEntries : total - offset - skip;
    const page = await this.tasks.page(req.mailbox, skip, take, folder, { restriction: req.restriction, sortOrder: req.sortOrder });
    const count = page.tasks.length;
    return {
      items: page.tasks.map(taskView),
      totalItemsInView: page.total,
      includesLastItemInRange: req.basePoint === 'Beginning' ? skip + count >= page.total : skip === 0,
      indexedPagingOffset: offset + count,
    };
  }

  private decode(mailbox: string, id: string): string {
    const key = decodeTaskId(mailbox, id);
    if (!key) throw notFound();
    return key;
  }

  private async announce(tx: Transaction, change: TaskChanged['change'], task: StoredTask): Promise<void> {
    const event: TaskChanged = {
      mailbox: task.mailbox,
      change,
      itemId: encodeTaskId(task.mailbox, task.id),
      changeKey: change === 'deleted' ? null : task.changeKey,
      revision: task.revision,
      task: change === 'deleted' ? null : taskView(task),
    };
    await tx.publish(Topics.calendarTaskChanged, task.mailbox, event);
  }
}
