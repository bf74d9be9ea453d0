import {
  importances,
  MAX_TASK_FILTER_DEPTH,
  MAX_TASK_FILTER_OPERANDS,
  MAX_TASK_FILTER_TEXT,
  sensitivities,
  taskFilterDepth,
  taskStatuses,
  type TaskComparison,
  type TaskFilter,
  type TaskQueryField,
  type TaskSortKey,
} from '@parley/contracts';
import { attr, children, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, EwsResponseCode, NS } from '@parley/ews-gateway/soap';
import { readBoolean } from '../calendar/calendar-item.reader';
import { readInstant, type RequestTimeZone } from '../calendar/request-time-zone';
import {
  propertyPathElements,
  readPropertyPath,
  readRestriction,
  UnsupportedRestriction,
  type ComparisonOp,
  type SearchExpression,
} from '../restriction/search-expression.reader';

/** The FieldURIs of the task properties calendar-sync can filter and sort on. */
const taskFieldUris: Readonly<Record<string, TaskQueryField>> = {
  'item:Subject': 'subject',
  'task:Status': 'status',
  'task:PercentComplete': 'percentComplete',
  'task:IsComplete': 'isComplete',
  'task:StartDate': 'startDate',
  'task:DueDate': 'dueDate',
  'task:CompleteDate': 'completeDate',
  'item:Importance': 'importance',
  'item:Sensitivity': 'sensitivity',
  'item:DateTimeCreated': 'createdAt',
  'item:LastModifiedTime': 'lastModifiedAt',
};

const comparisons: Readonly<Record<ComparisonOp, TaskComparison>> = {
  equal: 'eq',
  notEqual: 'ne',
  greaterThan: 'gt',
  greaterThanOrEqual: 'ge',
  lessThan: 'lt',
  lessThanOrEqual: 'le',
};

export interface TaskQuery {
  readonly restriction?: TaskFilter;
  readonly sortOrder?: TaskSortKey[];
}

type TaskExpression = SearchExpression<TaskQueryField, ComparisonOp>;

function taskField(path: XmlElement): TaskQueryField | undefined {
  return path.local === 'FieldURI' ? taskFieldUris[attr(path, 'FieldURI')?.trim() ?? ''] : undefined;
}

/**
 * FindItem's `m:Restriction` and `m:SortOrder` on the Tasks folder, as the filter tree and sort
 * keys calendar-sync applies before paging. Per-folder refusals (`UnsupportedRestriction`): a
 * property outside `taskFieldUris` (ErrorUnsupportedPathForQuery, or ErrorUnsupportedPathForSortGroup
 * in a sort), Excludes / comparing two properties / Contains on a non-text property or by words
 * (ErrorUnsupportedQueryFilter), a constant the property cannot hold (ErrorInvalidValueForProperty),
 * a tree beyond the contract's bounds (ErrorRestrictionTooComplex).
 * A malformed element is a schema fault.
 */
export function readTaskQuery(body: XmlElement, zone: RequestTimeZone | undefined): TaskQuery {
  const expression = readRestriction(body, {
    operation: 'FindItem on Tasks',
    comparisons: Object.keys(comparisons) as ComparisonOp[],
    property: taskField,
    unsupportedPathText: 'The property path is not supported for a task query.',
  });
  const sortOrder = readSortOrder(body);
  const restriction = expression === undefined ? undefined : withinLimits(toTaskFilter(expression, zone));
  return {
    ...(restriction === undefined ? {} : { restriction }),
    ...(sortOrder === undefined ? {} : { sortOrder }),
  };
}

/** The contract's bounds on a filter, answered as Exchange answers a restriction too large to evaluate. */
function withinLimits(filter: TaskFilter): TaskFilter {
  if (taskFilterDepth(filter) > MAX_TASK_FILTER_DEPTH || widestOperands(filter) > MAX_TASK_FILTER_OPERANDS) {
    throw new UnsupportedRestriction({
      responseCode: EwsResponseCode.ErrorRestrictionTooComplex,
      messageText: 'The restriction is too complex to evaluate.',
    });
  }
  return filter;
}

function widestOperands(filter: TaskFilter): number {
  if (filter.op === 'not') return widestOperands(filter.operand);
  if (filter.op === 'and' || filter.op === 'or') return Math.max(filter.operands.length, ...filter.operands.map(widestOperands));
  return 0;
}

function toTaskFilter(expression: TaskExpression, zone: RequestTimeZone | undefined): TaskFilter {
  switch (expression.op) {
    case 'and':
    case 'or':
      return { op: expression.op, operands: expression.operands.map((operand) => toTaskFilter(operand, zone)) };
    case 'not':
      return { op: 'not', operand: toTaskFilter(expression.operand, zone) };
    case 'exists':
      return { op: 'exists', field: expression.property };
    case 'contains':
      return toContains(expression);
    default:
      return toComparison(comparisons[expression.op], expression.property, expression.value, zone);
  }
}

