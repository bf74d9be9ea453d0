import { z } from 'zod';
import { bodySchema, conflictResolutions, disposals, sensitivities } from './calendar';
import { mailboxKey } from './envelope';

/**
 * Task contracts: calendar-sync owns every mailbox's tasks (the EWS Tasks folder); the gateway
 * reaches them with the commands below (request/reply) and everyone else learns of changes from
 * `calendar.task.changed`. Instants are ISO 8601 with an offset (replies in UTC, `Z`).
 *
 * Status, PercentComplete and CompleteDate describe one thing and are kept consistent as
 * Exchange keeps them (`applyTaskProgress`): Completed ⇔ 100 % ⇔ a CompleteDate.
 */

/** EWS `t:TaskStatusType`. */
export const taskStatuses = ['NotStarted', 'InProgress', 'Completed', 'WaitingOnOthers', 'Deferred'] as const;
export type TaskStatus = (typeof taskStatuses)[number];
/** EWS `t:ImportanceChoicesType`. */
export const importances = ['Low', 'Normal', 'High'] as const;
export type Importance = (typeof importances)[number];

const instant = z.iso.datetime({ offset: true });
const percent = z.number().min(0).max(100);

/** The fields a client writes on create; progress fields are reconciled by `applyTaskProgress`. */
export const taskFieldsSchema = z.object({
  subject: z.string().max(255).default(''),
  body: bodySchema.nullable().default(null),
  importance: z.enum(importances).default('Normal'),
  sensitivity: z.enum(sensitivities).default('Normal'),
  startDate: instant.nullable().default(null),
  dueDate: instant.nullable().default(null),
  completeDate: instant.nullable().default(null),
  percentComplete: percent.optional(),
  status: z.enum(taskStatuses).optional(),
});
export type TaskFields = z.infer<typeof taskFieldsSchema>;
export type TaskInput = z.input<typeof taskFieldsSchema>;

/** Fields an UpdateItem may set or delete (deleting returns a field to its default). */
export const taskUpdatableFields = [
  'subject',
  'body',
  'importance',
  'sensitivity',
  'startDate',
  'dueDate',
  'completeDate',
  'percentComplete',
  'status',
] as const;
export type TaskUpdatableField = (typeof taskUpdatableFields)[number];
export const taskDeletableFields = ['body', 'startDate', 'dueDate', 'completeDate'] as const satisfies readonly TaskUpdatableField[];
export type TaskDeletableField = (typeof taskDeletableFields)[number];

export const taskPatchSchema = z
  .object({
    subject: z.string().max(255),
    body: bodySchema.nullable(),
    importance: z.enum(importances),
    sensitivity: z.enum(sensitivities),
    startDate: instant.nullable(),
    dueDate: instant.nullable(),
    completeDate: instant.nullable(),
    percentComplete: percent,
    status: z.enum(taskStatuses),
  })
  .partial();
export type TaskPatch = z.infer<typeof taskPatchSchema>;

/** A task as calendar-sync answers it. */
export const taskViewSchema = z.object({
  /** Opaque, unguessable, bound to the mailbox; `isTaskItemId` tells it from a calendar item's. */
  id: z.string(),
  changeKey: z.string(),
  mailbox: mailboxKey,
  subject: z.string(),
  body: bodySchema.nullable(),
  importance: z.enum(importances),
  sensitivity: z.enum(sensitivities),
  startDate: instant.nullable(),
  dueDate: instant.nullable(),
  completeDate: instant.nullable(),
  percentComplete: percent,
  status: z.enum(taskStatuses),
  isComplete: z.boolean(),
  revision: z.number().int().min(1),
  createdAt: instant,
  lastModifiedAt: instant,
  /** Tasks, or Deleted Items after a DeleteItem with MoveToDeletedItems. Optional: a missing one is Tasks. */
  folder: z.enum(['tasks', 'deleteditems']).optional(),
});
export type TaskView = z.infer<typeof taskViewSchema>;

export interface TaskProgress {
  readonly status: TaskStatus;
  readonly percentComplete: number;
  readonly completeDate: string | null;
}

/**
 * Applies the progress fields a write names to the current progress, the way Exchange does: in
 * the schema's order (CompleteDate, PercentComplete, Status), so the last one a client streams
 * wins. A CompleteDate or 100 % completes the task; Completed sets 100 % and (unless given) the
 * CompleteDate to `now`; NotStarted sets 0 %; leaving Completed clears the CompleteDate and, for
 * a status, resets the percentage; 1–99 % moves NotStarted/Completed to InProgress and 0 % moves
 * InProgress/Completed back to NotStarted (WaitingOnOthers and Deferred keep their status).
 */
