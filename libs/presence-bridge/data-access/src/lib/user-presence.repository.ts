import type { Transaction } from '@parley/persistence';
import type { PresenceView } from '@parley/presence-bridge/presence-engine';
import { DataSource } from 'typeorm';
import { UserPresenceEntity } from './user-presence.entity';

export interface StoredPresence {
  mailbox: string;
  sequence: number;
  availability: number;
  activity: string | null;
  note: string | null;
  oof: boolean;
  oofNote: string | null;
  oofRevision: number;
  /** The view last published; null until the first publication through the engine. */
  published: PresenceView | null;
}

function toStored(e: UserPresenceEntity): StoredPresence {
  return { ...e, sequence: Number(e.sequence) };
}

export class UserPresenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(mailbox: string): Promise<StoredPresence | null> {
    const found = await this.dataSource.getRepository(UserPresenceEntity).findOneBy({ mailbox });
    return found ? toStored(found) : null;
  }

  async findForUpdate(tx: Transaction, mailbox: string): Promise<StoredPresence | null> {
    const found = await tx.manager.getRepository(UserPresenceEntity).findOne({ where: { mailbox }, lock: { mode: 'pessimistic_write' } });
    return found ? toStored(found) : null;
  }

  async save(tx: Transaction, presence: StoredPresence): Promise<void> {
    await tx.manager.getRepository(UserPresenceEntity).save({ ...presence, sequence: String(presence.sequence), updatedAt: new Date() });
  }
}
