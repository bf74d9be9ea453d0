import type { CalendarBody, Importance, TaskFilter, TaskSortKey, TaskStatus } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { DataSource, EntityManager, IsNull, Not, type SelectQueryBuilder } from 'typeorm';
import { TaskEntity } from './task.entity';
import { taskFilterSql, taskSortSql } from './task-query.sql';

/** A task as the service works with it. */
export interface StoredTask {
  id: string;
  mailbox: string;
  subject: string;
  body: CalendarBody | null;
  importance: Importance;
  sensitivity: 'Normal' | 'Personal' | 'Private' | 'Confidential';
  startDate: Date | null;
  dueDate: Date | null;
  completeDate: Date | null;
  percentComplete: number;
  status: TaskStatus;
  changeKey: string;
  revision: number;
  createdAt: Date;
  lastModifiedAt: Date;
  /** Set while the task is in Deleted Items (moved there by DeleteItem); null in the Tasks folder. */
  deletedAt: Date | null;
}

function toStored(e: TaskEntity): StoredTask {
  const { bodyType, body, ...rest } = e;
  return { ...rest, body: bodyType ? { type: bodyType, content: body ?? '' } : null };
}

function toEntity(task: StoredTask): TaskEntity {
  const { body, ...rest } = task;
  return Object.assign(new TaskEntity(), { ...rest, bodyType: body?.type ?? null, body: body?.content ?? null });
}

/** One page of a mailbox's tasks in their stable order (oldest first), and how many there are. */
export interface TaskPage {
  readonly tasks: StoredTask[];
  readonly total: number;
}

/** Where a task is: its Tasks folder, or Deleted Items. */
export type TaskFolder = 'tasks' | 'deleteditems';

/** FindItem's restriction and sort keys (most significant first); the folder's own order breaks ties. */
export interface TaskQuery {
  readonly restriction?: TaskFilter;
  readonly sortOrder?: readonly TaskSortKey[];
}

function whereIn(mailbox: string, folder: TaskFolder) {
  return { mailbox, deletedAt: folder === 'tasks' ? IsNull() : Not(IsNull()) };
}

/** Tasks; every read is confined to one mailbox. */
export class TaskRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** By id, wherever the task is (Tasks or Deleted Items: `deletedAt` tells). */
  async find(mailbox: string, id: string): Promise<StoredTask | null> {
    return this.load(this.dataSource.manager, mailbox, id, false);
  }

  /** Reads the task for update inside `tx`, so concurrent writers of one task serialize. */
  async findForUpdate(tx: Transaction, mailbox: string, id: string): Promise<StoredTask | null> {
    return this.load(tx.manager, mailbox, id, true);
  }

  /** Tasks in the Tasks folder, or (`deleteditems`) the mailbox's tasks in Deleted Items; with a restriction, those that pass it. */
  async count(mailbox: string, folder: TaskFolder = 'tasks', restriction?: TaskFilter): Promise<number> {
    if (restriction === undefined) return this.dataSource.manager.getRepository(TaskEntity).countBy(whereIn(mailbox, folder));
    return this.select(mailbox, folder, restriction).getCount();
  }

  /**
   * Tasks [skip, skip + take) of a folder that pass the restriction, with their total: in the
   * query's sort order, then the folder's own — the Tasks folder in (created_at, id) order, Deleted
   * Items in the order they were moved there (deleted_at, id) — so every page is deterministic.
   */
  async page(mailbox: string, skip: number, take: number, folder: TaskFolder = 'tasks', query: TaskQuery = {}): Promise<TaskPage> {
    const total = await this.count(mailbox, folder, query.restriction);
    if (take <= 0) return { tasks: [], total };
    const select = this.select(mailbox, folder, query.restriction);
    for (const term of taskSortSql(query.sortOrder ?? [])) select.addOrderBy(term.expression, term.order, term.nulls);
    select.addOrderBy(folder === 'tasks' ? 't.created_at' : 't.deleted_at', 'ASC').addOrderBy('t.id', 'ASC');
    const rows = await select.offset(skip).limit(take).getMany();
    return { tasks: rows.map(toStored), total };
  }

  private select(mailbox: string, folder: TaskFolder, restriction: TaskFilter | undefined): SelectQueryBuilder<TaskEntity> {
    const select = this.dataSource.manager
      .getRepository(TaskEntity)
      .createQueryBuilder('t')
      .where('t.mailbox = :mailbox', { mailbox })
      .andWhere(folder === 'tasks' ? 't.deleted_at IS NULL' : 't.deleted_at IS NOT NULL');
    if (restriction === undefined) return select;
    const condition = taskFilterSql(restriction);
    return select.andWhere(condition.sql, condition.params);
  }

  async save(tx: Transaction, task: StoredTask): Promise<void> {
    await tx.manager.getRepository(TaskEntity).save(toEntity(task));
  }

  async remove(tx: Transaction, mailbox: string, id: string): Promise<boolean> {
    const result = await tx.manager.getRepository(TaskEntity).delete({ mailbox, id });
    return (result.affected ?? 0) > 0;
  }

  private async load(manager: EntityManager, mailbox: string, id: string, lock: boolean): Promise<StoredTask | null> {
    const found = await manager
      .getRepository(TaskEntity)
      .findOne({ where: { mailbox, id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    return found ? toStored(found) : null;
  }
}
