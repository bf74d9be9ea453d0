import { dayOfWeekIndexes, months, Recurrence, RecurrencePattern, RelativeDay, weekDays } from '@parley/contracts';
import { civilDate, DAY_MS, dayNumber, daysInMonth, localToUtc, parseLocalDate, splitLocal, utcToLocal, weekdayOf } from './zoned-time';

/** A recurring series as the expander needs it: instants in UTC ms, the zone it recurs in. */
export interface RecurringSeries<X extends SeriesException = SeriesException> {
  /** The master's start and end; their wall-clock time of day and length repeat. */
  start: number;
  end: number;
  /** IANA zone the series recurs in: local times stay put across DST changes. */
  zone: string;
  recurrence: Recurrence;
  /** Original starts (UTC ms) of deleted occurrences. */
  deleted?: readonly number[];
  /** Occurrences moved or changed; matched to the series by their original start. */
  exceptions?: readonly X[];
}

export interface SeriesException {
  originalStart: number;
  start: number;
  end: number;
}

export interface Occurrence<X extends SeriesException = SeriesException> {
  /** 1-based position in the series, deleted occurrences included (EWS InstanceIndex). */
  index: number;
  originalStart: number;
  start: number;
  end: number;
  /** The exception that replaced this occurrence, if any. */
  exception: X | null;
  deleted: boolean;
}

/**
 * Guard against runaway series: no expansion looks at more candidate dates than this. A daily
 * series is ~365 a year, so this covers a daily meeting's first ~270 years.
 */
export const MAX_EXPANSION_STEPS = 100_000;

const RELATIVE_INDEX = Object.fromEntries(dayOfWeekIndexes.map((name, i) => [name, i])) as Record<
  (typeof dayOfWeekIndexes)[number],
  number
>;

function weekdayNumber(day: (typeof weekDays)[number]): number {
  return weekDays.indexOf(day);
}

function matchesRelativeDay(spec: RelativeDay, weekday: number): boolean {
  if (spec === 'Day') return true;
  if (spec === 'Weekday') return weekday >= 1 && weekday <= 5;
  if (spec === 'WeekendDay') return weekday === 0 || weekday === 6;
  return weekdayNumber(spec) === weekday;
}

/** The day of `month` that a relative rule (`Last` `Friday`, `First` `Weekday`, …) names. */
export function relativeDayOfMonth(year: number, month: number, spec: RelativeDay, index: (typeof dayOfWeekIndexes)[number]): number {
  const first = dayNumber(year, month, 1);
  const matching: number[] = [];
  for (let d = 0; d < daysInMonth(year, month); d++) if (matchesRelativeDay(spec, weekdayOf(first + d))) matching.push(first + d);
  return index === 'Last' ? matching[matching.length - 1] : matching[RELATIVE_INDEX[index]];
}

function monthNumber(month: (typeof months)[number]): number {
  return months.indexOf(month) + 1;
}

/** Candidate local dates (day numbers) of a pattern from `startDay` on, ascending, unbounded. */
export function* patternDays(pattern: RecurrencePattern, startDay: number): Generator<number> {
  switch (pattern.type) {
    case 'Daily':
      for (let d = startDay; ; d += pattern.interval) yield d;
    case 'Weekly': {
      const firstDay = weekdayNumber(pattern.firstDayOfWeek);
      const wanted = new Set(pattern.daysOfWeek.map(weekdayNumber));
      // Weeks are counted from the one holding the start date, beginning on firstDayOfWeek.
      for (let weekStart = startDay - ((weekdayOf(startDay) - firstDay + 7) % 7); ; weekStart += 7 * pattern.interval) {
        for (let i = 0; i < 7; i++) {
          const d = weekStart + i;
          if (d >= startDay && wanted.has(weekdayOf(d))) yield d;
        }
      }
    }
    case 'AbsoluteMonthly':
    case 'RelativeMonthly': {
      const start = civilDate(startDay);
      for (let m = 0; ; m += pattern.interval) {
        const year = start.year + Math.floor((start.month - 1 + m) / 12);
        const month = ((start.month - 1 + m) % 12) + 1;
        // A day past the month's end falls on its last day (day 31 → 30 April), as Outlook does.
        const d =
          pattern.type === 'AbsoluteMonthly'
            ? dayNumber(year, month, Math.min(pattern.dayOfMonth, daysInMonth(year, month)))
            : relativeDayOfMonth(year, month, pattern.daysOfWeek, pattern.dayOfWeekIndex);
        if (d >= startDay) yield d;
      }
    }
    case 'AbsoluteYearly':
    case 'RelativeYearly': {
      const month = monthNumber(pattern.month);
      for (let year = civilDate(startDay).year; ; year++) {
        const d =
          pattern.type === 'AbsoluteYearly'
            ? dayNumber(year, month, Math.min(pattern.dayOfMonth, daysInMonth(year, month)))
            : relativeDayOfMonth(year, month, pattern.daysOfWeek, pattern.dayOfWeekIndex);
        if (d >= startDay) yield d;
      }
    }
  }
}