export function applyTaskProgress(
  current: TaskProgress,
  set: Pick<TaskPatch, 'completeDate' | 'percentComplete' | 'status'>,
  now: Date,
): TaskProgress {
  let next: TaskProgress = current;
  if (set.completeDate !== undefined) {
    next =
      set.completeDate === null
        ? next.status === 'Completed'
          ? { status: 'NotStarted', percentComplete: 0, completeDate: null }
          : { ...next, completeDate: null }
        : { status: 'Completed', percentComplete: 100, completeDate: set.completeDate };
  }
  if (set.percentComplete !== undefined) {
    const p = set.percentComplete;
    if (p >= 100) next = { status: 'Completed', percentComplete: 100, completeDate: next.completeDate ?? now.toISOString() };
    else {
      const status =
        p === 0
          ? next.status === 'InProgress' || next.status === 'Completed'
            ? 'NotStarted'
            : next.status
          : next.status === 'NotStarted' || next.status === 'Completed'
            ? 'InProgress'
            : next.status;
      next = { status, percentComplete: p, completeDate: null };
    }
  }
  if (set.status !== undefined) {
    const s = set.status;
    if (s === 'Completed') next = { status: s, percentComplete: 100, completeDate: next.completeDate ?? now.toISOString() };
    else if (s === 'NotStarted') next = { status: s, percentComplete: 0, completeDate: null };
    else next = { status: s, percentComplete: next.status === 'Completed' ? 0 : next.percentComplete, completeDate: null };
  }
  return next;
}

// ---- ids ------------------------------------------------------------------------------------

/**
 * Task ids share the calendar item id layout (base64url of kind · 16-byte key · 8-byte mailbox
 * tag) with a kind byte of their own. The kind byte is the one part of an item id that is a
 * contract: the gateway routes GetItem/UpdateItem/DeleteItem by it. It says nothing about the
 * mailbox or the key, so ids stay opaque and unguessable.
 */
export const TASK_ID_KIND = 3;
export const TASK_ID_BYTES = 25;

export function isTaskItemId(id: string): boolean {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(id)) return false;
  const bytes = Buffer.from(id, 'base64url');
  return bytes.length === TASK_ID_BYTES && bytes[0] === TASK_ID_KIND;
}

// ---- commands -------------------------------------------------------------------------------

export const createTaskRequestSchema = z.object({ mailbox: mailboxKey, task: taskFieldsSchema });
export type CreateTaskRequest = z.infer<typeof createTaskRequestSchema>;

export const updateTaskRequestSchema = z.object({
  mailbox: mailboxKey,
  itemId: z.string().min(1).max(200),
  /** When present it is checked; a stale one under NeverOverwrite is a `Conflict`. */
  changeKey: z.string().max(200).optional(),
  conflictResolution: z.enum(conflictResolutions).default('AutoResolve'),
  set: taskPatchSchema.default({}),
  delete: z.array(z.enum(taskDeletableFields)).default([]),
});
export type UpdateTaskRequest = z.infer<typeof updateTaskRequestSchema>;

/** MoveToDeletedItems keeps the task in Deleted Items (out of the Tasks folder and its count); one already there is removed. */
export const deleteTaskRequestSchema = z.object({
  mailbox: mailboxKey,
  itemId: z.string().min(1).max(200),
  disposal: z.enum(disposals).default('HardDelete'),
});
export type DeleteTaskRequest = z.infer<typeof deleteTaskRequestSchema>;
export const deleteTaskReplySchema = z.object({ id: z.string() });
export type DeleteTaskReply = z.infer<typeof deleteTaskReplySchema>;

export const getTaskRequestSchema = z.object({ mailbox: mailboxKey, itemId: z.string().min(1).max(200) });
export type GetTaskRequest = z.infer<typeof getTaskRequestSchema>;

// ---- FindItem restriction and sort order ----------------------------------------------------

/**
 * The task properties a FindItem `Restriction` or `SortOrder` may name (item:Subject,
 * task:Status, …, item:DateTimeCreated → `createdAt`, item:LastModifiedTime → `lastModifiedAt`).
 * Enums compare and sort by their EWS ordinal (NotStarted < InProgress < …, Low < Normal < High),
 * as Exchange compares the underlying integers.
 */
export const taskQueryFields = [
  'subject',
  'status',
  'percentComplete',
  'isComplete',
  'startDate',
  'dueDate',
  'completeDate',
  'importance',
  'sensitivity',
  'createdAt',
  'lastModifiedAt',
] as const;
export type TaskQueryField = (typeof taskQueryFields)[number];
export const taskDateFields = [
  'startDate',
  'dueDate',
  'completeDate',
  'createdAt',
  'lastModifiedAt',
] as const satisfies readonly TaskQueryField[];

export const taskComparisons = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export type TaskComparison = (typeof taskComparisons)[number];

/** Longest text constant a filter carries: far beyond a subject (255), short enough to keep requests small. */
export const MAX_TASK_FILTER_TEXT = 1024;

const comparison = z.enum(taskComparisons);
/** A comparison's constant is typed by its field, so calendar-sync never sees, say, a date compared with a word. */
const taskComparisonSchema = z.union([
  z.object({ op: comparison, field: z.literal('subject'), value: z.string().max(MAX_TASK_FILTER_TEXT) }),
  z.object({ op: comparison, field: z.literal('status'), value: z.enum(taskStatuses) }),
  z.object({ op: comparison, field: z.literal('importance'), value: z.enum(importances) }),
  z.object({ op: comparison, field: z.literal('sensitivity'), value: z.enum(sensitivities) }),
  z.object({ op: comparison, field: z.literal('percentComplete'), value: z.number().finite() }),
  z.object({ op: comparison, field: z.literal('isComplete'), value: z.boolean() }),
  z.object({ op: comparison, field: z.enum(taskDateFields), value: instant }),
]);
export type TaskComparisonFilter = z.infer<typeof taskComparisonSchema>;

