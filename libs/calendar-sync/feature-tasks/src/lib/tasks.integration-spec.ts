import { CalendarSyncDatabase, TaskRepository } from '@parley/calendar-sync/data-access';
import { TaskChanged, taskFieldsSchema, TaskInput, updateTaskRequestSchema, UpdateTaskRequest } from '@parley/contracts';
import { migrateServiceSchema, revertServiceSchema } from '@parley/persistence';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TaskException } from './task.exception';
import { TaskService } from './task.service';
import { startTasksTestBed, TasksTestBed } from '../../test/tasks-test-bed';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

describe('task service on PostgreSQL', () => {
  let bed: TasksTestBed;
  let migrations: DataSource;
  let db: CalendarSyncDatabase;
  let tasks: TaskService;

  const create = (mailbox: string, input: TaskInput, id = randomUUID(), now?: Date) =>
    tasks.create(id, mailbox, taskFieldsSchema.parse(input), now);
  const update = (req: Partial<UpdateTaskRequest> & Pick<UpdateTaskRequest, 'itemId'>, id = randomUUID()) =>
    tasks.update(id, updateTaskRequestSchema.parse({ mailbox: ALICE, ...req }));
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (e: unknown) => (e instanceof TaskException ? e.code : String(e)),
    );
  const events = (): Promise<TaskChanged[]> => bed.taskEvents();

  beforeAll(async () => {
    bed = await startTasksTestBed('tasks_it');
    ({ db, migrations, tasks } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(async () => {
    await bed.reset();
  });

  it('creates a task with defaults, reads it back by its id, and announces it', async () => {
    const created = await create(ALICE, {
      subject: 'File taxes',
      body: { type: 'Text', content: 'Before May' },
      dueDate: '2031-04-30T00:00:00Z',
      importance: 'High',
    });
    expect(created).toMatchObject({
      subject: 'File taxes',
      status: 'NotStarted',
      percentComplete: 0,
      isComplete: false,
      completeDate: null,
      dueDate: '2031-04-30T00:00:00.000Z',
      importance: 'High',
      sensitivity: 'Normal',
      revision: 1,
    });
    expect(await tasks.get({ mailbox: ALICE, itemId: created.id })).toEqual(created);
    expect((await events()).map((e) => [e.change, e.itemId, e.task?.subject])).toEqual([['created', created.id, 'File taxes']]);
  });

  it('keeps status, percentage and completion date consistent on create and update', async () => {
    const half = await create(ALICE, { subject: 'Half', percentComplete: 50 });
    expect(half).toMatchObject({ status: 'InProgress', percentComplete: 50, completeDate: null });
    const done = await update({ itemId: half.id, set: { status: 'Completed' } });
    expect(done).toMatchObject({ status: 'Completed', percentComplete: 100, isComplete: true, completeDate: expect.any(String) });
    const reopened = await update({ itemId: half.id, set: { status: 'NotStarted' } });
    expect(reopened).toMatchObject({ status: 'NotStarted', percentComplete: 0, completeDate: null, isComplete: false });
    const completedOn = await update({ itemId: half.id, set: { completeDate: '2031-03-01T00:00:00Z' } });
    expect(completedOn).toMatchObject({ status: 'Completed', percentComplete: 100, completeDate: '2031-03-01T00:00:00.000Z' });
  });

  it('sets and deletes fields, and checks change keys under NeverOverwrite', async () => {
    const task = await create(ALICE, { subject: 'Review', startDate: '2031-03-01T00:00:00Z', dueDate: '2031-03-05T00:00:00Z' });
    const renamed = await update({
      itemId: task.id,
      changeKey: task.changeKey,
      conflictResolution: 'NeverOverwrite',
      set: { subject: 'Design review' },
      delete: ['startDate'],
    });
    expect(renamed).toMatchObject({ subject: 'Design review', startDate: null, dueDate: '2031-03-05T00:00:00.000Z', revision: 2 });
    expect(renamed.changeKey).not.toBe(task.changeKey);
    expect(
      await codeOf(update({ itemId: task.id, changeKey: task.changeKey, conflictResolution: 'NeverOverwrite', set: { subject: 'Stale' } })),
    ).toBe('Conflict');
    expect(
      await update({ itemId: task.id, changeKey: task.changeKey, conflictResolution: 'AlwaysOverwrite', set: { subject: 'Forced' } }),
    ).toMatchObject({ subject: 'Forced', revision: 3 });
    expect(await codeOf(update({ itemId: task.id, set: { body: null }, delete: ['body'] }))).toBe('InvalidOperation');
  });

  it('applies each command once, however often it is delivered', async () => {
    const createId = randomUUID();
    const first = await create(ALICE, { subject: 'Once' }, createId);
    const again = await create(ALICE, { subject: 'Once' }, createId);
    expect(again.id).toBe(first.id);
    const updateId = randomUUID();
    await update({ itemId: first.id, set: { percentComplete: 30 } }, updateId);
    expect(await update({ itemId: first.id, set: { percentComplete: 30 } }, updateId)).toMatchObject({ revision: 2 });
    const deleteId = randomUUID();
    await tasks.delete(deleteId, { mailbox: ALICE, itemId: first.id });
    expect(await tasks.delete(deleteId, { mailbox: ALICE, itemId: first.id })).toEqual({ id: first.id });
    expect((await events()).map((e) => e.change)).toEqual(['created', 'updated', 'deleted']);
    expect(await codeOf(tasks.get({ mailbox: ALICE, itemId: first.id }))).toBe('ItemNotFound');
  });

  it('moves a task to Deleted Items (out of the Tasks folder, announced as deleted, listed there), and removes it from there', async () => {
    const kept = await create(ALICE, { subject: 'Keep' });
    const gone = await create(ALICE, { subject: 'Bin me' });
    await tasks.delete(randomUUID(), { mailbox: ALICE, itemId: gone.id, disposal: 'MoveToDeletedItems' });
    expect((await tasks.find({ mailbox: ALICE, offset: 0, maxEntries: 10, basePoint: 'Beginning' })).items.map((t) => t.id)).toEqual([
      kept.id,
    ]);
    expect(await new TaskRepository(db.dataSource).count(ALICE)).toBe(1);
    const bin = await tasks.find({ mailbox: ALICE, offset: 0, maxEntries: 10, basePoint: 'Beginning', folder: 'deleteditems' });
    expect(bin).toMatchObject({
      totalItemsInView: 1,
      includesLastItemInRange: true,
      items: [{ id: gone.id, subject: 'Bin me', folder: 'deleteditems' }],
    });
    expect(await tasks.get({ mailbox: ALICE, itemId: gone.id })).toMatchObject({ folder: 'deleteditems', revision: 2 });
    expect(await tasks.get({ mailbox: ALICE, itemId: kept.id })).toMatchObject({ folder: 'tasks' });
    expect((await events()).map((e) => [e.change, e.itemId, e.task])).toEqual([
      ['created', kept.id, expect.anything()],
      ['created', gone.id, expect.anything()],
      ['deleted', gone.id, null],
    ]);

    await tasks.delete(randomUUID(), { mailbox: ALICE, itemId: gone.id, disposal: 'MoveToDeletedItems' });
    expect(await codeOf(tasks.get({ mailbox: ALICE, itemId: gone.id }))).toBe('ItemNotFound');
    expect(
      (await tasks.find({ mailbox: ALICE, offset: 0, maxEntries: 10, basePoint: 'Beginning', folder: 'deleteditems' })).totalItemsInView,
    ).toBe(0);
    await tasks.delete(randomUUID(), { mailbox: ALICE, itemId: kept.id, disposal: 'HardDelete' });
    expect(await codeOf(tasks.get({ mailbox: ALICE, itemId: kept.id }))).toBe('ItemNotFound');
  });

  it('moves a task to Deleted Items and back to Tasks, once per command, a no-op when it is already there', async () => {
    const task = await create(ALICE, { subject: 'Renew passport' });
    const out = await tasks.move(randomUUID(), { mailbox: ALICE, itemId: task.id, to: 'deleteditems' });
    expect(out).toMatchObject({ id: task.id, folder: 'deleteditems', revision: 2 });
    const restoreId = randomUUID();
    const back = await tasks.move(restoreId, { mailbox: ALICE, itemId: task.id, to: 'tasks' });
    expect(back).toMatchObject({ id: task.id, folder: 'tasks', revision: 3, subject: 'Renew passport' });
    expect(await tasks.move(restoreId, { mailbox: ALICE, itemId: task.id, to: 'tasks' })).toEqual(back);
    expect(await tasks.move(randomUUID(), { mailbox: ALICE, itemId: task.id, to: 'tasks' })).toEqual(back);
    expect((await tasks.find({ mailbox: ALICE, offset: 0, maxEntries: 10, basePoint: 'Beginning' })).items.map((t) => t.id)).toEqual([
      task.id,
    ]);
    expect(
      (await tasks.find({ mailbox: ALICE, offset: 0, maxEntries: 10, basePoint: 'Beginning', folder: 'deleteditems' })).totalItemsInView,
    ).toBe(0);
    expect((await events()).map((e) => [e.change, e.revision])).toEqual([
      ['created', 1],
      ['deleted', 2],
      ['created', 3],
    ]);
    expect(await codeOf(tasks.move(randomUUID(), { mailbox: BOB, itemId: task.id, to: 'deleteditems' }))).toBe('ItemNotFound');
  });

  it('confines ids to their mailbox', async () => {
    const task = await create(ALICE, { subject: 'Private' });
    expect(await codeOf(tasks.get({ mailbox: BOB, itemId: task.id }))).toBe('ItemNotFound');
    expect(await codeOf(update({ mailbox: BOB, itemId: task.id, set: { subject: 'Mine now' } }))).toBe('ItemNotFound');
    expect(await codeOf(tasks.delete(randomUUID(), { mailbox: BOB, itemId: task.id }))).toBe('ItemNotFound');
    expect(await codeOf(tasks.get({ mailbox: ALICE, itemId: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }))).toBe('ItemNotFound');
  });

  it('pages a mailbox’s tasks from the beginning and from the end', async () => {
    const t0 = Date.UTC(2031, 2, 1);
    for (let i = 0; i < 5; i++) await create(ALICE, { subject: `T${i}` }, randomUUID(), new Date(t0 + i * 1000));
    await create(BOB, { subject: 'Bob’s' });
    const page = (offset: number, maxEntries: number, basePoint: 'Beginning' | 'End' = 'Beginning') =>
      tasks.find({ mailbox: ALICE, offset, maxEntries, basePoint });
    const first = await page(0, 2);
    expect(first.items.map((t) => t.subject)).toEqual(['T0', 'T1']);
    expect(first).toMatchObject({ totalItemsInView: 5, includesLastItemInRange: false, indexedPagingOffset: 2 });
    const last = await page(4, 2);
    expect(last.items.map((t) => t.subject)).toEqual(['T4']);
    expect(last).toMatchObject({ includesLastItemInRange: true, indexedPagingOffset: 5 });
    expect(await page(9, 2)).toMatchObject({ items: [], includesLastItemInRange: true, indexedPagingOffset: 5 });
    const fromEnd = await page(0, 2, 'End');
    expect(fromEnd.items.map((t) => t.subject)).toEqual(['T3', 'T4']);
    expect(fromEnd).toMatchObject({ includesLastItemInRange: false, indexedPagingOffset: 2 });
    expect((await page(4, 2, 'End')).items.map((t) => t.subject)).toEqual(['T0']);
  });

  it('refuses inconsistent rows in the database itself', async () => {
    const task = await create(ALICE, { subject: 'Guarded' });
    await expect(db.dataSource.query(`UPDATE calendar_sync.task SET percent_complete = 100 WHERE subject = 'Guarded'`)).rejects.toThrow(
      /ck_task_completion/,
    );
    expect(await tasks.get({ mailbox: ALICE, itemId: task.id })).toMatchObject({ percentComplete: 0 });
  });

  it('has a migration that reverts and re-applies cleanly', async () => {
    // The working-hours, deleted-items and meeting-invitations migrations came after this one: revert all four, re-apply them.
    await revertServiceSchema(migrations, 5);
    const [{ exists }] = await migrations.query(`SELECT to_regclass('calendar_sync.task') IS NOT NULL AS exists`);
    expect(exists).toBe(false);
    expect(await migrateServiceSchema(migrations)).toEqual([
      'Tasks1764100000000',
      'WorkingHours1764200000000',
      'DeletedItems1764300000000',
      'MeetingInvitations1764400000000',
      'PresenceTimers1764500000000',
    ]);
  });
});
