import { badRequest, ianaZoneOf, MAIL_CALENDAR_LIMITS, wallClockMs } from '@parley/graph';
import { localToUtc } from '@parley/calendar-time';
import { type ExtendedPropertyRequest, readExtendedPropertyExpand } from './extended-properties';

/** A page of a list: `$top` items after `$skip`. */
export interface Page {
  top: number;
  skip: number;
}

/** A calendarView request: the window as instants (ms) and the page. */
export interface CalendarViewQuery extends Page {
  start: number;
  end: number;
}

/** A message list request. */
export interface MessageListQuery extends Page {
  count: boolean;
  order: 'newest-first' | 'oldest-first';
  properties: ExtendedPropertyRequest[] | undefined;
}

/** A date and time with an offset (`Z`, `+02:00`), or without one (then in the `Prefer` zone, else UTC). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * `GET …/calendarView`: `startDateTime` and `endDateTime` (both required, as Graph requires;
 * ISO 8601, an offset-less time in the `Prefer: outlook.timezone` zone or UTC), the end after the
 * start and at most `MAIL_CALENDAR_LIMITS.maxCalendarViewDays` later; `$top`, `$skip`; `$select`
 * ignored, `$orderby` only `start/dateTime` (the order answered anyway); any other option 400.
 */
export function readCalendarViewQuery(query: URLSearchParams, zone: string | undefined): CalendarViewQuery {
  checkOptions(query, ['startDateTime', 'endDateTime', '$top', '$skip', '$select', '$orderby']);
  const orderBy = query.get('$orderby');
  if (orderBy !== null && !/^\s*start\/dateTime(\s+asc)?\s*$/i.test(orderBy)) {
    throw badRequest("'$orderby' of a calendar view supports only start/dateTime (the order it is answered in).");
  }
  const start = readDateTime(query, 'startDateTime', zone);
  const end = readDateTime(query, 'endDateTime', zone);
  if (end <= start) throw badRequest("'endDateTime' must be after 'startDateTime'.");
  if (end - start > MAIL_CALENDAR_LIMITS.maxCalendarViewDays * 86_400_000) {
    throw badRequest(`A calendar view may span at most ${MAIL_CALENDAR_LIMITS.maxCalendarViewDays} days.`);
  }
  return { start, end, ...readPage(query, MAIL_CALENDAR_LIMITS.maxCalendarViewSkip) };
}

/**
 * `GET …/mailFolders/{folder}/messages`: `$top`, `$skip`, `$count=true|false`, `$orderby`
 * (`receivedDateTime` `desc`, Graph's default, or `asc`), `$expand` of extended properties;
 * `$select` ignored; any other option — `$filter`, `$search` — 400 naming it.
 */
export function readMessageListQuery(query: URLSearchParams): MessageListQuery {
  checkOptions(query, ['$top', '$skip', '$count', '$orderby', '$expand', '$select']);
  const count = query.get('$count');
  if (count !== null && !/^(true|false)$/i.test(count)) throw badRequest("'$count' must be true or false.");
  const orderBy = query.get('$orderby');
  const order = /^\s*receivedDateTime\s+asc\s*$/i.test(orderBy ?? '') ? 'oldest-first' : 'newest-first';
  if (orderBy !== null && !/^\s*receivedDateTime(\s+(asc|desc))?\s*$/i.test(orderBy)) {
    throw badRequest("'$orderby' of messages supports only receivedDateTime asc or desc.");
  }
  return {
    ...readPage(query, MAIL_CALENDAR_LIMITS.maxMessageSkip),
    count: count?.toLowerCase() === 'true',
    order,
    properties: readExtendedPropertyExpand(query.get('$expand')),
  };
}

/** One message: `$expand` of extended properties; `$select` ignored; nothing else. */
export function readMessageQuery(query: URLSearchParams): ExtendedPropertyRequest[] | undefined {
  checkOptions(query, ['$expand', '$select']);
  return readExtendedPropertyExpand(query.get('$expand'));
}

/** Options an operation takes no query option at all for but `$select`, which changes nothing. */
export function checkNoOptions(query: URLSearchParams): void {
  checkOptions(query, ['$select']);
}

function checkOptions(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of new Set(query.keys())) {
    if (!allowed.includes(name)) throw badRequest(`Query option '${name.slice(0, 30)}' is not supported here.`);
    if (query.getAll(name).length > 1) throw badRequest(`Query option '${name.slice(0, 30)}' is given more than once.`);
  }
}

function readPage(query: URLSearchParams, maxSkip: number): Page {
  return {
    top: readWhole(query.get('$top'), '$top', 1, MAIL_CALENDAR_LIMITS.maxTop, MAIL_CALENDAR_LIMITS.defaultTop),
    skip: readWhole(query.get('$skip'), '$skip', 0, maxSkip, 0),
  };
}

function readWhole(value: string | null, name: string, min: number, max: number, fallback: number): number {
  if (value === null) return fallback;
  const n = /^\d{1,7}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n >= min && n <= max)) throw badRequest(`'${name}' must be a whole number from ${min} to ${max}.`);
  return n;
}

function readDateTime(query: URLSearchParams, name: string, zone: string | undefined): number {
  const value = query.get(name);
  if (value === null) throw badRequest(`A calendar view needs its window in startDateTime and endDateTime; '${name}' is missing.`);
  const m = DATE_TIME.exec(value.trim());
  if (!m) throw badRequest(`'${name}' must be an ISO 8601 date and time, e.g. 2031-03-20T00:00:00Z.`);
  const wall = wallClockMs(value.trim());
  if (wall === undefined) throw badRequest(`'${name}' is not a valid date and time.`);
  const offset = m[8];
  if (offset === undefined) return localToUtc(ianaZoneOf(zone ?? 'UTC') ?? 'UTC', wall);
  if (offset.toUpperCase() === 'Z') return wall;
  const sign = offset[0] === '-' ? -1 : 1;
  return wall - sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
}