/**
 * Every occurrence of a series in order (deleted ones flagged, exceptions attached), stopping at
 * the range's end, at `until` (an original start, UTC ms, exclusive) or after MAX_EXPANSION_STEPS
 * candidates, whichever comes first — so a NoEnd series never loops forever. Occurrences that
 * end well before `from` are counted (for their index) but not yielded, which skips the costly
 * time zone arithmetic for a long series' past; exceptions are always yielded.
 */
export function* occurrencesOf<X extends SeriesException>(
  series: RecurringSeries<X>,
  bounds: { until?: number; from?: number } = {},
): Generator<Occurrence<X>> {
  const until = bounds.until ?? Number.POSITIVE_INFINITY;
  const { range, pattern } = series.recurrence;
  const zone = series.zone;
  const masterLocal = utcToLocal(zone, series.start);
  const { timeOfDay } = splitLocal(masterLocal);
  const wallLength = utcToLocal(zone, series.end) - masterLocal;
  const deleted = new Set(series.deleted ?? []);
  const exceptions = new Map((series.exceptions ?? []).map((x) => [x.originalStart, x]));
  const endDay = range.type === 'EndDate' ? parseLocalDate(range.endDate) : Number.POSITIVE_INFINITY;
  const maxCount = range.type === 'Numbered' ? range.numberOfOccurrences : Number.POSITIVE_INFINITY;
  const untilDay = Number.isFinite(until) ? splitLocal(utcToLocal(zone, until)).day + 1 : Number.POSITIVE_INFINITY;
  const fromDay =
    bounds.from === undefined
      ? Number.NEGATIVE_INFINITY
      : splitLocal(utcToLocal(zone, bounds.from)).day - 2 - Math.ceil(Math.max(wallLength, 0) / DAY_MS);
  const exceptionDays = new Set([...exceptions.keys()].map((originalStart) => splitLocal(utcToLocal(zone, originalStart)).day));

  let index = 0;
  let steps = 0;
  for (const day of patternDays(pattern, parseLocalDate(range.startDate))) {
    if (++steps > MAX_EXPANSION_STEPS || day > endDay || index >= maxCount || day > untilDay) return;
    if (day < fromDay && !exceptionDays.has(day)) {
      index++;
      continue;
    }
    const localStart = day * DAY_MS + timeOfDay;
    const originalStart = localToUtc(zone, localStart);
    if (originalStart >= until) return;
    index++;
    const exception = exceptions.get(originalStart) ?? null;
    yield {
      index,
      originalStart,
      start: exception ? exception.start : originalStart,
      end: exception ? exception.end : localToUtc(zone, localStart + wallLength),
      exception,
      deleted: deleted.has(originalStart),
    };
  }
}

/** Whether [start, end) meets the window [from, to); a zero-length item counts at its start. */
export function overlaps(start: number, end: number, from: number, to: number): boolean {
  return start === end ? start >= from && start < to : start < to && end > from;
}

export interface Expansion<X extends SeriesException> {
  occurrences: Occurrence<X>[];
  /** True when `limit` cut the list. */
  truncated: boolean;
}

/**
 * The live (not deleted) occurrences that overlap [from, to), by start. Exceptions moved into the
 * window from outside it are found too; at most `limit` are returned.
 */
export function expandInWindow<X extends SeriesException>(
  series: RecurringSeries<X>,
  from: number,
  to: number,
  limit: number,
): Expansion<X> {
  // Generate far enough to reach every exception, wherever it was moved from.
  const lastException = Math.max(to, ...(series.exceptions ?? []).map((x) => x.originalStart + 1));
  const found: Occurrence<X>[] = [];
  for (const occurrence of occurrencesOf(series, { until: lastException, from })) {
    if (occurrence.deleted || !overlaps(occurrence.start, occurrence.end, from, to)) continue;
    found.push(occurrence);
  }
  found.sort((a, b) => a.start - b.start || a.index - b.index);
  return { occurrences: found.slice(0, limit), truncated: found.length > limit };
}

/** The occurrence at a 1-based index, or null past the series' end. */
export function occurrenceAtIndex<X extends SeriesException>(series: RecurringSeries<X>, index: number): Occurrence<X> | null {
  if (index < 1) return null;
  for (const occurrence of occurrencesOf(series)) {
    if (occurrence.index === index) return occurrence;
  }
  return null;
}

/** The occurrence whose original start is `originalStart`, or null if the series has none then. */
export function occurrenceByOriginalStart<X extends SeriesException>(
  series: RecurringSeries<X>,
  originalStart: number,
): Occurrence<X> | null {
  for (const occurrence of occurrencesOf(series, { until: originalStart + 1, from: originalStart })) {
    if (occurrence.originalStart === originalStart) return occurrence;
  }
  return null;
}

/** First and (for bounded ranges) last occurrence, deleted ones included; null when there are none. */
export function seriesBounds<X extends SeriesException>(
  series: RecurringSeries<X>,
): { first: Occurrence<X> | null; last: Occurrence<X> | null } {
  let first: Occurrence<X> | null = null;
  let last: Occurrence<X> | null = null;
  const bounded = series.recurrence.range.type !== 'NoEnd';
  for (const occurrence of occurrencesOf(series)) {
    first ??= occurrence;
    if (!bounded) break;
    last = occurrence;
  }
  return { first, last };
}
