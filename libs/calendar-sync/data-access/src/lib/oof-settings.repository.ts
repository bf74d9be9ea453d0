import type { OofSettings } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { DataSource, In } from 'typeorm';
import { OofSettingsEntity } from './oof-settings.entity';

export interface StoredOof {
  mailbox: string;
  settings: OofSettings;
  active: boolean;
  revision: number;
}

function toStored(e: OofSettingsEntity): StoredOof {
  return {
    mailbox: e.mailbox,
    settings: {
      state: e.state,
      externalAudience: e.externalAudience,
      startTime: e.startTime ? e.startTime.toISOString() : null,
      endTime: e.endTime ? e.endTime.toISOString() : null,
      internalReply: e.internalReply,
      externalReply: e.externalReply,
    },
    active: e.active,
    revision: e.revision,
  };
}

export class OofSettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(mailbox: string): Promise<StoredOof | null> {
    const found = await this.dataSource.getRepository(OofSettingsEntity).findOneBy({ mailbox });
    return found ? toStored(found) : null;
  }

  /** Reads the row for update inside `tx`, so concurrent writers of one mailbox serialize. */
  async findForUpdate(tx: Transaction, mailbox: string): Promise<StoredOof | null> {
    const found = await tx.manager.getRepository(OofSettingsEntity).findOne({ where: { mailbox }, lock: { mode: 'pessimistic_write' } });
    return found ? toStored(found) : null;
  }

  /** The settings of each given mailbox that has any, read inside `tx`. */
  async findMany(tx: Transaction, mailboxes: readonly string[]): Promise<Map<string, StoredOof>> {
    const found = await tx.manager.getRepository(OofSettingsEntity).findBy({ mailbox: In([...mailboxes]) });
    return new Map(found.map((e) => [e.mailbox, toStored(e)]));
  }

  async save(tx: Transaction, oof: StoredOof): Promise<void> {
    await tx.manager.getRepository(OofSettingsEntity).save({
      mailbox: oof.mailbox,
      state: oof.settings.state,
      externalAudience: oof.settings.externalAudience,
      startTime: oof.settings.startTime ? new Date(oof.settings.startTime) : null,
      endTime: oof.settings.endTime ? new Date(oof.settings.endTime) : null,
      internalReply: oof.settings.internalReply,
      externalReply: oof.settings.externalReply,
      active: oof.active,
      revision: oof.revision,
      updatedAt: new Date(),
    });
  }
}
