import {
  CalendarSyncDatabase,
  OofSettingsRepository,
  PresenceTimerRepository,
  schedulePresenceCheck,
  calendarSyncSchema,
  CalendarItemRepository,
} from '@parley/calendar-sync/data-access';
import {
  calendarItemFieldsSchema,
  CalendarItemInput,
  CalendarPresenceStateChanged,
  Envelope,
  oofActiveAt,
  OofEffectiveChanged,
  OofSettings,
  Topics,
  updateCalendarItemRequestSchema,
} from '@parley/contracts';
import { Metrics } from '@parley/observability';
import { randomUUID } from 'node:crypto';
import { CalendarTestBed, startCalendarTestBed } from '../../test/calendar-test-bed';
import { PresenceTimerPoller } from './presence-timer.poller';
import { FAILED_EVALUATION_RETRY_MS, PresenceTimerService } from './presence-timer.service';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const H = 3_600_000;
/** How late a real-time transition may be published in these specs (the poller wakes at the due time). */
const LATENESS_MS = 700;

type PresenceEvent =
  | { topic: typeof Topics.oofEffectiveChanged; payload: OofEffectiveChanged }
  | { topic: typeof Topics.calendarPresenceStateChanged; payload: CalendarPresenceStateChanged };

describe('calendar-sync presence due-queue on PostgreSQL', () => {
  let bed: CalendarTestBed;
  let oofs: OofSettingsRepository;
  let timers: PresenceTimerRepository;
  let service: PresenceTimerService;
  const running: PresenceTimerPoller[] = [];
  const metrics = new Metrics({ service: 'calendar-sync', version: '0' });
  const extraDatabases: CalendarSyncDatabase[] = [];

  const poller = (svc = service, repo = timers, db = bed.db): PresenceTimerPoller => {
    const p = new PresenceTimerPoller(svc, repo, { pollMaxMs: 100, batchSize: 25 }, metrics, db);
    running.push(p);
    return p;
  };

  const create = (mailbox: string, input: Partial<CalendarItemInput> & Pick<CalendarItemInput, 'start' | 'end'>) =>
    bed.calendar.create(
      randomUUID(),
      mailbox,
      calendarItemFieldsSchema.parse({ subject: 'Secret plans', startTimeZone: 'UTC', legacyFreeBusyStatus: 'Busy', ...input }),
    );

  /** Stores OOF settings as OofService does (settings row, then the mailbox's due row, in one transaction). */
  const setOof = (mailbox: string, settings: Partial<OofSettings> & Pick<OofSettings, 'state'>) =>
    bed.db.unitOfWork.run(async (tx) => {
      const full: OofSettings = {
        externalAudience: 'All',
        startTime: null,
        endTime: null,
        internalReply: 'Back soon',
        externalReply: 'Out of office',
        ...settings,
      };
      const current = await oofs.findForUpdate(tx, mailbox);
      const now = new Date();
      await oofs.save(tx, { mailbox, settings: full, active: oofActiveAt(full, now.getTime()), revision: (current?.revision ?? 0) + 1 });
      await schedulePresenceCheck(tx, mailbox, now);
    });

  const events = async (mailbox?: string): Promise<PresenceEvent[]> => {
    const rows = (await bed.db.dataSource.query(
      `SELECT topic, envelope FROM calendar_sync.outbox_message WHERE topic = ANY($1) ORDER BY seq`,
      [[Topics.oofEffectiveChanged, Topics.calendarPresenceStateChanged]],
    )) as { topic: PresenceEvent['topic']; envelope: Envelope<never> }[];
    return rows
      .map((r) => ({ topic: r.topic, payload: r.envelope.payload }) as PresenceEvent)
      .filter((e) => mailbox === undefined || e.payload.mailbox === mailbox);
  };
  const calendarEvents = async (mailbox: string) =>
    (await events(mailbox)).flatMap((e) => (e.topic === Topics.calendarPresenceStateChanged ? [e.payload] : []));
  const oofEvents = async (mailbox: string) =>
    (await events(mailbox)).flatMap((e) => (e.topic === Topics.oofEffectiveChanged ? [e.payload] : []));

  const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 8_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const iso = (ms: number) => new Date(ms).toISOString();
  const late = (effectiveAt: string, due: number) => Date.parse(effectiveAt) - due;

  /** Fires the mailbox's row at its due time, again and again, up to `until` (an injected clock: no waiting). */
  const driveTo = async (mailbox: string, until: number): Promise<void> => {
    for (;;) {
      const [row] = await timers.timersOf([mailbox]);
      if (!row || row.dueAt.getTime() > until) return;
      await service.fireDue(10, () => row.dueAt.getTime());
    }
  };

  /** Another connection pool on the same database, as a second replica has. */
  const secondDatabase = async (): Promise<CalendarSyncDatabase> => {
    if (extraDatabases[0]) return extraDatabases[0];
    const database = new CalendarSyncDatabase(
      {
        service: 'calendar-sync',
        url: bed.databaseUrl,
        poolSize: 4,
        migrate: false,
        outboxPollMs: 60_000,
        outboxBatchSize: 100,
        ...calendarSyncSchema,
      },
      { publish: async () => undefined },
    );
    await database.dataSource.initialize();
    extraDatabases.push(database);
    return database;
  };

  beforeAll(async () => {
    bed = await startCalendarTestBed('presence_timers_it', [ALICE, BOB]);
    oofs = new OofSettingsRepository(bed.db.dataSource);
    timers = new PresenceTimerRepository(bed.db.dataSource);
    service = new PresenceTimerService(bed.db, bed.items, oofs, timers);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    await bed.reset();
  });

  afterAll(async () => {
    for (const db of extraDatabases) await db.dataSource.destroy();
    await bed?.close();
  });

  it('a Scheduled OOF window starting 1.5 s ahead switches on at its start and off at its end, with the replies', async () => {
    poller().start();
    const start = Date.now() + 1_500;
    const end = start + 1_500;
    await setOof(ALICE, { state: 'Scheduled', startTime: iso(start), endTime: iso(end), internalReply: 'At the offsite' });
    await sleep(300);
    expect(await oofEvents(ALICE)).toEqual([]); // nothing before the window

    await waitFor('the window to open and close', async () => (await oofEvents(ALICE)).length >= 2);
    const [on, off] = await oofEvents(ALICE);
    expect(on).toMatchObject({
      active: true,
      internalReply: 'At the offsite',
      externalReply: 'Out of office',
      until: iso(end),
      sequence: 1,
    });
    expect(off).toMatchObject({ active: false, until: null, sequence: 2 });
    expect(late(on.effectiveAt, start)).toBeGreaterThanOrEqual(0);
    expect(late(on.effectiveAt, start)).toBeLessThan(LATENESS_MS);
    expect(late(off.effectiveAt, end)).toBeGreaterThanOrEqual(0);
    expect(late(off.effectiveAt, end)).toBeLessThan(LATENESS_MS);
    expect(await timers.timersOf([ALICE])).toEqual([]); // nothing left to do
  });

  it('a meeting starting ahead makes the mailbox busy at its start and free at its end, never naming the meeting', async () => {
    poller().start();
    const start = Date.now() + 1_000;
    const end = start + 1_000;
    await create(ALICE, { start: iso(start), end: iso(end) });
    await waitFor('the meeting to start and end', async () => (await calendarEvents(ALICE)).length >= 2);
    const [busy, free] = await calendarEvents(ALICE);
    expect(busy).toMatchObject({ state: 'busy', until: iso(end) });
    expect(free).toMatchObject({ state: 'free', until: null });
    expect(late(busy.effectiveAt, start)).toBeGreaterThanOrEqual(0);
    expect(late(busy.effectiveAt, start)).toBeLessThan(LATENESS_MS);
    expect(late(free.effectiveAt, end)).toBeLessThan(LATENESS_MS);
    expect(JSON.stringify(await events())).not.toContain('Secret plans');
    expect(await metrics.registry.getSingleMetricAsString('parley_presence_timer_lateness_seconds')).toMatch(
      /parley_presence_timer_lateness_seconds_bucket\{le="1",service="calendar-sync",version="0"\} [1-9]/,
    );
  });

  it('a recurring series fires each occurrence, planning one row at a time over a rolling horizon', async () => {
    // Every third day at 10:00 UTC for an hour, three times, starting the day after tomorrow.
    const first = new Date(Date.now() + 2 * 24 * H);
    first.setUTCHours(10, 0, 0, 0);
    const day = first.toISOString().slice(0, 10);
    await create(ALICE, {
      start: iso(first.getTime()),
      end: iso(first.getTime() + H),
      legacyFreeBusyStatus: 'Tentative',
      recurrence: { pattern: { type: 'Daily', interval: 3 }, range: { type: 'Numbered', startDate: day, numberOfOccurrences: 3 } },
    });
    const starts = [0, 3, 6].map((d) => first.getTime() + d * 24 * H);
    await driveTo(ALICE, starts[0] + H / 2);
    expect(await timers.timersOf([ALICE])).toEqual([{ mailbox: ALICE, dueAt: new Date(starts[0] + H) }]);
    await driveTo(ALICE, starts[2] + 2 * H);
    expect((await calendarEvents(ALICE)).map((e) => [e.state, e.effectiveAt, e.until])).toEqual(
      starts.flatMap((s) => [
        ['tentative', iso(s), iso(s + H)],
        ['free', iso(s + H), null],
      ]),
    );
    expect(await timers.timersOf([ALICE])).toEqual([]); // the series is over
  });

  it('overlapping and back-to-back meetings make one merged state; a change inside the block is announced once', async () => {
    const t0 = Date.now() + 24 * H;
    await create(ALICE, { start: iso(t0), end: iso(t0 + H) });
    await create(ALICE, { start: iso(t0 + H / 2), end: iso(t0 + 1.5 * H), legacyFreeBusyStatus: 'Tentative' });
    await create(ALICE, { start: iso(t0 + 1.5 * H), end: iso(t0 + 2 * H) }); // back-to-back
    await create(ALICE, { start: iso(t0 + 2 * H), end: iso(t0 + 3 * H), legacyFreeBusyStatus: 'Free' }); // changes nothing
    await driveTo(ALICE, t0 + 4 * H);
    expect((await calendarEvents(ALICE)).map((e) => [e.state, e.effectiveAt, e.until])).toEqual([
      ['busy', iso(t0), iso(t0 + 2 * H)],
      ['tentative', iso(t0 + H), iso(t0 + 2 * H)],
      ['busy', iso(t0 + 1.5 * H), iso(t0 + 2 * H)],
      ['free', iso(t0 + 2 * H), null],
    ]);
    expect((await calendarEvents(ALICE)).map((e) => e.sequence)).toEqual([1, 2, 3, 4]);
  });

  it('shortening or cancelling a meeting in progress takes effect at once', async () => {
    poller().start();
    const now = Date.now();
    const view = await create(ALICE, { start: iso(now - 60_000), end: iso(now + 60_000) });
    await waitFor('busy', async () => (await calendarEvents(ALICE)).length === 1);
    expect((await calendarEvents(ALICE))[0]).toMatchObject({ state: 'busy', until: iso(now + 60_000) });

    const shortenedAt = Date.now();
    const newEnd = shortenedAt + 1_000;
    await bed.calendar.update(
      randomUUID(),
      updateCalendarItemRequestSchema.parse({ mailbox: ALICE, itemId: view.id, set: { end: iso(newEnd) } }),
    );
    await waitFor('the shorter meeting', async () => (await calendarEvents(ALICE)).length === 2);
    const shortened = (await calendarEvents(ALICE))[1];
    expect(shortened).toMatchObject({ state: 'busy', until: iso(newEnd) });
    expect(late(shortened.effectiveAt, shortenedAt)).toBeLessThan(LATENESS_MS);
    await waitFor('its new end', async () => (await calendarEvents(ALICE)).length === 3);
    expect((await calendarEvents(ALICE))[2]).toMatchObject({ state: 'free' });
    expect(late((await calendarEvents(ALICE))[2].effectiveAt, newEnd)).toBeLessThan(LATENESS_MS);

    const other = await create(ALICE, { start: iso(Date.now() - 1_000), end: iso(Date.now() + 60_000) });
    await waitFor('busy again', async () => (await calendarEvents(ALICE)).length === 4);
    const cancelledAt = Date.now();
    await bed.calendar.delete(randomUUID(), { mailbox: ALICE, itemId: other.id });
    await waitFor('free after the cancellation', async () => (await calendarEvents(ALICE)).length === 5);
    const free = (await calendarEvents(ALICE))[4];
    expect(free).toMatchObject({ state: 'free', until: null });
    expect(late(free.effectiveAt, cancelledAt)).toBeLessThan(LATENESS_MS);
  });

  it('after an outage, what fell due meanwhile is applied at once and once; a window that opened and closed meanwhile leaves no trace', async () => {
    const first = poller();
    first.start();
    await sleep(50);
    await first.stop(); // the outage
    const start = Date.now() + 200;
    await setOof(ALICE, { state: 'Scheduled', startTime: iso(start), endTime: iso(start + 60_000) });
    await create(ALICE, { start: iso(start), end: iso(start + 60_000) });
    await setOof(BOB, { state: 'Scheduled', startTime: iso(start), endTime: iso(start + 400) });
    await sleep(1_000);
    expect(await events()).toEqual([]);

    const restartedAt = Date.now();
    poller().start();
    await waitFor('the catch-up', async () => (await events(ALICE)).length === 2);
    const [oof] = await oofEvents(ALICE);
    const [busy] = await calendarEvents(ALICE);
    expect(oof).toMatchObject({ active: true });
    expect(busy).toMatchObject({ state: 'busy', until: iso(start + 60_000) });
    for (const e of [oof, busy]) expect(late(e.effectiveAt, restartedAt)).toBeLessThan(LATENESS_MS);

    await poller().start(); // a second poller, and time to repeat anything
    await sleep(500);
    expect(await events(ALICE)).toHaveLength(2);
    expect(await events(BOB)).toEqual([]); // off before, off now
  });

  it('one mailbox whose evaluation fails is postponed and logged; the others in its batch fire', async () => {
    await setOof(ALICE, { state: 'Enabled' });
    await setOof(BOB, { state: 'Enabled' });
    const findMany = oofs.findMany.bind(oofs);
    const broken = jest.spyOn(oofs, 'findMany').mockImplementation(async (tx, mailboxes) => {
      if (mailboxes.includes(BOB)) throw new Error("BOB's settings cannot be read");
      return findMany(tx, mailboxes);
    });
    const now = Date.now();
    try {
      expect((await service.fireDue(10, () => now)).map((f) => f.mailbox)).toEqual([ALICE]);
    } finally {
      broken.mockRestore();
    }
    expect((await oofEvents(ALICE)).map((e) => e.active)).toEqual([true]);
    expect(await oofEvents(BOB)).toEqual([]);
    expect(await timers.timersOf([BOB])).toEqual([{ mailbox: BOB, dueAt: new Date(now + FAILED_EVALUATION_RETRY_MS) }]);
    expect((await service.fireDue(10, () => now + FAILED_EVALUATION_RETRY_MS)).map((f) => f.mailbox)).toEqual([BOB]);
    expect((await oofEvents(BOB)).map((e) => e.active)).toEqual([true]);
  });

  it('two pollers on one database fire each transition exactly once', async () => {
    const database = await secondDatabase();
    const otherTimers = new PresenceTimerRepository(database.dataSource);
    const other = new PresenceTimerService(
      database,
      new CalendarItemRepository(database.dataSource),
      new OofSettingsRepository(database.dataSource),
      otherTimers,
    );
    poller().start();
    poller(other, otherTimers, database).start();

    const mailboxes = Array.from({ length: 60 }, (_, i) => `m${i}@example.com`);
    // Ahead by enough that the last meeting is created before the first starts, even on a loaded machine (60 writes).
    const start = Date.now() + 5_000;
    for (const mailbox of mailboxes) await create(mailbox, { start: iso(start), end: iso(start + 500) });
    expect(Date.now()).toBeLessThan(start);
    // Exactly once is the point here, not speed: a loaded machine may take a while for 120 transitions.
    await waitFor('every start and end', async () => (await events()).length >= 2 * mailboxes.length, 30_000);
    await sleep(300);
    const all = await events();
    expect(all).toHaveLength(2 * mailboxes.length);
    for (const mailbox of mailboxes) {
      expect((await calendarEvents(mailbox)).map((e) => [e.state, e.sequence])).toEqual([
        ['busy', 1],
        ['free', 2],
      ]);
    }
  });

  it('two services firing the same due rows at the same instant split them, each row once', async () => {
    const database = await secondDatabase();
    const other = new PresenceTimerService(
      database,
      new CalendarItemRepository(database.dataSource),
      new OofSettingsRepository(database.dataSource),
      new PresenceTimerRepository(database.dataSource),
    );
    const mailboxes = Array.from({ length: 40 }, (_, i) => `n${i}@example.com`);
    const start = Date.now() + H;
    for (const mailbox of mailboxes) await create(mailbox, { start: iso(start), end: iso(start + H) });
    const clock = () => start;
    const fired: string[][] = [[], []];
    for (;;) {
      const [a, b] = await Promise.all([service.fireDue(3, clock), other.fireDue(3, clock)]);
      fired[0].push(...a.map((f) => f.mailbox));
      fired[1].push(...b.map((f) => f.mailbox));
      if (a.length + b.length === 0) break;
    }
    // Each row (planned by the write, fired at the meeting's start) is fired by one of them, once.
    expect(fired[0].length).toBeGreaterThan(0);
    expect(fired[1].length).toBeGreaterThan(0);
    expect([...fired[0], ...fired[1]].sort()).toEqual([...mailboxes].sort());
    for (const mailbox of mailboxes) expect((await calendarEvents(mailbox)).map((e) => e.state)).toEqual(['busy']);
  });
});