/** `t:Contains` on the subject: FullString, Prefixed or Substring, exact or ignoring case. */
const taskContainsSchema = z.object({
  op: z.literal('contains'),
  field: z.literal('subject'),
  value: z.string().max(MAX_TASK_FILTER_TEXT),
  mode: z.enum(['FullString', 'Prefixed', 'Substring']),
  ignoreCase: z.boolean(),
});

export type TaskFilter =
  | TaskComparisonFilter
  | z.infer<typeof taskContainsSchema>
  | { readonly op: 'exists'; readonly field: TaskQueryField }
  | { readonly op: 'not'; readonly operand: TaskFilter }
  | { readonly op: 'and' | 'or'; readonly operands: readonly TaskFilter[] };

/** Deep enough for any restriction a client builds, shallow enough that a hostile one cannot exhaust the stack. */
export const MAX_TASK_FILTER_DEPTH = 16;
export const MAX_TASK_FILTER_OPERANDS = 100;

export const taskFilterSchema: z.ZodType<TaskFilter> = z
  .lazy(() =>
    z.union([
      taskComparisonSchema,
      taskContainsSchema,
      z.object({ op: z.literal('exists'), field: z.enum(taskQueryFields) }),
      z.object({ op: z.literal('not'), operand: taskFilterSchema }),
      z.object({ op: z.enum(['and', 'or']), operands: z.array(taskFilterSchema).min(1).max(MAX_TASK_FILTER_OPERANDS) }),
    ]),
  )
  .refine((filter) => taskFilterDepth(filter) <= MAX_TASK_FILTER_DEPTH, `A task filter nests at most ${MAX_TASK_FILTER_DEPTH} levels.`);

/** How many levels a filter nests (a comparison alone is 1). */
export function taskFilterDepth(filter: TaskFilter): number {
  if (filter.op === 'not') return 1 + taskFilterDepth(filter.operand);
  if (filter.op === 'and' || filter.op === 'or') return 1 + Math.max(...filter.operands.map(taskFilterDepth));
  return 1;
}

/** One `t:FieldOrder`; ties after the last key fall back to the folder's own order (then the id). */
export const taskSortKeySchema = z.object({ field: z.enum(taskQueryFields), direction: z.enum(['Ascending', 'Descending']) });
export type TaskSortKey = z.infer<typeof taskSortKeySchema>;

/** Most tasks one FindItem page returns. */
export const MAX_TASKS_PER_PAGE = 1000;

/**
 * FindItem on the Tasks folder with an `IndexedPageItemView`: the tasks that pass `restriction`
 * in `sortOrder` (then oldest first, a stable order), `offset` counted from the beginning or
 * from the end (`basePoint`).
 */
export const findTasksRequestSchema = z.object({
  mailbox: mailboxKey,
  offset: z.number().int().min(0).default(0),
  maxEntries: z.number().int().min(0).max(MAX_TASKS_PER_PAGE).default(MAX_TASKS_PER_PAGE),
  basePoint: z.enum(['Beginning', 'End']).default('Beginning'),
  /** The Tasks folder, or the tasks in Deleted Items (in the order they were moved there). */
  folder: z.enum(['tasks', 'deleteditems']).default('tasks'),
  /** FindItem `Restriction`, applied before paging (absent: every task of the folder). */
  restriction: taskFilterSchema.optional(),
  /** FindItem `SortOrder`, most significant key first, each field once (absent or empty: the folder's own order). */
  sortOrder: z
    .array(taskSortKeySchema)
    .max(taskQueryFields.length)
    .refine((keys) => new Set(keys.map((k) => k.field)).size === keys.length, 'A field appears once in a sort order.')
    .optional(),
});
export type FindTasksRequest = z.infer<typeof findTasksRequestSchema>;
export const findTasksReplySchema = z.object({
  items: z.array(taskViewSchema),
  totalItemsInView: z.number().int().min(0),
  includesLastItemInRange: z.boolean(),
  /** The offset (from the same base point) of the next page: EWS `IndexedPagingOffset`. */
  indexedPagingOffset: z.number().int().min(0),
});
export type FindTasksReply = z.infer<typeof findTasksReplySchema>;

// ---- events -----------------------------------------------------------------------------

/** Published (through the outbox) on every task write; keyed by the mailbox. */
export const taskChangedSchema = z.object({
  mailbox: mailboxKey,
  change: z.enum(['created', 'updated', 'deleted']),
  itemId: z.string(),
  changeKey: z.string().nullable(),
  revision: z.number().int().min(1),
  /** The task after the change (null when deleted). */
  task: taskViewSchema.nullable(),
});
export type TaskChanged = z.infer<typeof taskChangedSchema>;
