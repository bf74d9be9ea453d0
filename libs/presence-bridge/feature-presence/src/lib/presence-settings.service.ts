import { Injectable } from '@nestjs/common';
import { BLOCKED_WATCHERS_HARD_LIMIT, mailboxKey } from '@parley/contracts';
import {
  BlockListRepository,
  ContactListRepository,
  isUniqueViolation,
  PresenceBridgeDatabase,
  PresenceSettingRepository,
  StoredContactGroup,
  StoredPresenceSetting,
} from '@parley/presence-bridge/data-access';
import type { Transaction } from '@parley/persistence';
import { UserStateName, userStates, UserStateSource } from '@parley/presence-bridge/presence-engine';
import { randomUUID } from 'node:crypto';
import { PresenceSettingsErrorCode as Code, PresenceSettingsException } from './presence-settings.exception';
import { PresenceViewPublisher } from './presence-view.publisher';

/** Per-user limits (Lync Server's default contact limit is 250 and its maximum 1000). */
export const PresenceSettingsLimits = {
  contacts: 1000,
  groups: 64,
  /** Every presence event carries the user's blocked watchers, so this is at most what the event admits. */
  blocks: Math.min(1000, BLOCKED_WATCHERS_HARD_LIMIT),
  groupNameLength: 256,
  /** Characters of a personal note (Lync clients cut the note at 500). */
  noteLength: 500,
} as const;

export interface ContactList {
  groups: { id: string; name: string; contacts: string[] }[];
  /** Contacts in no group ("Other contacts"). */
  ungrouped: string[];
}

/** The hand-set inputs of the presence engine; an expired state reads as none. */
export interface PresenceSettings {
  userState: UserStateSource | null;
  personalNote: string | null;
}

/**
 * A user's own presence data: contact list (groups; add, remove, rename, move), blocked watchers,
 * the state they set (optionally until a time) and their personal note. Addresses are stored
 * lower-cased; every change is refused with a `PresenceSettingsException` code, never half applied.
 * A change of the state, the note or the block list republishes the user's presence in its own
 * transaction (a block list change always, so every replica re-reads it).
 */
@Injectable()
export class PresenceSettingsService {
  constructor(
    private readonly db: PresenceBridgeDatabase,
    private readonly contactLists: ContactListRepository,
    private readonly blockLists: BlockListRepository,
    private readonly settingsStore: PresenceSettingRepository,
    private readonly publisher: PresenceViewPublisher,
  ) {}

  async contactList(owner: string): Promise<ContactList> {
    const key = address(owner);
    const [groups, contacts] = await Promise.all([this.contactLists.groups(key), this.contactLists.contacts(key)]);
    return {
      groups: groups.map((g) => ({ id: g.id, name: g.name, contacts: contacts.filter((c) => c.groupId === g.id).map((c) => c.contact) })),
      ungrouped: contacts.filter((c) => c.groupId === null).map((c) => c.contact),
    };
  }

  async addGroup(owner: string, name: string, now = new Date()): Promise<StoredContactGroup> {
    const key = address(owner);
    const group = { id: randomUUID(), name: groupName(name) };
    await this.db.unitOfWork.run(async (tx) => {
      if ((await this.contactLists.countGroups(tx, key)) >= PresenceSettingsLimits.groups) {
        throw new PresenceSettingsException(Code.LimitExceeded, `at most ${PresenceSettingsLimits.groups} groups`);
      }
      await this.requireFreeName(tx, key, group.name, null);
      await this.contactLists.insertGroup(tx, key, group, now).catch(groupNameTaken(group.name));
    });
    return group;
  }

  async renameGroup(owner: string, groupId: string, name: string): Promise<StoredContactGroup> {
    const key = address(owner);
    const renamed = { id: groupId, name: groupName(name) };
    await this.db.unitOfWork.run(async (tx) => {
      await this.requireGroup(tx, key, groupId);
      await this.requireFreeName(tx, key, renamed.name, groupId);
      await this.contactLists.renameGroup(tx, key, groupId, renamed.name).catch(groupNameTaken(renamed.name));
    });
    return renamed;
  }

  async removeGroup(owner: string, groupId: string): Promise<void> {
    const key = address(owner);
    await this.db.unitOfWork.run(async (tx) => {
      await this.requireGroup(tx, key, groupId);
      if ((await this.contactLists.countContacts(tx, key, groupId)) > 0) {
        throw new PresenceSettingsException(Code.GroupNotEmpty, 'the group still has contacts: move or remove them first');
      }
      await this.contactLists.deleteGroup(tx, key, groupId);
    });
  }

