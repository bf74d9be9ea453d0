import { mailboxKey } from '@parley/contracts';
import {
  type ContactList,
  type EndpointHandle,
  type ImOutcome,
  type ImReceiver,
  InstantMessaging,
  type PresenceListener,
  PresenceCoreErrorCode,
  PresenceCoreException,
  PresenceCoreLimits,
  type PresenceCoreOptions,
  PresenceEndpoints,
  PresenceReader,
  type PresenceSettings,
  PresenceSettingsErrorCode as Code,
  PresenceSettingsException,
  PresenceSettingsLimits,
  PresenceWatchers,
  type WatchedPresence,
} from '@parley/presence-bridge/feature-presence';
import {
  aggregatePresence,
  defaultPresencePolicy,
  type EndpointSource,
  type MessageWaiting,
  nextPublication,
  offlineView,
  type PresenceView,
  type UserStateName,
  userStates,
  viewFor,
  type WatcherView,
} from '@parley/presence-bridge/presence-engine';
import { randomUUID } from 'node:crypto';

interface UserRecord {
  endpoints: Map<string, EndpointSource>;
  userState: { state: UserStateName; expiresAt: number | null } | null;
  note: string | null;
  messageWaiting: MessageWaiting | null;
  published: { sequence: number; view: PresenceView } | null;
  /** Blocked watcher → the sequence of the publication that carried the block. */
  blocked: Map<string, number>;
  groups: Map<string, string>;
  /** contact → group id (null: "Other contacts"), in insertion order. */
  contacts: Map<string, string | null>;
}

interface Watch {
  watcher: string;
  listener: PresenceListener;
}

/**
 * The presence core in memory, for the WebSocket front's tests until the real core is on main:
 * the same engine (aggregation, watcher views, change detection with sequence numbers), the same
 * refusals as PresenceSettingsService (codes and limits), IM only to attached endpoints. One
 * process, one "replica". Every watcher that sees the same thing gets the same view object (the
 * front serializes once per view); a blocked watcher the Offline view of the block's own
 * publication and nothing after it, and that sequence in snapshots (as the real core).
 */
export class InMemoryPresenceCore {
  private readonly users = new Map<string, UserRecord>();
  private readonly watches = new Map<string, Set<Watch>>();
  private readonly attached = new Map<string, Map<string, ImReceiver>>();
  private readonly offline: WatcherView = offlineView();
  /** Published changes, oldest first (what a real core would put on the bus). */
  readonly publications: { mailbox: string; sequence: number; view: PresenceView }[] = [];
  /** Makes the next snapshot fail (a database outage, say). */
  failNextSnapshot = false;
  /** Makes the next IM send refused with `Busy` (the replica's receipts queue full). */
  busyNextSend = false;
  private snapshotGate: Promise<void> | null = null;

  readonly reader: PresenceReader;
  readonly watchers: PresenceWatchers;
  readonly endpoints: PresenceEndpoints;
  readonly ims: InstantMessaging;
  readonly settings: InMemoryPresenceSettings;

  constructor(
    directory: readonly string[],
    private readonly limits: Pick<PresenceCoreOptions, 'maxEndpointsPerUser' | 'imMaxChars'>,
  ) {
    for (const mailbox of directory) this.users.set(mailbox.toLowerCase(), emptyRecord());
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const core = this;
    this.reader = new (class extends PresenceReader {
      snapshot(watcher: string, targets: readonly string[]) {
        return core.snapshot(watcher, targets);
      }
    })();
    this.watchers = new (class extends PresenceWatchers {
      watch(watcher: string, target: string, listener: PresenceListener) {
        return core.watch(watcher, target, listener);
      }
    })();
    this.endpoints = new (class extends PresenceEndpoints {
      connect(mailbox: string, client: { label: string }) {
        return core.connect(mailbox, client);
      }
    })();
    this.ims = new (class extends InstantMessaging {
      attach(mailbox: string, endpointId: string, receiver: ImReceiver) {
        return core.attach(mailbox, endpointId, receiver);
      }
      send(from: string, to: string, text: string) {
        return core.send(from, to, text);
      }
      typing(from: string, to: string, typing: boolean) {
        core.typing(from, to, typing);
      }
    })();
    this.settings = new InMemoryPresenceSettings(this);
  }

  /** What could leak: open endpoints, live watches, IM attachments. */
  counts(): { endpoints: number; watches: number; attachments: number } {
    let endpoints = 0;
    for (const user of this.users.values()) endpoints += user.endpoints.size;
    let watches = 0;
    for (const set of this.watches.values()) watches += set.size;
    let attachments = 0;
    for (const map of this.attached.values()) attachments += map.size;
    return { endpoints, watches, attachments };
  }

