import { CalendarPresenceStateChanged, OofEffectiveChanged } from '@parley/contracts';
import { waitFor } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { PresenceReplica, presenceTestDatabase, testCoreOptions } from '../../test/presence-test-bed';

const ANNA = 'anna@example.com';

const oof = (sequence: number, active: boolean, internalReply = ''): OofEffectiveChanged => ({
  mailbox: ANNA,
  active,
  internalReply,
  externalReply: '',
  externalAudience: 'All',
  until: null,
  revision: 1,
  sequence,
  effectiveAt: new Date().toISOString(),
});

const calendar = (sequence: number, state: CalendarPresenceStateChanged['state'], until: Date | null): CalendarPresenceStateChanged => ({
  mailbox: ANNA,
  state,
  until: until?.toISOString() ?? null,
  sequence,
  effectiveAt: new Date().toISOString(),
});

describe('presence sources through the engine on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof presenceTestDatabase>>;
  let bed: PresenceReplica;

  beforeAll(async () => {
    database = await presenceTestDatabase('presence_sources_it');
    bed = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'inprocess',
      run: database.run,
      migrate: true,
      core: testCoreOptions('sources-it'),
    });
  });

  afterAll(async () => {
    await bed?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    await bed.reset();
  });

  const events = () => bed.presenceEvents(ANNA);

  it('OOF on with nobody connected: Offline with the marker and the OOF note, published once with the whole view', async () => {
    expect(await bed.sources.applyOof(randomUUID(), oof(1, true, 'Back Monday'))).toBe('applied');
    const [event, ...rest] = await events();
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      mailbox: ANNA,
      sequence: 1,
      availability: 18500,
      activity: 'out-of-office',
      note: 'Back Monday',
      oof: true,
    });
    expect(event.view).toMatchObject({ token: 'offline', note: { kind: 'oof', text: 'Back Monday' }, driver: 'none', endpoints: [] });
    expect(event.view.messageWaiting).toEqual({ newMessages: 0, oldMessages: 0 });
    expect(event.blockedWatchers).toEqual([]);
  });

  it('applies each event once and in order; a stale sequence of either kind changes nothing', async () => {
    const id = randomUUID();
    expect(await bed.sources.applyOof(id, oof(2, true, 'Back Monday'))).toBe('applied');
    expect(await bed.sources.applyOof(id, oof(2, true, 'Back Monday'))).toBe('duplicate');
    expect(await bed.sources.applyOof(randomUUID(), oof(1, false))).toBe('stale');
    const later = new Date(Date.now() + 3_600_000);
    expect(await bed.sources.applyCalendar(randomUUID(), calendar(4, 'busy', later))).toBe('applied');
    // Calendar and OOF share calendar-sync's sequence but are guarded each on its own: OOF 3 is newer than OOF 2.
    expect(await bed.sources.applyOof(randomUUID(), oof(3, false))).toBe('applied');
    expect(await bed.sources.applyCalendar(randomUUID(), calendar(3, 'free', null))).toBe('stale');
    expect((await events()).map((e) => [e.sequence, e.availability, e.activity, e.oof, e.view.calendar?.state ?? null])).toEqual([
      [1, 18500, 'out-of-office', true, null],
      [2, 6500, 'in-a-meeting', true, 'in-a-meeting'],
      [3, 6500, 'in-a-meeting', false, 'in-a-meeting'],
    ]);
    expect((await events())[2].view.calendar?.until).toBe(later.toISOString());
  });

  it('a new state of a source that changes nothing visible is stored but not published', async () => {
    await bed.sources.applyCalendar(randomUUID(), calendar(1, 'tentative', new Date(Date.now() + 60_000)));
    expect(await bed.sources.applyCalendar(randomUUID(), calendar(2, 'free', null))).toBe('unchanged');
    expect((await events()).map((e) => e.sequence)).toEqual([1]);
  });

  it("a change of the user's state or note republishes in its own transaction; unchanged ones publish nothing", async () => {
    await bed.settings.setUserState(ANNA, 'do-not-disturb', null);
    await bed.settings.setPersonalNote(ANNA, 'In Oslo');
    await bed.settings.setPersonalNote(ANNA, ' In Oslo ');
    await bed.sources.applyOof(randomUUID(), oof(1, true, 'Back Monday'));
    await bed.settings.resetUserState(ANNA);
    expect((await events()).map((e) => [e.sequence, e.availability, e.note, e.view.driver])).toEqual([
      [1, 9500, null, 'user-state'],
      [2, 9500, 'In Oslo', 'user-state'],
      [3, 9500, 'Back Monday', 'user-state'],
      [4, 18500, 'Back Monday', 'none'],
    ]);
  });

  it('a block or unblock republishes under a new sequence with the blocked watchers, each since the publication of its block', async () => {
    const EVE = 'eve@example.com';
    const CARL = 'carl@example.com';
    await bed.settings.setUserState(ANNA, 'busy', null);
    await bed.settings.block(ANNA, EVE);
    await bed.settings.block(ANNA, EVE);
    await bed.settings.block(ANNA, 'Carl@Example.com');
    await bed.settings.unblock(ANNA, EVE);
    await bed.settings.unblock(ANNA, EVE);
    await bed.settings.setPersonalNote(ANNA, 'hello');
    await bed.settings.block(ANNA, EVE);
    expect((await events()).map((e) => [e.sequence, e.blockedWatchers, e.availability])).toEqual([
      [1, [], 6500],
      [2, [{ watcher: EVE, since: 2 }], 6500],
      [
        3,
        [
          { watcher: CARL, since: 3 },
          { watcher: EVE, since: 2 },
        ],
        6500,
      ],
      [4, [{ watcher: CARL, since: 3 }], 6500],
      [5, [{ watcher: CARL, since: 3 }], 6500],
      [
        6,
        [
          { watcher: CARL, since: 3 },
          { watcher: EVE, since: 6 },
        ],
        6500,
      ],
    ]);
    expect(
      await bed.db.dataSource.query(`SELECT watcher, since::int FROM presence_bridge.blocked_watcher WHERE owner = $1 ORDER BY watcher`, [
        ANNA,
      ]),
    ).toEqual([
      { watcher: CARL, since: 3 },
      { watcher: EVE, since: 6 },
    ]);
  });

  it("a block by a user never published before carries the user's first sequence", async () => {
    await bed.settings.block(ANNA, 'eve@example.com');
    expect((await events()).map((e) => [e.sequence, e.blockedWatchers, e.view.token])).toEqual([
      [1, [{ watcher: 'eve@example.com', since: 1 }], 'offline'],
    ]);
  });

  it('a meeting whose end passes is re-evaluated at its end without any event', async () => {
    const until = new Date(Date.now() + 800);
    await bed.sources.applyCalendar(randomUUID(), calendar(1, 'busy', until));
    await waitFor(async () => (await events()).length === 2, { timeoutMs: 5_000 });
    const [meeting, after] = await events();
    expect([meeting.activity, after.activity, after.availability]).toEqual(['in-a-meeting', null, 18500]);
    expect(Date.now()).toBeGreaterThanOrEqual(until.getTime());
  });

  it('states set with an expiry are re-evaluated once each at their expiry, by two pollers sharing the database', async () => {
    // Two more replicas with small batches, so that their pollers take turns; this file's own poller sits out.
    const pollers = await Promise.all(
      ['sources-it-2', 'sources-it-3'].map((id) =>
        PresenceReplica.start({
          databaseUrl: database.url,
          bus: 'inprocess',
          run: database.run,
          migrate: false,
          core: testCoreOptions(id, { timerBatchSize: 3 }),
        }),
      ),
    );
    await bed.poller.stop();
    const reevaluations = pollers.map((p) => jest.spyOn(p.publisher, 'republish'));
    try {
      const users = Array.from({ length: 30 }, (_, i) => `user${i}@example.com`);
      // Far enough ahead that 30 writes on a busy machine land before it.
      const expiry = new Date(Date.now() + 5_000);
      for (const user of users) await bed.settings.setUserState(user, 'be-right-back', expiry);
      const due = (await bed.db.dataSource.query(`SELECT DISTINCT reevaluate_at FROM presence_bridge.user_presence`)) as {
        reevaluate_at: Date;
      }[];
      expect(due.map((r) => r.reevaluate_at.getTime())).toEqual([expiry.getTime()]);
      await waitFor(async () => (await bed.presenceEvents()).length === 2 * users.length, { timeoutMs: 15_000 });
      // Both pollers keep polling meanwhile; neither publishes an expiry again.
      await new Promise((r) => setTimeout(r, 1_000));
      const published = await bed.presenceEvents();
      for (const user of users) {
        expect(published.filter((e) => e.mailbox === user).map((e) => [e.sequence, e.availability, e.view.driver])).toEqual([
          [1, 12500, 'user-state'],
          [2, 18500, 'none'],
        ]);
      }
      const left = await bed.db.dataSource.query(
        `SELECT count(*)::int AS n FROM presence_bridge.user_presence WHERE reevaluate_at IS NOT NULL`,
      );
      expect(left).toEqual([{ n: 0 }]);
      // Each due user was re-evaluated once in all (not once per poller).
      const evaluated = reevaluations.flatMap((spy) => spy.mock.calls.map((call) => call[1]));
      expect(evaluated.sort()).toEqual([...users].sort());
    } finally {
      bed.poller.start();
      await Promise.all(pollers.map((p) => p.close()));
    }
  });
});
