import {
  applyTaskProgress,
  createTaskRequestSchema,
  findTasksRequestSchema,
  isTaskItemId,
  replyTopicOf,
  TaskProgress,
  Topics,
  updateTaskRequestSchema,
} from '../index';

const NOW = new Date('2031-03-03T10:00:00Z');
const notStarted: TaskProgress = { status: 'NotStarted', percentComplete: 0, completeDate: null };
const done: TaskProgress = { status: 'Completed', percentComplete: 100, completeDate: '2031-03-01T00:00:00.000Z' };

describe('task contracts', () => {
  it('fills EWS defaults on create and refuses out-of-range values', () => {
    const parsed = createTaskRequestSchema.parse({ mailbox: 'Alice@Example.com', task: { subject: 'File taxes' } });
    expect(parsed).toMatchObject({
      mailbox: 'alice@example.com',
      task: { subject: 'File taxes', importance: 'Normal', sensitivity: 'Normal', startDate: null, dueDate: null, body: null },
    });
    expect(createTaskRequestSchema.safeParse({ mailbox: 'a@example.com', task: { percentComplete: 101 } }).success).toBe(false);
    expect(createTaskRequestSchema.safeParse({ mailbox: 'a@example.com', task: { status: 'Done' } }).success).toBe(false);
    expect(createTaskRequestSchema.safeParse({ mailbox: 'a@example.com', task: { dueDate: '2031-03-03T00:00:00' } }).success).toBe(false);
  });

  it('defaults updates to AutoResolve and paging to the beginning', () => {
    expect(updateTaskRequestSchema.parse({ mailbox: 'a@example.com', itemId: 'x' })).toMatchObject({
      conflictResolution: 'AutoResolve',
      set: {},
      delete: [],
    });
    expect(findTasksRequestSchema.parse({ mailbox: 'a@example.com' })).toMatchObject({ offset: 0, basePoint: 'Beginning' });
    expect(updateTaskRequestSchema.safeParse({ mailbox: 'a@example.com', itemId: 'x', delete: ['subject'] }).success).toBe(false);
  });

  it('names its topics by the rules', () => {
    expect(replyTopicOf(Topics.calendarTaskFindRequest)).toBe('calendar.task.find.reply.v1');
    expect(Topics.calendarTaskChanged).toBe('calendar.task.changed.v1');
  });

  it('tells task ids by their kind byte only', () => {
    const id = (kind: number, length = 25) => Buffer.concat([Buffer.from([kind]), Buffer.alloc(length - 1, 7)]).toString('base64url');
    expect(isTaskItemId(id(3))).toBe(true);
    expect(isTaskItemId(id(1))).toBe(false);
    expect(isTaskItemId(id(2, 33))).toBe(false);
    expect(isTaskItemId(id(3, 33))).toBe(false);
    expect(isTaskItemId('not an id!')).toBe(false);
  });
});

describe('task progress (Status ⇔ PercentComplete ⇔ CompleteDate)', () => {
  it.each<[string, TaskProgress, Parameters<typeof applyTaskProgress>[1], TaskProgress]>([
    [
      'Completed sets 100 % and today',
      notStarted,
      { status: 'Completed' },
      { status: 'Completed', percentComplete: 100, completeDate: NOW.toISOString() },
    ],
    [
      '100 % completes',
      notStarted,
      { percentComplete: 100 },
      { status: 'Completed', percentComplete: 100, completeDate: NOW.toISOString() },
    ],
    [
      'a CompleteDate completes',
      notStarted,
      { completeDate: '2031-03-02T00:00:00.000Z' },
      { status: 'Completed', percentComplete: 100, completeDate: '2031-03-02T00:00:00.000Z' },
    ],
    [
      'a given CompleteDate survives Completed',
      notStarted,
      { completeDate: '2031-03-02T00:00:00.000Z', status: 'Completed' },
      { status: 'Completed', percentComplete: 100, completeDate: '2031-03-02T00:00:00.000Z' },
    ],
    ['NotStarted sets 0 % and clears the date', done, { status: 'NotStarted' }, notStarted],
    ['50 % starts a task', notStarted, { percentComplete: 50 }, { status: 'InProgress', percentComplete: 50, completeDate: null }],
    ['50 % reopens a completed task', done, { percentComplete: 50 }, { status: 'InProgress', percentComplete: 50, completeDate: null }],
    [
      '0 % resets an InProgress task',
      { status: 'InProgress', percentComplete: 40, completeDate: null },
      { percentComplete: 0 },
      notStarted,
    ],
    [
      'Deferred keeps its status at 30 %',
      { status: 'Deferred', percentComplete: 10, completeDate: null },
      { percentComplete: 30 },
      { status: 'Deferred', percentComplete: 30, completeDate: null },
    ],
    [
      'InProgress keeps a percentage',
      { status: 'NotStarted', percentComplete: 0, completeDate: null },
      { percentComplete: 25, status: 'WaitingOnOthers' },
      { status: 'WaitingOnOthers', percentComplete: 25, completeDate: null },
    ],
    [
      'leaving Completed resets the percentage',
      done,
      { status: 'InProgress' },
      { status: 'InProgress', percentComplete: 0, completeDate: null },
    ],
    // The Microsoft reference's example: PercentComplete 100, CompleteDate, then Status NotStarted — the status wins.
    [
      'the last in schema order wins',
      notStarted,
      { percentComplete: 100, completeDate: '2007-01-01T00:00:00.000Z', status: 'NotStarted' },
      notStarted,
    ],
    ['deleting the CompleteDate un-completes', done, { completeDate: null }, notStarted],
  ])('%s', (_label, current, set, expected) => {
    expect(applyTaskProgress(current, set, NOW)).toEqual(expected);
  });
});
