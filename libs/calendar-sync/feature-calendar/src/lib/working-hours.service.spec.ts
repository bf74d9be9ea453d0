import { WorkingHours, WorkingHoursChanged } from '@parley/contracts';
import type { CalendarSyncDatabase, StoredWorkingHours, WorkingHoursRepository } from '@parley/calendar-sync/data-access';
import type { Transaction } from '@parley/persistence';
import { CalendarException } from './calendar.exception';
import { MailboxDirectory } from './mailbox-directory';
import { defaultWorkingHours, normalizeWorkingHours, WorkingHoursChange, WorkingHoursService } from './working-hours.service';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** The repository and unit of work in memory: rows by mailbox, command ids applied once, events published. */
function inMemory() {
  const rows = new Map<string, StoredWorkingHours>();
  const applied = new Set<string>();
  const events: [string, string, WorkingHoursChanged][] = [];
  const tx = {
    publish: async (topic: string, key: string, payload: WorkingHoursChanged) => void events.push([topic, key, payload]),
  } as unknown as Transaction;
  const repository = {
    find: async (mailbox: string) => rows.get(mailbox) ?? null,
    findMany: async (mailboxes: readonly string[]) =>
      new Map(mailboxes.flatMap((m) => (rows.has(m) ? [[m, rows.get(m) as StoredWorkingHours] as const] : []))),
    findForUpdate: async (_tx: Transaction, mailbox: string) => rows.get(mailbox) ?? null,
    save: async (_tx: Transaction, stored: StoredWorkingHours) => void rows.set(stored.mailbox, stored),
  } as unknown as WorkingHoursRepository;
  const db = {
    unitOfWork: {
      runOnce: async <T>(_consumer: string, message: { id: string }, work: (tx: Transaction) => Promise<T>) => {
        if (applied.has(message.id)) return { duplicate: true };
        applied.add(message.id);
        return { duplicate: false, value: await work(tx) };
      },
    },
  } as unknown as CalendarSyncDatabase;
  const directory: MailboxDirectory = { exists: async (mailbox) => [ALICE, BOB].includes(mailbox) };
  return { rows, events, service: new WorkingHoursService(db, repository, directory, { timeZone: 'Pacific Standard Time' }) };
}

const berlin: WorkingHours = {
  timeZone: 'Europe/Berlin',
  days: ['Friday', 'Monday', 'Wednesday'],
  startMinutes: 7 * 60 + 30,
  endMinutes: 16 * 60,
};
const set = (service: WorkingHoursService, workingHours: WorkingHours | null, mailbox = ALICE, id = `cmd-${Math.random()}`) =>
  service.set(id, { mailbox, workingHours } satisfies WorkingHoursChange);
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (e: unknown) => (e instanceof CalendarException ? e.code : String(e)),
  );

describe('working hours', () => {
  it('answers Monday–Friday 08:00–17:00 in the configured zone for a mailbox that never set any', async () => {
    const { service } = inMemory();
    expect(await service.get(ALICE)).toEqual({
      mailbox: ALICE,
      workingHours: {
        timeZone: 'Pacific Standard Time',
        days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
        startMinutes: 480,
        endMinutes: 1020,
      },
      isDefault: true,
      revision: 0,
    });
  });

  it('stores hours with the zone as its Windows id and the days Sunday first, and answers them from then on', async () => {
    const { service } = inMemory();
    const stored = { timeZone: 'W. Europe Standard Time', days: ['Monday', 'Wednesday', 'Friday'], startMinutes: 450, endMinutes: 960 };
    expect(await set(service, berlin)).toEqual({ mailbox: ALICE, workingHours: stored, isDefault: false, revision: 1 });
    expect(await service.get(ALICE)).toEqual({ mailbox: ALICE, workingHours: stored, isDefault: false, revision: 1 });
    // Bob is untouched.
    expect((await service.get(BOB)).isDefault).toBe(true);
  });

  it('resets to the default with null, counting the revision on, and announces every change keyed by the mailbox', async () => {
    const { service, events } = inMemory();
    await set(service, berlin);
    expect(await set(service, null)).toMatchObject({
      isDefault: true,
      revision: 2,
      workingHours: defaultWorkingHours('Pacific Standard Time'),
    });
    expect(await set(service, berlin)).toMatchObject({ isDefault: false, revision: 3 });
    expect(events.map(([topic, key, e]) => [topic, key, e.workingHours?.timeZone ?? null, e.revision])).toEqual([
      ['calendar.working-hours.changed.v1', ALICE, 'W. Europe Standard Time', 1],
      ['calendar.working-hours.changed.v1', ALICE, null, 2],
      ['calendar.working-hours.changed.v1', ALICE, 'W. Europe Standard Time', 3],
    ]);
  });

  it('changes and announces nothing when hours that were never set are reset', async () => {
    const { service, rows, events } = inMemory();
    expect(await set(service, null)).toMatchObject({ isDefault: true, revision: 0 });
    expect(rows.size).toBe(0);
    expect(events).toEqual([]);
  });

  it('applies a command once: a redelivered one answers the current state', async () => {
    const { service } = inMemory();
    await set(service, berlin, ALICE, 'cmd-1');
    await set(service, null, ALICE, 'cmd-2');
    expect(await set(service, berlin, ALICE, 'cmd-1')).toMatchObject({ isDefault: true, revision: 2 });
  });

  it('gives free/busy the hours in effect per mailbox, stored or default', async () => {
    const { service } = inMemory();
    await set(service, berlin);
    const hours = await service.inEffect([ALICE, BOB]);
    expect(hours.get(ALICE)).toMatchObject({ timeZone: 'W. Europe Standard Time', startMinutes: 450 });
    expect(hours.get(BOB)).toEqual(defaultWorkingHours('Pacific Standard Time'));
  });

  it('refuses an unknown mailbox and an unknown time zone', async () => {
    const { service, rows } = inMemory();
    expect(await codeOf(service.get('nobody@example.com'))).toBe('MailboxNotFound');
    expect(await codeOf(set(service, berlin, 'nobody@example.com'))).toBe('MailboxNotFound');
    expect(await codeOf(set(service, { ...berlin, timeZone: 'Mars/Olympus' }))).toBe('InvalidTimeZone');
    expect(rows.size).toBe(0);
  });

  it('normalizes without changing the hours themselves', () => {
    expect(
      normalizeWorkingHours({ timeZone: 'pacific standard time', days: ['Saturday', 'Sunday'], startMinutes: 0, endMinutes: 1440 }),
    ).toEqual({
      timeZone: 'Pacific Standard Time',
      days: ['Sunday', 'Saturday'],
      startMinutes: 0,
      endMinutes: 1440,
    });
  });
});