  /** Adds a contact to a group (null: none); adding one already listed moves it there. */
  async addContact(owner: string, contact: string, groupId: string | null, now = new Date()): Promise<void> {
    const key = address(owner);
    const other = address(contact);
    if (other === key) throw new PresenceSettingsException(Code.SelfReference, 'a user cannot add themself as a contact');
    await this.db.unitOfWork.run(async (tx) => {
      if (groupId !== null) await this.requireGroup(tx, key, groupId);
      const listed = await this.contactLists.findContact(tx, key, other);
      if (!listed && (await this.contactLists.countContacts(tx, key)) >= PresenceSettingsLimits.contacts) {
        throw new PresenceSettingsException(Code.LimitExceeded, `at most ${PresenceSettingsLimits.contacts} contacts`);
      }
      await this.contactLists.upsertContact(tx, key, { contact: other, groupId }, now);
    });
  }

  /** Moves a listed contact to another group (null: none). */
  async moveContact(owner: string, contact: string, groupId: string | null): Promise<void> {
    const key = address(owner);
    const other = address(contact);
    await this.db.unitOfWork.run(async (tx) => {
      const listed = await this.contactLists.findContact(tx, key, other);
      if (!listed) throw new PresenceSettingsException(Code.ContactNotFound, `${other} is not on the contact list`);
      if (groupId !== null) await this.requireGroup(tx, key, groupId);
      await this.contactLists.upsertContact(tx, key, { contact: other, groupId }, new Date());
    });
  }

  async removeContact(owner: string, contact: string): Promise<void> {
    const key = address(owner);
    const other = address(contact);
    const removed = await this.db.unitOfWork.run((tx) => this.contactLists.deleteContact(tx, key, other));
    if (!removed) throw new PresenceSettingsException(Code.ContactNotFound, `${other} is not on the contact list`);
  }

  blocked(owner: string): Promise<string[]> {
    return this.blockLists.blocked(address(owner));
  }

  /** Whether `owner` blocked `watcher` (the watcher then sees the owner Offline). */
  isBlocked(owner: string, watcher: string): Promise<boolean> {
    return this.blockLists.isBlocked(address(owner), address(watcher));
  }

  /**
   * Blocks a watcher; blocking one already blocked changes nothing. The block is recorded with the
   * sequence of the republication that carries it (the locked row's next one), which is all the
   * watcher will see of the owner until an unblock: Offline under that sequence.
   */
  async block(owner: string, watcher: string, now = new Date()): Promise<void> {
    const key = address(owner);
    const other = address(watcher);
    if (other === key) throw new PresenceSettingsException(Code.SelfReference, 'a user cannot block themself');
    await this.db.unitOfWork.run(async (tx) => {
      const locked = await this.publisher.lockUser(tx, key);
      const count = await this.blockLists.count(tx, key);
      if (count >= PresenceSettingsLimits.blocks && !(await this.blockLists.isBlocked(key, other))) {
        throw new PresenceSettingsException(Code.LimitExceeded, `at most ${PresenceSettingsLimits.blocks} blocked watchers`);
      }
      const since = locked.sequence + 1;
      if (!(await this.blockLists.insert(tx, key, other, since, now))) return;
      const carried = await this.publisher.republish(tx, key, now, { blockListChanged: true });
      // The row is locked, so nothing can publish in between; a mismatch would hide the block's own publication.
      if (carried.sequence !== since) throw new Error(`the block of ${other} was published as ${carried.sequence}, not ${since}`);
    });
  }

  /** Unblocks a watcher; unblocking one not blocked changes nothing. */
  async unblock(owner: string, watcher: string, now = new Date()): Promise<void> {
    const key = address(owner);
    const other = address(watcher);
    await this.db.unitOfWork.run(async (tx) => {
      await this.publisher.lockUser(tx, key);
      if (await this.blockLists.delete(tx, key, other)) await this.publisher.republish(tx, key, now, { blockListChanged: true });
    });
  }

  /** The user's state (unless expired at `now`) and note. */
  async settings(owner: string, now = new Date()): Promise<PresenceSettings> {
    return toSettings(await this.settingsStore.find(address(owner)), now.getTime());
  }

  /** Sets the user state, until `expiresAt` or (null) until reset. */
  async setUserState(owner: string, state: string, expiresAt: Date | null, now = new Date()): Promise<PresenceSettings> {
    if (!isUserState(state))
      throw new PresenceSettingsException(Code.InvalidState, `unknown state "${state}"; one of ${userStates.join(', ')}`);
    if (expiresAt !== null && !(expiresAt.getTime() > now.getTime())) {
      throw new PresenceSettingsException(Code.InvalidExpiry, 'the expiry must lie in the future');
    }
    return this.update(owner, now, (s) => ({ ...s, userState: state, userStateExpiresAt: expiresAt }));
  }

