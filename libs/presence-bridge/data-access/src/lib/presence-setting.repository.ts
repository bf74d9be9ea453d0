import type { Transaction } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { PresenceSettingEntity } from './presence-setting.entity';

/** A user's hand-set state and personal note; all null when never set. */
export interface StoredPresenceSetting {
  mailbox: string;
  userState: string | null;
  userStateExpiresAt: Date | null;
  personalNote: string | null;
}

function toStored(e: PresenceSettingEntity): StoredPresenceSetting {
  return { mailbox: e.mailbox, userState: e.userState, userStateExpiresAt: e.userStateExpiresAt, personalNote: e.personalNote };
}

export class PresenceSettingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(mailbox: string): Promise<StoredPresenceSetting | null> {
    const found = await this.dataSource.getRepository(PresenceSettingEntity).findOneBy({ mailbox });
    return found ? toStored(found) : null;
  }

  /** The same, inside `tx` (sees the transaction's own writes). */
  async findIn(tx: Transaction, mailbox: string): Promise<StoredPresenceSetting | null> {
    const found = await tx.manager.getRepository(PresenceSettingEntity).findOneBy({ mailbox });
    return found ? toStored(found) : null;
  }

  /**
   * Reads the row for update inside `tx`, creating an empty one first if the user has none, so
   * concurrent writers of one user serialize even on their first write (none loses the other's change).
   */
  async lock(tx: Transaction, mailbox: string, now: Date): Promise<StoredPresenceSetting> {
    await tx.manager.query(
      `INSERT INTO presence_bridge.presence_setting (mailbox, updated_at) VALUES ($1, $2) ON CONFLICT (mailbox) DO NOTHING`,
      [mailbox, now],
    );
    const found = await tx.manager
      .getRepository(PresenceSettingEntity)
      .findOneOrFail({ where: { mailbox }, lock: { mode: 'pessimistic_write' } });
    return toStored(found);
  }

  async save(tx: Transaction, setting: StoredPresenceSetting, now: Date): Promise<void> {
    await tx.manager.getRepository(PresenceSettingEntity).save({ ...setting, updatedAt: now });
  }
}
