import type { WorkingHours } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { DataSource, In } from 'typeorm';
import { WorkingHoursEntity } from './working-hours.entity';

/** A mailbox's row: its hours, or null after a reset (the default applies), and the revision. */
export interface StoredWorkingHours {
  mailbox: string;
  workingHours: WorkingHours | null;
  revision: number;
}

function toStored(e: WorkingHoursEntity): StoredWorkingHours {
  const hours =
    e.timeZone !== null && e.days !== null && e.startMinutes !== null && e.endMinutes !== null
      ? { timeZone: e.timeZone, days: e.days, startMinutes: e.startMinutes, endMinutes: e.endMinutes }
      : null;
  return { mailbox: e.mailbox, workingHours: hours, revision: e.revision };
}

/** Working hours, one row per mailbox that ever had them set. */
export class WorkingHoursRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(mailbox: string): Promise<StoredWorkingHours | null> {
    const found = await this.dataSource.getRepository(WorkingHoursEntity).findOneBy({ mailbox });
    return found ? toStored(found) : null;
  }

  /** The rows of those of `mailboxes` that have one, in one query (free/busy asks for up to 100). */
  async findMany(mailboxes: readonly string[]): Promise<Map<string, StoredWorkingHours>> {
    if (mailboxes.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(WorkingHoursEntity).findBy({ mailbox: In([...mailboxes]) });
    return new Map(rows.map((r) => [r.mailbox, toStored(r)]));
  }

  /** Reads the row for update inside `tx`, so concurrent writers of one mailbox serialize. */
  async findForUpdate(tx: Transaction, mailbox: string): Promise<StoredWorkingHours | null> {
    const found = await tx.manager.getRepository(WorkingHoursEntity).findOne({ where: { mailbox }, lock: { mode: 'pessimistic_write' } });
    return found ? toStored(found) : null;
  }

  async save(tx: Transaction, stored: StoredWorkingHours, now: Date): Promise<void> {
    const h = stored.workingHours;
    await tx.manager.getRepository(WorkingHoursEntity).save({
      mailbox: stored.mailbox,
      timeZone: h?.timeZone ?? null,
      days: h?.days ?? null,
      startMinutes: h?.startMinutes ?? null,
      endMinutes: h?.endMinutes ?? null,
      revision: stored.revision,
      updatedAt: now,
    });
  }
}