  /**
   * Snapshots read the state at once but answer only after `release()`: a read that raced with
   * changes published meanwhile (what a database read on another replica can do).
   */
  holdSnapshots(): () => void {
    let release: () => void = () => undefined;
    this.snapshotGate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.snapshotGate = null;
      release();
    };
  }

  watchersOf(target: string): string[] {
    return [...(this.watches.get(target) ?? [])].map((w) => w.watcher);
  }

  setMessageWaiting(mailbox: string, counts: MessageWaiting): void {
    this.record(mailbox).messageWaiting = { ...counts };
    this.republish(mailbox);
  }

  /** A presence change made elsewhere (another replica, another front): a new personal note. */
  setNoteDirectly(mailbox: string, note: string | null): void {
    this.record(mailbox).note = note;
    this.republish(mailbox);
  }

  record(mailbox: string): UserRecord {
    const user = this.users.get(mailbox);
    if (user === undefined) throw new Error(`${mailbox} is not in the test directory`);
    return user;
  }

  isUser(mailbox: string): boolean {
    return this.users.has(mailbox);
  }

  /** Re-aggregates and, if the view changed (or `force`: a block changes what some watchers see), publishes it. */
  republish(mailbox: string, force = false): void {
    const user = this.record(mailbox);
    const view = this.aggregate(user);
    const publication = nextPublication(
      force ? (user.published ? { sequence: user.published.sequence, view: null } : null) : user.published,
      view,
    );
    if (publication === null) return;
    user.published = publication;
    this.publications.push({ mailbox, ...publication });
    const shared = viewFor({ mailbox: '' }, mailbox, publication.view, false);
    const updates = new Map<WatcherView, WatchedPresence>();
    const updateOf = (seen: WatcherView): WatchedPresence => {
      let update = updates.get(seen);
      if (update === undefined) updates.set(seen, (update = { mailbox, sequence: publication.sequence, view: seen }));
      return update;
    };
    for (const watch of [...(this.watches.get(mailbox) ?? [])]) {
      const since = user.blocked.get(watch.watcher);
      if (since !== undefined && since !== publication.sequence) continue;
      const seen = watch.watcher === mailbox ? publication.view : since !== undefined ? this.offline : shared;
      watch.listener(updateOf(seen));
    }
  }

  private aggregate(user: UserRecord): PresenceView {
    return aggregatePresence(
      {
        endpoints: [...user.endpoints.values()],
        calendar: null,
        oof: null,
        phone: null,
        userState: user.userState,
        personalNote: user.note,
        messageWaiting: user.messageWaiting,
      },
      Date.now(),
      defaultPresencePolicy,
    );
  }

  private async snapshot(watcher: string, targets: readonly string[]): Promise<Map<string, WatchedPresence>> {
    await Promise.resolve();
    if (this.failNextSnapshot) {
      this.failNextSnapshot = false;
      throw new Error('snapshot failed (injected)');
    }
    if (targets.length > PresenceCoreLimits.snapshotTargets) {
      throw new PresenceCoreException(PresenceCoreErrorCode.TooManyTargets, `at most ${PresenceCoreLimits.snapshotTargets} users at once`);
    }
    const result = new Map<string, WatchedPresence>();
    for (const target of targets) {
      const user = this.users.get(target);
      if (user === undefined) continue;
      const view = user.published?.view ?? this.aggregate(user);
      const blockedSince = user.blocked.get(watcher);
      result.set(target, {
        mailbox: target,
        sequence: blockedSince ?? user.published?.sequence ?? 0,
        view: viewFor({ mailbox: watcher }, target, view, blockedSince !== undefined),
      });
    }
    if (this.snapshotGate) await this.snapshotGate;
    return result;
  }

  private watch(watcher: string, target: string, listener: PresenceListener): () => void {
    const watch: Watch = { watcher, listener };
    let set = this.watches.get(target);
    if (set === undefined) this.watches.set(target, (set = new Set()));
    set.add(watch);
    return () => {
      const current = this.watches.get(target);
      current?.delete(watch);
      if (current?.size === 0) this.watches.delete(target);
    };
  }

  private async connect(mailbox: string, client: { label: string }): Promise<EndpointHandle> {
    await Promise.resolve();
    const user = this.record(mailbox);
    if (user.endpoints.size >= this.limits.maxEndpointsPerUser) {
      throw new PresenceCoreException(PresenceCoreErrorCode.TooManyEndpoints, `at most ${this.limits.maxEndpointsPerUser} clients`);
    }
    const endpointId = randomUUID();
    user.endpoints.set(endpointId, { endpointId, label: client.label, lastActivityAt: Date.now() });
    this.republish(mailbox);
    return {
      endpointId,
      reportActivity: (at: Date) => {
        const endpoint = user.endpoints.get(endpointId);
        if (endpoint === undefined) return;
        user.endpoints.set(endpointId, { ...endpoint, lastActivityAt: at.getTime() });
        this.republish(mailbox);
      },
      close: async () => {
        if (user.endpoints.delete(endpointId)) this.republish(mailbox);
      },
    };
  }

  private attach(mailbox: string, endpointId: string, receiver: ImReceiver): () => void {
    let map = this.attached.get(mailbox);
    if (map === undefined) this.attached.set(mailbox, (map = new Map()));
    map.set(endpointId, receiver);
    return () => {
      const current = this.attached.get(mailbox);
      if (current?.get(endpointId) !== receiver) return;
      current.delete(endpointId);
      if (current.size === 0) this.attached.delete(mailbox);
    };
  }

  private async send(from: string, to: string, text: string): Promise<ImOutcome> {
    await Promise.resolve();
    const length = [...text].length;
    if (length === 0 || length > this.limits.imMaxChars) {
      throw new PresenceCoreException(PresenceCoreErrorCode.InvalidMessage, `an IM has 1 to ${this.limits.imMaxChars} characters`);
    }
    if (this.busyNextSend) {
      this.busyNextSend = false;
      throw new PresenceCoreException(PresenceCoreErrorCode.Busy, 'too many IMs waiting for receipts');
    }
    const receivers = this.attached.get(to);
    // A block is not detectable: it answers as if the recipient were offline.
    if (receivers === undefined || receivers.size === 0 || this.users.get(to)?.blocked.has(from)) {
      return { status: 'failed', reason: 'recipient-offline' };
    }
    const im = { messageId: randomUUID(), from, to, text, sentAt: new Date().toISOString() };
    for (const receiver of receivers.values()) receiver.message(im);
    return { status: 'delivered' };
  }

  private typing(from: string, to: string, typing: boolean): void {
    if (this.users.get(to)?.blocked.has(from)) return;
    for (const receiver of this.attached.get(to)?.values() ?? []) receiver.typing(from, typing);
  }
}

