import type { Transaction } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { ContactGroupEntity } from './contact-group.entity';
import { ContactEntity } from './contact.entity';

export interface StoredContactGroup {
  id: string;
  name: string;
}

export interface StoredContact {
  contact: string;
  /** null: in no group ("Other contacts"). */
  groupId: string | null;
}

/** PostgreSQL's unique_violation: a concurrent writer took the group name between the check and the write. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { driverError?: { code?: string } }).driverError?.code === '23505';
}

/** A user's contact list: groups and the contacts in them. */
export class ContactListRepository {
  constructor(private readonly dataSource: DataSource) {}

  async groups(owner: string): Promise<StoredContactGroup[]> {
    const rows = await this.dataSource.getRepository(ContactGroupEntity).find({ where: { owner }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((g) => ({ id: g.id, name: g.name }));
  }

  async contacts(owner: string): Promise<StoredContact[]> {
    const rows = await this.dataSource.getRepository(ContactEntity).find({ where: { owner }, order: { contact: 'ASC' } });
    return rows.map((c) => ({ contact: c.contact, groupId: c.groupId }));
  }

  async findGroup(tx: Transaction, owner: string, id: string): Promise<StoredContactGroup | null> {
    const found = await tx.manager.getRepository(ContactGroupEntity).findOneBy({ owner, id });
    return found ? { id: found.id, name: found.name } : null;
  }

  /** The owner's group of this name compared without case, if any. */
  async findGroupNamed(tx: Transaction, owner: string, name: string): Promise<StoredContactGroup | null> {
    const rows = (await tx.manager.query(
      `SELECT id, name FROM presence_bridge.contact_group WHERE owner = $1 AND lower(name) = lower($2)`,
      [owner, name],
    )) as StoredContactGroup[];
    return rows[0] ?? null;
  }

  async countGroups(tx: Transaction, owner: string): Promise<number> {
    return tx.manager.getRepository(ContactGroupEntity).countBy({ owner });
  }

  async countContacts(tx: Transaction, owner: string, groupId?: string): Promise<number> {
    return tx.manager.getRepository(ContactEntity).countBy(groupId === undefined ? { owner } : { owner, groupId });
  }

  /** Inserts the group; a name the owner already uses (any case) raises a unique violation. */
  async insertGroup(tx: Transaction, owner: string, group: StoredContactGroup, now: Date): Promise<void> {
    await tx.manager.getRepository(ContactGroupEntity).insert({ id: group.id, owner, name: group.name, createdAt: now });
  }

  async renameGroup(tx: Transaction, owner: string, id: string, name: string): Promise<void> {
    await tx.manager.getRepository(ContactGroupEntity).update({ owner, id }, { name });
  }

  async deleteGroup(tx: Transaction, owner: string, id: string): Promise<void> {
    await tx.manager.getRepository(ContactGroupEntity).delete({ owner, id });
  }

  async findContact(tx: Transaction, owner: string, contact: string): Promise<StoredContact | null> {
    const found = await tx.manager.getRepository(ContactEntity).findOneBy({ owner, contact });
    return found ? { contact: found.contact, groupId: found.groupId } : null;
  }

  /** Adds the contact or, when already listed, puts it in `groupId` (a move). */
  async upsertContact(tx: Transaction, owner: string, contact: StoredContact, now: Date): Promise<void> {
    await tx.manager.query(
      `INSERT INTO presence_bridge.contact (owner, contact, group_id, added_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (owner, contact) DO UPDATE SET group_id = EXCLUDED.group_id`,
      [owner, contact.contact, contact.groupId, now],
    );
  }

  /** Removes the contact; false when it was not listed. */
  async deleteContact(tx: Transaction, owner: string, contact: string): Promise<boolean> {
    const result = await tx.manager.getRepository(ContactEntity).delete({ owner, contact });
    return (result.affected ?? 0) > 0;
  }
}
