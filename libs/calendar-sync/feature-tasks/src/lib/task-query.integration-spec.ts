import {
  findTasksRequestSchema,
  taskFieldsSchema,
  type FindTasksRequest,
  type TaskFilter,
  type TaskInput,
  type TaskSortKey,
} from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { TaskService } from './task.service';
import { startTasksTestBed, TasksTestBed } from '../../test/tasks-test-bed';

const ALICE = 'alice@example.com';

/** FindItem's Restriction and SortOrder on tasks, applied in SQL before paging. */
describe('task find with a restriction and a sort order, on PostgreSQL', () => {
  let bed: TasksTestBed;
  let tasks: TaskService;
  /** Subject → id of the tasks `seed` made. */
  const ids = new Map<string, string>();

  const subjects = (found: { items: { subject: string }[] }) => found.items.map((t) => t.subject);
  /** Goes through the contract, as a request from the bus does. */
  const find = (query: Partial<FindTasksRequest> & { restriction?: TaskFilter; sortOrder?: TaskSortKey[] }) =>
    tasks.find(findTasksRequestSchema.parse({ mailbox: ALICE, offset: 0, maxEntries: 100, basePoint: 'Beginning', ...query }));
  const where = async (restriction: TaskFilter) => subjects(await find({ restriction }));

  beforeAll(async () => {
    bed = await startTasksTestBed('task_query_it');
    tasks = bed.tasks;
    // Created a minute apart, in this order: the folder's own order.
    const seed: TaskInput[] = [
      { subject: 'File taxes', dueDate: '2031-04-30T00:00:00Z', importance: 'High', status: 'Completed' },
      { subject: 'Buy milk', dueDate: '2031-03-01T00:00:00Z', percentComplete: 50 },
      { subject: 'call Bob', importance: 'Low' },
      { subject: 'Fix 100%_done bug', dueDate: '2031-03-01T00:00:00Z', importance: 'High', status: 'Deferred' },
      { subject: 'Plan trip', dueDate: '2031-05-01T00:00:00Z', status: 'Completed', sensitivity: 'Private' },
    ];
    for (const [i, input] of seed.entries()) {
      const created = await tasks.create(randomUUID(), ALICE, taskFieldsSchema.parse(input), new Date(Date.UTC(2031, 0, 1, 8, i)));
      ids.set(created.subject, created.id);
    }
    const other = await tasks.create(
      randomUUID(),
      'bob@example.com',
      taskFieldsSchema.parse({ subject: 'File taxes', status: 'Completed' }),
    );
    expect(other.mailbox).toBe('bob@example.com');
    const binned = await tasks.create(
      randomUUID(),
      ALICE,
      taskFieldsSchema.parse({ subject: 'Old taxes', status: 'Completed' }),
      new Date(Date.UTC(2031, 0, 1, 9)),
    );
    await tasks.delete(randomUUID(), { mailbox: ALICE, itemId: binned.id, disposal: 'MoveToDeletedItems' });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('compares enums by their EWS order, numbers, booleans and dates, each operator', async () => {
    expect(await where({ op: 'eq', field: 'status', value: 'Completed' })).toEqual(['File taxes', 'Plan trip']);
    expect(await where({ op: 'ne', field: 'status', value: 'Completed' })).toEqual(['Buy milk', 'call Bob', 'Fix 100%_done bug']);
    // NotStarted < InProgress < Completed < WaitingOnOthers < Deferred
    expect(await where({ op: 'gt', field: 'status', value: 'InProgress' })).toEqual(['File taxes', 'Fix 100%_done bug', 'Plan trip']);
    expect(await where({ op: 'ge', field: 'importance', value: 'Normal' })).toEqual([
      'File taxes',
      'Buy milk',
      'Fix 100%_done bug',
      'Plan trip',
    ]);
    expect(await where({ op: 'lt', field: 'percentComplete', value: 50 })).toEqual(['call Bob', 'Fix 100%_done bug']);
    expect(await where({ op: 'le', field: 'percentComplete', value: 50 })).toEqual(['Buy milk', 'call Bob', 'Fix 100%_done bug']);
    expect(await where({ op: 'eq', field: 'isComplete', value: true })).toEqual(['File taxes', 'Plan trip']);
    expect(await where({ op: 'eq', field: 'sensitivity', value: 'Private' })).toEqual(['Plan trip']);
    expect(await where({ op: 'lt', field: 'dueDate', value: '2031-04-30T00:00:00Z' })).toEqual(['Buy milk', 'Fix 100%_done bug']);
    expect(await where({ op: 'ge', field: 'dueDate', value: '2031-04-30T02:00:00+02:00' })).toEqual(['File taxes', 'Plan trip']);
    expect(await where({ op: 'gt', field: 'createdAt', value: '2031-01-01T08:02:00Z' })).toEqual(['Fix 100%_done bug', 'Plan trip']);
    // Text compares ignoring case.
    expect(await where({ op: 'eq', field: 'subject', value: 'CALL BOB' })).toEqual(['call Bob']);
    expect(await where({ op: 'lt', field: 'subject', value: 'c' })).toEqual(['Buy milk']);
  });

  it('matches Contains by mode and comparison, Exists, and combines with And / Or / Not', async () => {
    expect(await where({ op: 'contains', field: 'subject', value: 'taxes', mode: 'Substring', ignoreCase: false })).toEqual(['File taxes']);
    expect(await where({ op: 'contains', field: 'subject', value: 'F', mode: 'Prefixed', ignoreCase: false })).toEqual([
      'File taxes',
      'Fix 100%_done bug',
    ]);
    expect(await where({ op: 'contains', field: 'subject', value: 'c', mode: 'Prefixed', ignoreCase: true })).toEqual(['call Bob']);
    expect(await where({ op: 'contains', field: 'subject', value: 'plan TRIP', mode: 'FullString', ignoreCase: false })).toEqual([]);
    expect(await where({ op: 'contains', field: 'subject', value: 'plan TRIP', mode: 'FullString', ignoreCase: true })).toEqual([
      'Plan trip',
    ]);
    expect(await where({ op: 'exists', field: 'dueDate' })).toEqual(['File taxes', 'Buy milk', 'Fix 100%_done bug', 'Plan trip']);
    expect(await where({ op: 'exists', field: 'subject' })).toHaveLength(5);
    // A task without a due date satisfies no comparison on it, so Not of one holds for it.
    expect(await where({ op: 'not', operand: { op: 'lt', field: 'dueDate', value: '2031-04-30T00:00:00Z' } })).toEqual([
      'File taxes',
      'call Bob',
      'Plan trip',
    ]);
    const completedHigh: TaskFilter = {
      op: 'and',
      operands: [
        { op: 'eq', field: 'status', value: 'Completed' },
        { op: 'eq', field: 'importance', value: 'High' },
      ],
    };
    expect(await where(completedHigh)).toEqual(['File taxes']);
    expect(await where({ op: 'or', operands: [completedHigh, { op: 'eq', field: 'importance', value: 'Low' }] })).toEqual([
      'File taxes',
      'call Bob',
    ]);
    expect(await where({ op: 'not', operand: { op: 'or', operands: [completedHigh, { op: 'exists', field: 'dueDate' }] } })).toEqual([
      'call Bob',
    ]);
  });

  it('sorts by several keys, the folder order breaking ties, and pages the restricted view from either end', async () => {
    const byDue: TaskSortKey[] = [{ field: 'dueDate', direction: 'Descending' }];
    // Missing dates sort as the smallest value; equal due dates keep creation order.
    expect(subjects(await find({ sortOrder: byDue }))).toEqual(['Plan trip', 'File taxes', 'Buy milk', 'Fix 100%_done bug', 'call Bob']);
    const sortOrder: TaskSortKey[] = [
      { field: 'dueDate', direction: 'Ascending' },
      { field: 'importance', direction: 'Descending' },
    ];
    expect(subjects(await find({ sortOrder }))).toEqual(['call Bob', 'Fix 100%_done bug', 'Buy milk', 'File taxes', 'Plan trip']);
    expect(subjects(await find({ sortOrder: [{ field: 'subject', direction: 'Ascending' }] }))).toEqual([
      'Buy milk',
      'call Bob',
      'File taxes',
      'Fix 100%_done bug',
      'Plan trip',
    ]);

    const restriction: TaskFilter = { op: 'exists', field: 'dueDate' };
    const first = await find({ restriction, sortOrder, maxEntries: 3 });
    expect([subjects(first), first.totalItemsInView, first.includesLastItemInRange, first.indexedPagingOffset]).toEqual([
      ['Fix 100%_done bug', 'Buy milk', 'File taxes'],
      4,
      false,
      3,
    ]);
    const second = await find({ restriction, sortOrder, maxEntries: 3, offset: 3 });
    expect([subjects(second), second.totalItemsInView, second.includesLastItemInRange, second.indexedPagingOffset]).toEqual([
      ['Plan trip'],
      4,
      true,
      4,
    ]);
    const last = await find({ restriction, sortOrder, maxEntries: 2, basePoint: 'End' });
    expect([subjects(last), last.includesLastItemInRange]).toEqual([['File taxes', 'Plan trip'], false]);
  });

  it('applies the restriction to Deleted Items too, and never to another mailbox', async () => {
    const completed: TaskFilter = { op: 'eq', field: 'status', value: 'Completed' };
    expect(subjects(await find({ restriction: completed, folder: 'deleteditems' }))).toEqual(['Old taxes']);
    expect((await find({ restriction: { op: 'eq', field: 'subject', value: 'file taxes' } })).items.map((t) => t.id)).toEqual([
      ids.get('File taxes'),
    ]);
  });

  it('binds constants as values: SQL-looking text is just text', async () => {
    const hostile = ["'; DROP TABLE calendar_sync.task; --", "' OR '1'='1", '%', '_', '\\', ':mailbox', '$1'];
    for (const value of hostile) {
      expect(await where({ op: 'eq', field: 'subject', value })).toEqual([]);
      expect(await where({ op: 'contains', field: 'subject', value: `x${value}`, mode: 'Substring', ignoreCase: true })).toEqual([]);
    }
    // LIKE wildcards are plain characters.
    expect(await where({ op: 'contains', field: 'subject', value: '100%_', mode: 'Substring', ignoreCase: false })).toEqual([
      'Fix 100%_done bug',
    ]);
    expect(await where({ op: 'contains', field: 'subject', value: '%', mode: 'Prefixed', ignoreCase: false })).toEqual([]);
    expect((await find({})).totalItemsInView).toBe(5);
  });

  it('refuses at the contract a constant of the wrong type, an unknown field and a repeated sort key', () => {
    const parse = (extra: object) => findTasksRequestSchema.safeParse({ mailbox: ALICE, ...extra }).success;
    expect(parse({ restriction: { op: 'eq', field: 'status', value: 'Done' } })).toBe(false);
    expect(parse({ restriction: { op: 'gt', field: 'dueDate', value: 'tomorrow' } })).toBe(false);
    expect(parse({ restriction: { op: 'eq', field: 'percentComplete', value: '50' } })).toBe(false);
    expect(parse({ restriction: { op: 'eq', field: 'body', value: 'x' } })).toBe(false);
    expect(parse({ restriction: { op: 'contains', field: 'status', value: 'x', mode: 'Substring', ignoreCase: true } })).toBe(false);
    expect(parse({ restriction: { op: 'and', operands: [] } })).toBe(false);
    expect(
      parse({
        sortOrder: [
          { field: 'subject', direction: 'Ascending' },
          { field: 'subject', direction: 'Descending' },
        ],
      }),
    ).toBe(false);
    let deep: TaskFilter = { op: 'exists', field: 'subject' };
    for (let i = 0; i < 20; i++) deep = { op: 'not', operand: deep };
    expect(parse({ restriction: deep })).toBe(false);
    expect(
      parse({
        restriction: { op: 'and', operands: [{ op: 'eq', field: 'isComplete', value: false }] },
        sortOrder: [{ field: 'dueDate', direction: 'Descending' }],
      }),
    ).toBe(true);
  });
});