/** PresenceSettingsService's behaviour (codes, limits, normalization) over the in-memory core. */
export class InMemoryPresenceSettings {
  constructor(private readonly core: InMemoryPresenceCore) {}

  async contactList(owner: string): Promise<ContactList> {
    const user = this.core.record(address(owner));
    const contacts = [...user.contacts.entries()];
    return {
      groups: [...user.groups.entries()].map(([id, name]) => ({
        id,
        name,
        contacts: contacts.filter(([, g]) => g === id).map(([c]) => c),
      })),
      ungrouped: contacts.filter(([, g]) => g === null).map(([c]) => c),
    };
  }

  async addGroup(owner: string, name: string): Promise<{ id: string; name: string }> {
    const user = this.core.record(address(owner));
    const trimmed = groupName(name);
    if (user.groups.size >= PresenceSettingsLimits.groups) throw new PresenceSettingsException(Code.LimitExceeded, 'too many groups');
    this.requireFreeName(user.groups, trimmed, null);
    const id = randomUUID();
    user.groups.set(id, trimmed);
    return { id, name: trimmed };
  }

  async renameGroup(owner: string, groupId: string, name: string): Promise<{ id: string; name: string }> {
    const user = this.core.record(address(owner));
    const trimmed = groupName(name);
    if (!user.groups.has(groupId)) throw new PresenceSettingsException(Code.GroupNotFound, `no group ${groupId}`);
    this.requireFreeName(user.groups, trimmed, groupId);
    user.groups.set(groupId, trimmed);
    return { id: groupId, name: trimmed };
  }

  async removeGroup(owner: string, groupId: string): Promise<void> {
    const user = this.core.record(address(owner));
    if (!user.groups.has(groupId)) throw new PresenceSettingsException(Code.GroupNotFound, `no group ${groupId}`);
    if ([...user.contacts.values()].includes(groupId))
      throw new PresenceSettingsException(Code.GroupNotEmpty, 'the group still has contacts');
    user.groups.delete(groupId);
  }

  async addContact(owner: string, contact: string, groupId: string | null): Promise<void> {
    const key = address(owner);
    const other = address(contact);
    if (other === key) throw new PresenceSettingsException(Code.SelfReference, 'a user cannot add themself as a contact');
    const user = this.core.record(key);
    if (groupId !== null && !user.groups.has(groupId)) throw new PresenceSettingsException(Code.GroupNotFound, `no group ${groupId}`);
    if (!user.contacts.has(other) && user.contacts.size >= PresenceSettingsLimits.contacts) {
      throw new PresenceSettingsException(Code.LimitExceeded, 'too many contacts');
    }
    user.contacts.set(other, groupId);
  }