  /** Back to the automatic state. */
  resetUserState(owner: string, now = new Date()): Promise<PresenceSettings> {
    return this.update(owner, now, (s) => ({ ...s, userState: null, userStateExpiresAt: null }));
  }

  /** Sets the personal note; blank or null clears it. */
  async setPersonalNote(owner: string, note: string | null, now = new Date()): Promise<PresenceSettings> {
    const text = note?.trim() ? note.trim() : null;
    if (text !== null && [...text].length > PresenceSettingsLimits.noteLength) {
      throw new PresenceSettingsException(Code.NoteTooLong, `a note has at most ${PresenceSettingsLimits.noteLength} characters`);
    }
    return this.update(owner, now, (s) => ({ ...s, personalNote: text }));
  }

  /**
   * Sets the user state and the personal note in one transaction, so watchers see one change, not two: what a SIP
   * PUBLISH of a document with both does. A field left undefined stays as it is; `userState` null resets the state,
   * `personalNote` null or blank clears the note. The same rules as `setUserState` and `setPersonalNote`.
   */
  async setStateAndNote(
    owner: string,
    change: { userState?: { state: string; expiresAt: Date | null } | null; personalNote?: string | null },
    now = new Date(),
  ): Promise<PresenceSettings> {
    const { userState } = change;
    if (userState) {
      if (!isUserState(userState.state)) {
        throw new PresenceSettingsException(Code.InvalidState, `unknown state "${userState.state}"; one of ${userStates.join(', ')}`);
      }
      if (userState.expiresAt !== null && !(userState.expiresAt.getTime() > now.getTime())) {
        throw new PresenceSettingsException(Code.InvalidExpiry, 'the expiry must lie in the future');
      }
    }
    const text = change.personalNote?.trim() ? change.personalNote.trim() : null;
    if (text !== null && [...text].length > PresenceSettingsLimits.noteLength) {
      throw new PresenceSettingsException(Code.NoteTooLong, `a note has at most ${PresenceSettingsLimits.noteLength} characters`);
    }
    return this.update(owner, now, (s) => ({
      ...s,
      ...(userState === undefined ? {} : { userState: userState?.state ?? null, userStateExpiresAt: userState?.expiresAt ?? null }),
      ...(change.personalNote === undefined ? {} : { personalNote: text }),
    }));
  }

  private async update(owner: string, now: Date, change: (s: StoredPresenceSetting) => StoredPresenceSetting): Promise<PresenceSettings> {
    const key = address(owner);
    const saved = await this.db.unitOfWork.run(async (tx) => {
      await this.publisher.lockUser(tx, key);
      const next = change(await this.settingsStore.lock(tx, key, now));
      await this.settingsStore.save(tx, next, now);
      await this.publisher.republish(tx, key, now);
      return next;
    });
    return toSettings(saved, now.getTime());
  }

  /** Refuses a name another of the owner's groups has (the unique index still catches a concurrent writer). */
  private async requireFreeName(tx: Transaction, owner: string, name: string, renaming: string | null): Promise<void> {
    const holder = await this.contactLists.findGroupNamed(tx, owner, name);
    if (holder && holder.id !== renaming) throw new PresenceSettingsException(Code.GroupExists, `a group named "${name}" exists`);
  }

  private async requireGroup(tx: Transaction, owner: string, groupId: string): Promise<void> {
    const found = isUuid(groupId) ? await this.contactLists.findGroup(tx, owner, groupId) : null;
    if (!found) throw new PresenceSettingsException(Code.GroupNotFound, `no group ${groupId}`);
  }
}

function address(value: string): string {
  const parsed = mailboxKey.safeParse(value);
  if (!parsed.success) throw new PresenceSettingsException(Code.InvalidAddress, `"${value}" is not an SMTP address`);
  return parsed.data;
}

function groupName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || [...trimmed].length > PresenceSettingsLimits.groupNameLength) {
    throw new PresenceSettingsException(
      Code.InvalidGroupName,
      `a group name has 1 to ${PresenceSettingsLimits.groupNameLength} characters`,
    );
  }
  return trimmed;
}

function groupNameTaken(name: string): (error: unknown) => never {
  return (error) => {
    if (isUniqueViolation(error)) throw new PresenceSettingsException(Code.GroupExists, `a group named "${name}" exists`);
    throw error;
  };
}

function isUserState(value: string): value is UserStateName {
  return (userStates as readonly string[]).includes(value);
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function toSettings(stored: StoredPresenceSetting | null, now: number): PresenceSettings {
  const state = stored?.userState ?? null;
  const expiresAt = stored?.userStateExpiresAt?.getTime() ?? null;
  const live = state !== null && isUserState(state) && (expiresAt === null || expiresAt > now);
  return { userState: live ? { state, expiresAt } : null, personalNote: stored?.personalNote ?? null };
}
