import { CalendarSyncDatabase, StoredTask, TaskRepository } from '@parley/calendar-sync/data-access';
import { calendarItemFieldsSchema, CalendarItemInput, updateCalendarItemRequestSchema } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { CalendarService } from './calendar.service';
import { FolderCountsService } from './folder-counts.service';
import { CalendarTestBed, startCalendarTestBed } from '../../test/calendar-test-bed';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

describe('folder counts on PostgreSQL', () => {
  let bed: CalendarTestBed;
  let db: CalendarSyncDatabase;
  let calendar: CalendarService;
  let taskRepository: TaskRepository;
  let counts: FolderCountsService;

  const create = (mailbox: string, input: CalendarItemInput) =>
    calendar.create(randomUUID(), mailbox, calendarItemFieldsSchema.parse(input));
  // Tasks are written by feature-tasks' service; this feature may not import it, so the rows go in through the repository.
  const addTask = (mailbox: string, subject: string) => {
    const now = new Date();
    const task: StoredTask = {
      id: randomUUID(),
      mailbox,
      subject,
      body: null,
      importance: 'Normal',
      sensitivity: 'Normal',
      startDate: null,
      dueDate: null,
      completeDate: null,
      percentComplete: 0,
      status: 'NotStarted',
      changeKey: randomUUID(),
      revision: 1,
      createdAt: now,
      lastModifiedAt: now,
      deletedAt: null,
    };
    return db.unitOfWork.run((tx) => taskRepository.save(tx, task));
  };

  beforeAll(async () => {
    bed = await startCalendarTestBed('folder_counts_it', [ALICE, BOB]);
    ({ db, calendar } = bed);
    taskRepository = new TaskRepository(db.dataSource);
    counts = new FolderCountsService(bed.items, taskRepository);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('is zero for a mailbox without items, and for one calendar-sync has never seen', async () => {
    expect(await counts.get({ mailbox: ALICE })).toEqual({ calendarItems: 0, tasks: 0, deletedItems: 0 });
    expect(await counts.get({ mailbox: 'nobody@example.com' })).toEqual({ calendarItems: 0, tasks: 0, deletedItems: 0 });
  });

  it('counts a series once, whatever its occurrences and exceptions, and each mailbox apart', async () => {
    const series = await create(ALICE, {
      subject: 'Stand-up',
      start: '2026-03-16T08:00:00Z',
      end: '2026-03-16T08:15:00Z',
      recurrence: {
        pattern: { type: 'Daily', interval: 1 },
        range: { type: 'Numbered', startDate: '2026-03-16', numberOfOccurrences: 10 },
      },
    });
    await create(ALICE, { subject: 'Dentist', start: '2026-03-18T12:00:00Z', end: '2026-03-18T13:00:00Z' });
    await create(BOB, { subject: "Bob's", start: '2026-03-18T12:00:00Z', end: '2026-03-18T13:00:00Z' });
    // One modified and one deleted occurrence: still one item in the folder.
    const occurrences = (await calendar.find({ mailbox: ALICE, start: '2026-03-16T00:00:00Z', end: '2026-03-20T00:00:00Z' })).items.filter(
      (i) => i.itemType !== 'Single',
    );
    await calendar.update(
      randomUUID(),
      updateCalendarItemRequestSchema.parse({ mailbox: ALICE, itemId: occurrences[1].id, set: { subject: 'Moved stand-up' } }),
    );
    await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: occurrences[2].id });
    await addTask(ALICE, 'File taxes');
    await addTask(ALICE, 'Renew passport');
    await addTask(BOB, "Bob's task");

    expect(await counts.get({ mailbox: ALICE })).toEqual({ calendarItems: 2, tasks: 2, deletedItems: 0 });
    expect(await counts.get({ mailbox: BOB })).toEqual({ calendarItems: 1, tasks: 1, deletedItems: 0 });

    // Moving the series to Deleted Items counts it there; deleting it from there removes it (and its exceptions).
    await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: series.id, disposal: 'MoveToDeletedItems' });
    expect(await counts.get({ mailbox: ALICE })).toEqual({ calendarItems: 1, tasks: 2, deletedItems: 1 });
    await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: series.id });
    expect(await counts.get({ mailbox: ALICE })).toEqual({ calendarItems: 1, tasks: 2, deletedItems: 0 });
  });
});
