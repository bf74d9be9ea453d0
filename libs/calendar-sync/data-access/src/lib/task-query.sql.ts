import {
  importances,
  sensitivities,
  taskStatuses,
  type TaskComparison,
  type TaskFilter,
  type TaskQueryField,
  type TaskSortKey,
} from '@parley/contracts';

/**
 * FindItem's restriction and sort order on tasks as SQL over the `t` alias of `calendar_sync.task`.
 * Column expressions come from the fixed map below and every constant is a bound parameter, so
 * nothing a client sends becomes SQL text.
 */

/** A boolean SQL expression and the named parameters it binds (TypeORM `:name` syntax). */
export interface SqlCondition {
  readonly sql: string;
  readonly params: Record<string, unknown>;
}

/** An enum's EWS ordinal, so `IsGreaterThan` and sorting follow Exchange's order (NotStarted < InProgress …). */
function ordinal(column: string, values: readonly string[]): string {
  return `(CASE ${column} ${values.map((v, i) => `WHEN '${v}' THEN ${i}`).join(' ')} END)`;
}

interface FieldSql {
  /** The value compared and sorted on. */
  readonly expression: string;
  /** What a constant is cast to before comparing. */
  readonly type: 'text' | 'integer' | 'double precision' | 'boolean' | 'timestamptz';
  /** Only dates can be missing; every other property always exists on a task. */
  readonly nullable: boolean;
}

const fields: Readonly<Record<TaskQueryField, FieldSql>> = {
  // Exchange compares and sorts text ignoring case.
  subject: { expression: 'lower(t.subject)', type: 'text', nullable: false },
  status: { expression: ordinal('t.status', taskStatuses), type: 'integer', nullable: false },
  importance: { expression: ordinal('t.importance', importances), type: 'integer', nullable: false },
  sensitivity: { expression: ordinal('t.sensitivity', sensitivities), type: 'integer', nullable: false },
  percentComplete: { expression: 't.percent_complete', type: 'double precision', nullable: false },
  isComplete: { expression: "(t.status = 'Completed')", type: 'boolean', nullable: false },
  startDate: { expression: 't.start_date', type: 'timestamptz', nullable: true },
  dueDate: { expression: 't.due_date', type: 'timestamptz', nullable: true },
  completeDate: { expression: 't.complete_date', type: 'timestamptz', nullable: true },
  createdAt: { expression: 't.created_at', type: 'timestamptz', nullable: false },
  lastModifiedAt: { expression: 't.last_modified_at', type: 'timestamptz', nullable: false },
};

const operators: Readonly<Record<TaskComparison, string>> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** Translates a filter tree; parameter names are numbered in one pass so they never collide. */
export function taskFilterSql(filter: TaskFilter): SqlCondition {
  const params: Record<string, unknown> = {};
  const bind = (value: unknown): string => {
    const name = `f${Object.keys(params).length}`;
    params[name] = value;
    return `:${name}`;
  };
  return { sql: conditionOf(filter, bind), params };
}

function conditionOf(filter: TaskFilter, bind: (value: unknown) => string): string {
  switch (filter.op) {
    case 'and':
    case 'or':
      return `(${filter.operands.map((f) => conditionOf(f, bind)).join(filter.op === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${conditionOf(filter.operand, bind)})`;
    case 'exists':
      return fields[filter.field].nullable ? `(${fields[filter.field].expression} IS NOT NULL)` : 'TRUE';
    case 'contains':
      return containsSql(filter, bind);
    default:
      return comparisonSql(filter.op, filter.field, constantOf(filter.field, filter.value), bind);
  }
}

/** A missing property satisfies no comparison (COALESCE), so `Not` of one holds, as in Exchange. */
function comparisonSql(op: TaskComparison, field: TaskQueryField, value: unknown, bind: (value: unknown) => string): string {
  const { expression, type } = fields[field];
  const constant = field === 'subject' ? `lower(CAST(${bind(value)} AS text))` : `CAST(${bind(value)} AS ${type})`;
  return `COALESCE(${expression} ${operators[op]} ${constant}, FALSE)`;
}

/** The constant as its column compares it: an enum by its ordinal. */
function constantOf(field: TaskQueryField, value: string | number | boolean): unknown {
  if (field === 'status') return taskStatuses.indexOf(value as (typeof taskStatuses)[number]);
  if (field === 'importance') return importances.indexOf(value as (typeof importances)[number]);
  if (field === 'sensitivity') return sensitivities.indexOf(value as (typeof sensitivities)[number]);
  return value;
}

/** starts_with / strpos rather than LIKE, so `%` and `_` in the constant are plain characters. */
function containsSql(filter: Extract<TaskFilter, { op: 'contains' }>, bind: (value: unknown) => string): string {
  const fold = (sql: string) => (filter.ignoreCase ? `lower(${sql})` : sql);
  const subject = fold('t.subject');
  const constant = fold(`CAST(${bind(filter.value)} AS text)`);
  switch (filter.mode) {
    case 'FullString':
      return `(${subject} = ${constant})`;
    case 'Prefixed':
      return `starts_with(${subject}, ${constant})`;
    case 'Substring':
      return `(strpos(${subject}, ${constant}) > 0)`;
  }
}

/** ORDER BY terms for the sort keys; a missing date sorts as the smallest value, as Exchange sorts empty properties. */
export function taskSortSql(
  keys: readonly TaskSortKey[],
): { readonly expression: string; readonly order: 'ASC' | 'DESC'; readonly nulls: 'NULLS FIRST' | 'NULLS LAST' }[] {
  return keys.map((key) =>
    key.direction === 'Ascending'
      ? { expression: fields[key.field].expression, order: 'ASC', nulls: 'NULLS FIRST' }
      : { expression: fields[key.field].expression, order: 'DESC', nulls: 'NULLS LAST' },
  );
}
