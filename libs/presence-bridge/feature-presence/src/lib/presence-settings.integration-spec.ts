import { revertServiceSchema, migrateServiceSchema } from '@parley/persistence';
import { createPresenceBridgeDataSource } from '@parley/presence-bridge/data-access';
import { PresenceSettingsErrorCode as Code, PresenceSettingsException } from './presence-settings.exception';
import { PresenceSettingsLimits, PresenceSettingsService } from './presence-settings.service';
import { PresenceReplica, presenceTestDatabase, testCoreOptions } from '../../test/presence-test-bed';

const ANNA = 'anna@example.com';
const BOB = 'bob@example.com';
const CARL = 'carl@example.com';

describe('presence settings on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof presenceTestDatabase>>;
  let bed: PresenceReplica;
  let settings: PresenceSettingsService;
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (e: unknown) => (e instanceof PresenceSettingsException ? e.code : String(e)),
    );

  beforeAll(async () => {
    database = await presenceTestDatabase('presence_settings_it');
    bed = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'inprocess',
      run: database.run,
      migrate: true,
      core: testCoreOptions('settings-it'),
    });
    settings = bed.settings;
  });

  afterAll(async () => {
    await bed?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    await bed.reset();
  });

  describe('contact list', () => {
    it('adds groups and contacts, moves a contact, renames and removes a group', async () => {
      const colleagues = await settings.addGroup(ANNA, ' Colleagues ');
      const friends = await settings.addGroup(ANNA, 'Friends');
      expect(colleagues.name).toBe('Colleagues');
      await settings.addContact(ANNA, 'Bob@Example.com', colleagues.id);
      await settings.addContact(ANNA, CARL, null);
      expect(await settings.contactList(ANNA)).toEqual({
        groups: [
          { id: colleagues.id, name: 'Colleagues', contacts: [BOB] },
          { id: friends.id, name: 'Friends', contacts: [] },
        ],
        ungrouped: [CARL],
      });

      await settings.moveContact(ANNA, BOB, friends.id);
      await settings.renameGroup(ANNA, friends.id, 'Close friends');
      await settings.removeGroup(ANNA, colleagues.id);
      expect(await settings.contactList(ANNA)).toEqual({
        groups: [{ id: friends.id, name: 'Close friends', contacts: [BOB] }],
        ungrouped: [CARL],
      });

      await settings.removeContact(ANNA, BOB);
      expect((await settings.contactList(ANNA)).groups[0].contacts).toEqual([]);
      // Another user's list is their own.
      expect(await settings.contactList(BOB)).toEqual({ groups: [], ungrouped: [] });
    });

    it('adding a listed contact again moves it rather than duplicating it', async () => {
      const g = await settings.addGroup(ANNA, 'Team');
      await settings.addContact(ANNA, BOB, null);
      await settings.addContact(ANNA, BOB, g.id);
      expect(await settings.contactList(ANNA)).toEqual({ groups: [{ id: g.id, name: 'Team', contacts: [BOB] }], ungrouped: [] });
    });

    it('refuses what cannot be done, with a code, and changes nothing', async () => {
      const team = await settings.addGroup(ANNA, 'Team');
      const other = await settings.addGroup(BOB, 'Bobs');
      await settings.addContact(ANNA, BOB, team.id);
      expect(await codeOf(settings.addGroup(ANNA, 'TEAM'))).toBe(Code.GroupExists);
      expect(await codeOf(settings.addGroup(ANNA, '   '))).toBe(Code.InvalidGroupName);
      expect(await codeOf(settings.addGroup(ANNA, 'x'.repeat(PresenceSettingsLimits.groupNameLength + 1)))).toBe(Code.InvalidGroupName);
      const second = await settings.addGroup(ANNA, 'Second');
      expect(await codeOf(settings.renameGroup(ANNA, second.id, 'team'))).toBe(Code.GroupExists);
      expect(await codeOf(settings.renameGroup(ANNA, other.id, 'Mine now'))).toBe(Code.GroupNotFound);
      expect(await codeOf(settings.renameGroup(ANNA, 'not-a-uuid', 'x'))).toBe(Code.GroupNotFound);
      expect(await codeOf(settings.removeGroup(ANNA, team.id))).toBe(Code.GroupNotEmpty);
      expect(await codeOf(settings.addContact(ANNA, CARL, other.id))).toBe(Code.GroupNotFound);
      expect(await codeOf(settings.addContact(ANNA, 'ANNA@example.com', null))).toBe(Code.SelfReference);
      expect(await codeOf(settings.addContact(ANNA, 'not an address', null))).toBe(Code.InvalidAddress);
      expect(await codeOf(settings.addContact('', BOB, null))).toBe(Code.InvalidAddress);
      expect(await codeOf(settings.moveContact(ANNA, CARL, null))).toBe(Code.ContactNotFound);
      expect(await codeOf(settings.removeContact(ANNA, CARL))).toBe(Code.ContactNotFound);
      expect(await settings.contactList(ANNA)).toEqual({
        groups: [
          { id: team.id, name: 'Team', contacts: [BOB] },
          { id: second.id, name: 'Second', contacts: [] },
        ],
        ungrouped: [],
      });
    });

    it('stops at the group limit', async () => {
      for (let i = 0; i < PresenceSettingsLimits.groups; i++) await settings.addGroup(ANNA, `g${i}`);
      expect(await codeOf(settings.addGroup(ANNA, 'one more'))).toBe(Code.LimitExceeded);
    });

    it('two concurrent adds of the same group name: one wins, the other is told the name exists', async () => {
      const outcomes = await Promise.all([codeOf(settings.addGroup(ANNA, 'Same')), codeOf(settings.addGroup(ANNA, 'same'))]);
      expect(outcomes.sort()).toEqual([Code.GroupExists, 'resolved']);
      expect((await settings.contactList(ANNA)).groups).toHaveLength(1);
    });
  });

  describe('block list', () => {
    it('blocks and unblocks watchers, each idempotently, per owner', async () => {
      await settings.block(ANNA, 'Eve@example.com');
      await settings.block(ANNA, 'eve@example.com');
      await settings.block(ANNA, CARL);
      expect(await settings.blocked(ANNA)).toEqual([CARL, 'eve@example.com']);
      expect(await settings.isBlocked(ANNA, 'EVE@example.com')).toBe(true);
      expect(await settings.isBlocked(BOB, 'eve@example.com')).toBe(false);
      await settings.unblock(ANNA, 'eve@example.com');
      await settings.unblock(ANNA, 'eve@example.com');
      expect(await settings.blocked(ANNA)).toEqual([CARL]);
    });

    it('refuses blocking oneself or a non-address', async () => {
      expect(await codeOf(settings.block(ANNA, ANNA))).toBe(Code.SelfReference);
      expect(await codeOf(settings.block(ANNA, '@'))).toBe(Code.InvalidAddress);
      expect(await settings.blocked(ANNA)).toEqual([]);
    });
  });

  describe('user state and personal note', () => {
    const now = new Date('2026-03-02T09:00:00Z');

    it('nothing set reads as no state and no note', async () => {
      expect(await settings.settings(ANNA, now)).toEqual({ userState: null, personalNote: null });
    });

    it('a state without expiry holds until reset; the note is independent of it', async () => {
      await settings.setPersonalNote(ANNA, '  In Oslo this week ', now);
      expect(await settings.setUserState(ANNA, 'do-not-disturb', null, now)).toEqual({
        userState: { state: 'do-not-disturb', expiresAt: null },
        personalNote: 'In Oslo this week',
      });
      expect(await settings.resetUserState(ANNA, now)).toEqual({ userState: null, personalNote: 'In Oslo this week' });
      expect(await settings.setPersonalNote(ANNA, '  ', now)).toEqual({ userState: null, personalNote: null });
    });

    it('a state with an expiry applies before it and reads as none from the expiry on', async () => {
      const until = new Date(now.getTime() + 3_600_000);
      await settings.setUserState(ANNA, 'be-right-back', until, now);
      expect((await settings.settings(ANNA, new Date(until.getTime() - 1))).userState).toEqual({
        state: 'be-right-back',
        expiresAt: until.getTime(),
      });
      expect((await settings.settings(ANNA, until)).userState).toBeNull();
    });

    it('refuses an unknown state, an expiry not in the future and an over-long note, keeping what was set', async () => {
      await settings.setUserState(ANNA, 'busy', null, now);
      expect(await codeOf(settings.setUserState(ANNA, 'sleeping', null, now))).toBe(Code.InvalidState);
      expect(await codeOf(settings.setUserState(ANNA, 'away', now, now))).toBe(Code.InvalidExpiry);
      expect(await codeOf(settings.setPersonalNote(ANNA, 'x'.repeat(PresenceSettingsLimits.noteLength + 1), now))).toBe(Code.NoteTooLong);
      // The limit counts characters, not UTF-16 units.
      await settings.setPersonalNote(ANNA, '😀'.repeat(PresenceSettingsLimits.noteLength), now);
      expect(await settings.settings(ANNA, now)).toMatchObject({ userState: { state: 'busy', expiresAt: null } });
    });

    it('sets state and note together as one published change, by the same rules as each alone', async () => {
      await settings.setPersonalNote(ANNA, 'before', now);
      const sequence = async () =>
        (
          (await bed.db.dataSource.query(`SELECT sequence::int AS n FROM presence_bridge.user_presence WHERE mailbox = $1`, [ANNA])) as {
            n: number;
          }[]
        )[0].n;
      const before = await sequence();
      const until = new Date(now.getTime() + 60_000);
      expect(
        await settings.setStateAndNote(ANNA, { userState: { state: 'busy', expiresAt: until }, personalNote: ' Workshop ' }, now),
      ).toEqual({
        userState: { state: 'busy', expiresAt: until.getTime() },
        personalNote: 'Workshop',
      });
      // One republication, so watchers get one change.
      expect(await sequence()).toBe(before + 1);
      // A field left out stays; null resets the state.
      expect(await settings.setStateAndNote(ANNA, { userState: null }, now)).toEqual({ userState: null, personalNote: 'Workshop' });
      expect(
        await codeOf(settings.setStateAndNote(ANNA, { userState: { state: 'sleeping', expiresAt: null }, personalNote: 'x' }, now)),
      ).toBe(Code.InvalidState);
      expect(await codeOf(settings.setStateAndNote(ANNA, { userState: { state: 'away', expiresAt: now } }, now))).toBe(Code.InvalidExpiry);
      expect(await codeOf(settings.setStateAndNote(ANNA, { personalNote: 'x'.repeat(PresenceSettingsLimits.noteLength + 1) }, now))).toBe(
        Code.NoteTooLong,
      );
      expect(await settings.settings(ANNA, now)).toEqual({ userState: null, personalNote: 'Workshop' });
    });

    it('concurrent first writes of one user both land (state and note)', async () => {
      await Promise.all([settings.setUserState(ANNA, 'busy', null, now), settings.setPersonalNote(ANNA, 'hello', now)]);
      expect(await settings.settings(ANNA, now)).toEqual({ userState: { state: 'busy', expiresAt: null }, personalNote: 'hello' });
    });
  });

  it("the block sequence migration counts each existing block from its owner's current sequence, and reverts", async () => {
    await settings.setUserState(ANNA, 'busy', null);
    await settings.setPersonalNote(ANNA, 'In Oslo');
    const migrations = createPresenceBridgeDataSource(database.url);
    await migrations.initialize();
    try {
      const hasSince = async () =>
        (
          (await bed.db.dataSource.query(
            `SELECT count(*)::int AS n FROM information_schema.columns
             WHERE table_schema = 'presence_bridge' AND table_name = 'blocked_watcher' AND column_name = 'since'`,
          )) as { n: number }[]
        )[0].n === 1;
      // The block sequence migration and the ones after it (message waiting, IM conversations), whose down() runs too;
      // the conversation poller pauses while its table is gone.
      await bed.conversations.stop();
      await revertServiceSchema(migrations, 3);
      expect(await hasSince()).toBe(false);
      // Blocks made before the migration: by a user published twice, and by one never published.
      await bed.db.dataSource.query(
        `INSERT INTO presence_bridge.blocked_watcher (owner, watcher, blocked_at) VALUES ($1, $3, now()), ($2, $3, now())`,
        [ANNA, BOB, CARL],
      );
      await migrateServiceSchema(migrations);
      expect(await hasSince()).toBe(true);
      expect(
        await bed.db.dataSource.query(`SELECT owner, since::int FROM presence_bridge.blocked_watcher WHERE watcher = $1 ORDER BY owner`, [
          CARL,
        ]),
      ).toEqual([
        { owner: ANNA, since: 2 },
        { owner: BOB, since: 1 },
      ]);
    } finally {
      bed.conversations.start();
      await migrations.destroy();
    }
  });

  it('the migrations revert cleanly and re-apply', async () => {
    await settings.addGroup(ANNA, 'Team');
    const migrations = createPresenceBridgeDataSource(database.url);
    await migrations.initialize();
    await bed.registry.stop();
    await bed.poller.stop();
    await bed.conversations.stop();
    // The last five: IM conversations, message waiting, the block sequence, presence across replicas, then the personal data.
    await revertServiceSchema(migrations, 5);
    const tables = async () =>
      (
        (await bed.db.dataSource.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'presence_bridge' ORDER BY 1`,
        )) as {
          table_name: string;
        }[]
      ).map((r) => r.table_name);
    expect(await tables()).toEqual(['migrations', 'outbox_message', 'processed_message', 'user_presence']);
    await migrateServiceSchema(migrations);
    await migrations.destroy();
    expect(await tables()).toEqual([
      'blocked_watcher',
      'contact',
      'contact_group',
      'endpoint',
      'im_conversation',
      'im_conversation_message',
      'migrations',
      'outbox_message',
      'presence_setting',
      'presence_source',
      'processed_message',
      'replica_lease',
      'user_presence',
    ]);
    expect(await settings.contactList(ANNA)).toEqual({ groups: [], ungrouped: [] });
    await bed.registry.start();
    bed.poller.start();
    bed.conversations.start();
  });
});