  async moveContact(owner: string, contact: string, groupId: string | null): Promise<void> {
    const user = this.core.record(address(owner));
    const other = address(contact);
    if (!user.contacts.has(other)) throw new PresenceSettingsException(Code.ContactNotFound, `${other} is not on the contact list`);
    if (groupId !== null && !user.groups.has(groupId)) throw new PresenceSettingsException(Code.GroupNotFound, `no group ${groupId}`);
    user.contacts.set(other, groupId);
  }

  async removeContact(owner: string, contact: string): Promise<void> {
    const user = this.core.record(address(owner));
    const other = address(contact);
    if (!user.contacts.delete(other)) throw new PresenceSettingsException(Code.ContactNotFound, `${other} is not on the contact list`);
  }

  async blocked(owner: string): Promise<string[]> {
    return [...this.core.record(address(owner)).blocked.keys()];
  }

  async isBlocked(owner: string, watcher: string): Promise<boolean> {
    return this.core.record(address(owner)).blocked.has(address(watcher));
  }

  async block(owner: string, watcher: string): Promise<void> {
    const key = address(owner);
    const other = address(watcher);
    if (other === key) throw new PresenceSettingsException(Code.SelfReference, 'a user cannot block themself');
    const user = this.core.record(key);
    if (user.blocked.has(other)) return;
    if (user.blocked.size >= PresenceSettingsLimits.blocks) throw new PresenceSettingsException(Code.LimitExceeded, 'too many blocks');
    // The forced republication below carries the block under the next sequence.
    user.blocked.set(other, (user.published?.sequence ?? 0) + 1);
    this.core.republish(key, true);
  }

  async unblock(owner: string, watcher: string): Promise<void> {
    const key = address(owner);
    if (this.core.record(key).blocked.delete(address(watcher))) this.core.republish(key, true);
  }

  async settings(owner: string, now = new Date()): Promise<PresenceSettings> {
    return toSettings(this.core.record(address(owner)), now.getTime());
  }

  async setUserState(owner: string, state: string, expiresAt: Date | null, now = new Date()): Promise<PresenceSettings> {
    if (!(userStates as readonly string[]).includes(state))
      throw new PresenceSettingsException(Code.InvalidState, `unknown state "${state}"`);
    if (expiresAt !== null && !(expiresAt.getTime() > now.getTime())) {
      throw new PresenceSettingsException(Code.InvalidExpiry, 'the expiry must lie in the future');
    }
    return this.update(owner, now, (user) => {
      user.userState = { state: state as UserStateName, expiresAt: expiresAt?.getTime() ?? null };
    });
  }

  resetUserState(owner: string, now = new Date()): Promise<PresenceSettings> {
    return this.update(owner, now, (user) => {
      user.userState = null;
    });
  }

  async setPersonalNote(owner: string, note: string | null, now = new Date()): Promise<PresenceSettings> {
    const text = note?.trim() ? note.trim() : null;
    if (text !== null && [...text].length > PresenceSettingsLimits.noteLength) {
      throw new PresenceSettingsException(Code.NoteTooLong, `a note has at most ${PresenceSettingsLimits.noteLength} characters`);
    }
    return this.update(owner, now, (user) => {
      user.note = text;
    });
  }

  private async update(owner: string, now: Date, change: (user: UserRecord) => void): Promise<PresenceSettings> {
    const key = address(owner);
    const user = this.core.record(key);
    change(user);
    this.core.republish(key);
    return toSettings(user, now.getTime());
  }

  private requireFreeName(groups: Map<string, string>, name: string, renaming: string | null): void {
    for (const [id, existing] of groups) {
      if (id !== renaming && existing.toLowerCase() === name.toLowerCase()) {
        throw new PresenceSettingsException(Code.GroupExists, `a group named "${name}" exists`);
      }
    }
  }
}

function emptyRecord(): UserRecord {
  return {
    endpoints: new Map(),
    userState: null,
    note: null,
    messageWaiting: null,
    published: null,
    blocked: new Map(),
    groups: new Map(),
    contacts: new Map(),
  };
}

function address(value: string): string {
  const parsed = mailboxKey.safeParse(value);
  if (!parsed.success) throw new PresenceSettingsException(Code.InvalidAddress, `"${value}" is not an SMTP address`);
  return parsed.data;
}

function groupName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || [...trimmed].length > PresenceSettingsLimits.groupNameLength) {
    throw new PresenceSettingsException(Code.InvalidGroupName, 'a group name has 1 to 256 characters');
  }
  return trimmed;
}

function toSettings(user: UserRecord, now: number): PresenceSettings {
  const state = user.userState;
  const live = state !== null && (state.expiresAt === null || state.expiresAt > now);
  return { userState: live ? state : null, personalNote: user.note };
}
