import type { CalendarBody, Importance, TaskStatus } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { DataSource, EntityManager } from 'typeorm';
import { TaskEntity } from './task.entity';

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

/** Tasks; every read is confined to one mailbox. */
export class TaskRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(mailbox: string, id: string): Promise<StoredTask | null> {
    return this.load(this.dataSource.manager, mailbox, id, false);
  }

  /** Reads the task for update inside `tx`, so concurrent writers of one task serialize. */
  async findForUpdate(tx: Transaction, mailbox: string, id: string): Promise<StoredTask | null> {
    return this.load(tx.manager, mailbox, id, true);
  }

  async count(mailbox: string): Promise<number> {
    return this.dataSource.manager.getRepository(TaskEntity).countBy({ mailbox });
  }

  /** Tasks [skip, skip + take) in (created_at, id) order, with the folder's total. */
  async page(mailbox: string, skip: number, take: number): Promise<TaskPage> {
    const repo = this.dataSource.manager.getRepository(TaskEntity);
    if (take <= 0) return { tasks: [], total: await this.count(mailbox) };
    const [rows, total] = await repo.findAndCount({ where: { mailbox }, order: { createdAt: 'ASC', id: 'ASC' }, skip, take });
    return { tasks: rows.map(toStored), total };
  }

  async save(tx: Transaction, task: StoredTask): Promise<void> {
    await tx.manager.getRepository(TaskEntity).save(toEntity(task));
  }

  async remove(tx: Transaction, mailbox: string, id: string): Promise<boolean> {
    const result = await tx.manager.getRepository(TaskEntity).delete({ mailbox, id });
    return (result.affected ?? 0) > 0;
  }

  private async load(manager: EntityManager, mailbox: string, id: string, lock: boolean): Promise<StoredTask | null> {
    const found = await manager.getRepository(TaskEntity).findOne({ where: { mailbox, id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    return found ? toStored(found) : null;
  }
}
