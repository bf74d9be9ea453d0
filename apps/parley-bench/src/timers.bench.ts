import {
  calendarSyncSchema,
  CalendarItemRepository,
  CalendarSyncDatabase,
  createCalendarSyncDataSource,
  OofSettingsRepository,
  PresenceTimerRepository,
} from '@parley/calendar-sync/data-access';
import { FiredTimer, PresenceTimerPoller, PresenceTimerService } from '@parley/calendar-sync/feature-calendar';
import { Metrics } from '@parley/observability';
import { migrateServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import { performance } from 'node:perf_hooks';
import { format, formatTable, summarize } from './stats';

/**
 * `bench timers`: calendar-sync's presence due-queue with many mailboxes, each with a meeting and a
 * Scheduled OOF window ahead. The rows are seeded in bulk as the writes would have planned them;
 * firing is the real poller and service on PostgreSQL (events go to the outbox; no relay runs).
 *
 * 1. catch-up: transitions that fell due during a simulated outage (their due times spread over the
 *    last `outageSeconds` at `rate` per second) are fired by a poller started afterwards;
 * 2. paced: `rate` transitions per second fall due for `pacedSeconds`; lateness = firing − due time.
 */
export interface TimersBenchOptions {
  mailboxes: number;
  /** Due transitions per second, in the outage and in the paced phase. */
  rate: number;
  outageSeconds: number;
  pacedSeconds: number;
  pollMaxMs: number;
  batchSize: number;
  log: (line: string) => void;
  out: (text: string) => void;
}

const TARGET_P99_MS = 1_000;
const DAY_MS = 86_400_000;
const MB = 1024 * 1024;

export async function runTimersBench(options: TimersBenchOptions): Promise<void> {
  const { mailboxes, rate, log } = options;
  const outageTransitions = rate * options.outageSeconds;
  const pacedTransitions = rate * options.pacedSeconds;
  if (outageTransitions + pacedTransitions > mailboxes)
    throw new Error(`--mailboxes must cover both phases: at least ${outageTransitions + pacedTransitions}`);

  const database = await createTestDatabase('bench_timers');
  const migrations = createCalendarSyncDataSource(database.url);
  await migrations.initialize();
  await migrateServiceSchema(migrations);
  await migrations.destroy();
  const db = new CalendarSyncDatabase(
    {
      service: 'calendar-sync',
      url: database.url,
      poolSize: 10,
      migrate: false,
      outboxPollMs: 60_000,
      outboxBatchSize: 1000,
      ...calendarSyncSchema,
    },
    { publish: async () => undefined },
  );
  await db.dataSource.initialize();
  const timers = new PresenceTimerRepository(db.dataSource);
  const service = new PresenceTimerService(db, new CalendarItemRepository(db.dataSource), new OofSettingsRepository(db.dataSource), timers);
  const fired: FiredTimer[] = [];
  const fireDue = service.fireDue.bind(service);
  service.fireDue = async (limit, clock) => {
    const batch = await fireDue(limit, clock);
    for (const f of batch) fired.push(f);
    return batch;
  };
  const poller = new PresenceTimerPoller(
    service,
    timers,
    { pollMaxMs: options.pollMaxMs, batchSize: options.batchSize },
    new Metrics({ service: 'bench', version: '0' }),
    db,
  );
  const rows: string[][] = [];
  const memory = (phase: string) => {
    global.gc?.();
    const m = process.memoryUsage();
    rows.push([phase, format.count(m.rss / MB), format.count(m.heapUsed / MB)]);
  };

  try {
    // Mailbox i: the outage's transitions first, then the paced phase's, then the rest (a meeting tomorrow).
    // Even i: its meeting starts at its slot (OOF window next week); odd i: its OOF window opens then (meeting tomorrow).
    const seedStart = performance.now();
    const now = Date.now();
    const outageFrom = now - options.outageSeconds * 1000;
    await seed(db, 0, outageTransitions, outageFrom, rate);
    await seed(db, outageTransitions + pacedTransitions, mailboxes, now + DAY_MS, 0);
    log(`seeded ${format.count(mailboxes - pacedTransitions)} mailboxes in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    memory('seeded, before polling');

    const catchUpStart = performance.now();
    poller.start();
    await until(async () => fired.length >= outageTransitions, 600_000);
    const catchUpMs = performance.now() - catchUpStart;
    await poller.stop();
    memory('after the catch-up');
    log(`caught up ${format.count(outageTransitions)} transitions in ${(catchUpMs / 1000).toFixed(1)} s`);
    const caughtUp = fired.splice(0);

    const pacedFrom = Date.now() + 10_000; // after the seeding below
    await seed(db, outageTransitions, outageTransitions + pacedTransitions, pacedFrom, rate);
    poller.start();
    await until(async () => fired.filter((f) => f.dueAt >= pacedFrom).length >= pacedTransitions, options.pacedSeconds * 1000 + 120_000);
    await poller.stop();
    memory('after the paced phase');
    const paced = fired.filter((f) => f.dueAt >= pacedFrom);
    const lateness = summarize(paced.map((f) => f.firedAt - f.dueAt));
    const pacedSpan = (Math.max(...paced.map((f) => f.firedAt)) - pacedFrom) / 1000;
    const [{ count: rowCount }] = (await db.dataSource.query(`SELECT count(*)::int AS count FROM calendar_sync.presence_timer`)) as {
      count: number;
    }[];
    const [{ count: events }] = (await db.dataSource.query(`SELECT count(*)::int AS count FROM calendar_sync.outbox_message`)) as {
      count: number;
    }[];

    options.out(
      [
        `calendar-sync presence due-queue: ${format.count(mailboxes)} mailboxes (a meeting and a Scheduled OOF window each), poll cap ${options.pollMaxMs} ms, batch ${options.batchSize}`,
        '',
        formatTable(
          ['phase', 'transitions', 'per second', 'lateness p50 ms', 'p99 ms', 'max ms'],
          [
            [
              `catch-up after a ${options.outageSeconds} s outage`,
              format.count(caughtUp.length),
              format.count(caughtUp.length / (catchUpMs / 1000)),
              '–',
              '–',
              '–',
            ],
            [
              `paced, ${format.count(rate)}/s for ${options.pacedSeconds} s`,
              format.count(paced.length),
              format.count(paced.length / pacedSpan),
              format.ms(lateness.p50),
              format.ms(lateness.p99),
              format.ms(lateness.max),
            ],
          ],
          ['left', 'right', 'right', 'right', 'right', 'right'],
        ),
        '',
        `catch-up took ${(catchUpMs / 1000).toFixed(1)} s; paced p99 lateness ${format.ms(lateness.p99)} ms (target < ${TARGET_P99_MS} ms: ${lateness.p99 < TARGET_P99_MS ? 'met' : 'MISSED'})`,
        `due-queue rows at the end: ${format.count(rowCount)} (one per mailbox with something ahead); events in the outbox: ${format.count(events)}`,
        '',
        formatTable(['memory', 'rss MB', 'heap used MB'], rows, ['left', 'right', 'right']),
      ].join('\n'),
    );
  } finally {
    await poller.stop();
    await db.dataSource.destroy();
    await database.drop();
  }
}

/**
 * Mailboxes [from, to): item, OOF settings and due row. With `rate` > 0 the k-th mailbox's
 * transition is due at `base + k / rate` s; with 0 all are due at `base`.
 */
async function seed(db: CalendarSyncDatabase, from: number, to: number, base: number, rate: number): Promise<void> {
  const step = rate > 0 ? 1000 / rate : 0;
  const chunk = 20_000;
  for (let lo = from; lo < to; lo += chunk) {
    const hi = Math.min(lo + chunk, to);
    const params = [lo, hi - 1, from, base, step, DAY_MS];
    // slot: when mailbox i's first transition is due
    const slot = `to_timestamp(($4::float8 + (i - $3) * $5::float8) / 1000.0)`;
    const meetingStart = `CASE WHEN i % 2 = 0 THEN ${slot} ELSE ${slot} + make_interval(secs => $6::float8 / 1000.0) END`;
    const oofStart = `CASE WHEN i % 2 = 1 THEN ${slot} ELSE ${slot} + make_interval(secs => 7 * $6::float8 / 1000.0) END`;
    await db.dataSource.query(
      `INSERT INTO calendar_sync.calendar_item (id, mailbox, subject, start_time, end_time, is_all_day, legacy_free_busy_status, sensitivity,
         organizer, required_attendees, optional_attendees, start_time_zone, end_time_zone, range_start, range_end, change_key, revision,
         created_at, last_modified_at)
       SELECT gen_random_uuid(), 'user' || i || '@bench.example', 'Meeting', s, s + interval '1 hour', false, 'Busy', 'Normal',
         jsonb_build_object('address', 'user' || i || '@bench.example', 'responseType', 'Organizer'), '[]', '[]', 'UTC', 'UTC',
         s, s + interval '1 hour', 'ck', 1, now(), now()
       FROM (SELECT i, ${meetingStart} AS s FROM generate_series($1::int, $2::int) AS i) AS m`,
      params,
    );
    await db.dataSource.query(
      `INSERT INTO calendar_sync.oof_settings (mailbox, state, external_audience, start_time, end_time, internal_reply, external_reply, active, revision)
       SELECT 'user' || i || '@bench.example', 'Scheduled', 'All', s, s + interval '2 days', 'Away', 'Away', false, 1
       FROM (SELECT i, ${oofStart} AS s FROM generate_series($1::int, $2::int) AS i) AS o`,
      params,
    );
    await db.dataSource.query(
      `INSERT INTO calendar_sync.presence_timer (mailbox, due_at)
       SELECT 'user' || i || '@bench.example', ${slot} FROM generate_series($1::int, $2::int) AS i`,
      params.slice(0, 5),
    );
  }
}

async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