/** Contains applies to text (the subject) by whole string, prefix or substring; SQL cannot fold non-spacing marks, so those comparisons fold case only. */
function toContains(expression: Extract<TaskExpression, { op: 'contains' }>): TaskFilter {
  if (expression.property !== 'subject') throw unsupportedFilter('Contains applies only to text properties (item:Subject) of a task.');
  const mode = expression.mode;
  if (mode !== 'FullString' && mode !== 'Prefixed' && mode !== 'Substring')
    throw unsupportedFilter(`The ContainmentMode '${mode}' is not supported by FindItem on Tasks.`);
  return { op: 'contains', field: 'subject', value: textConstant(expression.value), mode, ignoreCase: expression.ignoreCase };
}

/** A comparison with its constant typed by the property, as the contract carries it. */
function toComparison(op: TaskComparison, field: TaskQueryField, value: string, zone: RequestTimeZone | undefined): TaskFilter {
  switch (field) {
    case 'subject':
      return { op, field, value: textConstant(value) };
    case 'status':
      return { op, field, value: enumConstant(value, taskStatuses, field) };
    case 'importance':
      return { op, field, value: enumConstant(value, importances, field) };
    case 'sensitivity':
      return { op, field, value: enumConstant(value, sensitivities, field) };
    case 'percentComplete':
      return { op, field, value: numberConstant(value) };
    case 'isComplete':
      return { op, field, value: typed(() => readBoolean(value, 'boolean'), value, field) };
    default:
      return { op, field, value: typed(() => readInstant(value, zone), value, field) };
  }
}

function textConstant(value: string): string {
  if (value.length > MAX_TASK_FILTER_TEXT) throw invalidValue(`A text constant is longer than ${MAX_TASK_FILTER_TEXT} characters.`);
  return value;
}

/**
 * An enum by name (any case) or by its ordinal: Exchange parses constants as .NET enums, which
 * accept the number, and some clients (ews-javascript-api) send enum constants that way.
 */
function enumConstant<T extends string>(value: string, allowed: readonly T[], field: TaskQueryField): T {
  const v = value.trim();
  const found = /^\d{1,2}$/.test(v) ? allowed[Number(v)] : allowed.find((candidate) => candidate.toLowerCase() === v.toLowerCase());
  if (found === undefined) throw invalidValue(`'${value.slice(0, 32)}' is not a valid value for ${field}.`);
  return found;
}

function numberConstant(value: string): number {
  const v = value.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$/.test(v) || !Number.isFinite(Number(v)))
    throw invalidValue(`'${v.slice(0, 32)}' is not a valid value for percentComplete.`);
  return Number(v);
}

/** Runs a reader that faults on a malformed value and turns the fault into the per-folder error Exchange gives a restriction. */
function typed<T>(read: () => T, value: string, field: TaskQueryField): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof EwsError) throw invalidValue(`'${value.slice(0, 32)}' is not a valid value for ${field}.`);
    throw error;
  }
}

/** `m:SortOrder` → its `t:FieldOrder`s, most significant first; a field sorted again is dropped (the first key already decided). */
function readSortOrder(body: XmlElement): TaskSortKey[] | undefined {
  const sortOrder = children(body, NS.MESSAGES, 'SortOrder')[0];
  if (sortOrder === undefined) return undefined;
  const keys = children(sortOrder, NS.TYPES, 'FieldOrder').map(readFieldOrder);
  return keys.filter((key, i) => keys.findIndex((k) => k.field === key.field) === i);
}

function readFieldOrder(order: XmlElement): TaskSortKey {
  const direction = attr(order, 'Order')?.trim();
  if (direction !== 'Ascending' && direction !== 'Descending')
    throw new EwsError(EwsErrorCode.InvalidValue, "A 'FieldOrder' needs an 'Order' of Ascending or Descending.");
  const path = children(order, NS.TYPES)[0];
  if (path === undefined || !propertyPathElements.includes(path.local))
    throw new EwsError(EwsErrorCode.InvalidValue, "A 'FieldOrder' must contain a property path.");
  const field = readPropertyPath(
    path,
    taskField,
    'The property path is not supported for sorting tasks.',
    EwsResponseCode.ErrorUnsupportedPathForSortGroup,
  );
  return { field, direction };
}

function unsupportedFilter(messageText: string): UnsupportedRestriction {
  return new UnsupportedRestriction({ responseCode: EwsResponseCode.ErrorUnsupportedQueryFilter, messageText });
}

function invalidValue(messageText: string): UnsupportedRestriction {
  return new UnsupportedRestriction({ responseCode: EwsResponseCode.ErrorInvalidValueForProperty, messageText });
}
