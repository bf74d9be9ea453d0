// The calendar glance: today's and tomorrow's meetings from Graph's calendarView, in the user's time
// zone, and which of them makes one's presence "In a meeting".
import type { ParleyApi } from './api';
import type { DateTimeTimeZone } from './oof';
import type { PresenceState } from './protocol';
import { toLocalInputValue, wallTimeToInstant } from './time';

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export const SHOW_AS: readonly ShowAs[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];

/** The part of Graph's event the glance reads (docs/graph-api.md, "Calendar view"). */
export interface GraphEvent {
  id: string;
  subject?: string | null;
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  isAllDay?: boolean;
  showAs?: string;
  isCancelled?: boolean;
  location?: { displayName?: string | null } | null;
}

interface EventPage {
  value?: GraphEvent[];
  '@odata.nextLink'?: string;
}

/** One event as the glance shows it: its span as instants (an all-day event's dates at the user's midnights). */
export interface CalendarEntry {
  id: string;
  subject: string;
  location: string;
  showAs: ShowAs;
  cancelled: boolean;
  allDay: boolean;
  start: number;
  end: number;
}

/** One day of the glance: its span in the user's zone (23, 24 or 25 hours) and the entries overlapping it. */
export interface CalendarDay {
  /** `YYYY-MM-DD` in the user's zone. */
  date: string;
  relative: 'today' | 'tomorrow';
  start: number;
  end: number;
  entries: CalendarEntry[];
}

/** The days asked for: from today's local midnight to the midnight after tomorrow. */
export interface CalendarWindow {
  timeZone: string;
  days: Omit<CalendarDay, 'entries'>[];
  start: number;
  end: number;
}

export const CALENDAR_VIEW_PATH = '/api/v1.0/me/calendarView';
/** A page of the view; two busy days fit in one, `@odata.nextLink` is followed for more. */
export const CALENDAR_PAGE_SIZE = 100;
/** Pages followed at most (500 events over two days is already more than a glance can show). */
export const MAX_CALENDAR_PAGES = 5;
/** While open, the glance asks again this often (an item starting or ending, a change made elsewhere). */
export const CALENDAR_REFRESH_MS = 60_000;

/** `YYYY-MM-DD` of a date key moved by `days` (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

/** The local date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function dateIn(instant: number, timeZone: string): string {
  return toLocalInputValue(instant, timeZone).slice(0, 10);
}

/** The instant a date's midnight is in `timeZone` (or the first instant after it, where DST skips midnight). */
export function midnightOf(date: string, timeZone: string): number {
  return wallTimeToInstant(`${date}T00:00`, timeZone);
}

/** Today and tomorrow in `timeZone`, as seen at `now`: each day's bounds are its own midnights, so a DST day is 23 or 25 hours. */
export function calendarWindow(now: number, timeZone: string): CalendarWindow {
  const today = dateIn(now, timeZone);
  const tomorrow = addDays(today, 1);
  const todayStart = midnightOf(today, timeZone);
  const tomorrowStart = midnightOf(tomorrow, timeZone);
  const end = midnightOf(addDays(today, 2), timeZone);
  return {
    timeZone,
    days: [
      { date: today, relative: 'today', start: todayStart, end: tomorrowStart },
      { date: tomorrow, relative: 'tomorrow', start: tomorrowStart, end },
    ],
    start: todayStart,
    end,
  };
}

/**
 * The calendarView request for the window: the bounds as UTC instants (unambiguous whatever the
 * zone), the answer's times in the user's zone (`Prefer`), which also places all-day events on the
 * user's dates.
 */
export function calendarViewRequest(window: CalendarWindow): { path: string; headers: Record<string, string> } {
  const query = new URLSearchParams({
    startDateTime: new Date(window.start).toISOString(),
    endDateTime: new Date(window.end).toISOString(),
    $top: String(CALENDAR_PAGE_SIZE),
  });
  return { path: `${CALENDAR_VIEW_PATH}?${query.toString()}`, headers: { Prefer: `outlook.timezone="${window.timeZone}"` } };
}

/** The path and query of a next link (the gateway writes absolute URLs; the page stays on its own origin). */
export function samePath(link: string): string {
  const url = new URL(link, 'http://same-origin.invalid');
  return `${url.pathname}${url.search}`;
}

function instantIn(dateTime: string, timeZone: string): number {
  try {
    return wallTimeToInstant(dateTime, timeZone || 'UTC');
  } catch {
    return Number.NaN; // A zone this browser does not know.
  }
}

/** An event as the glance shows it, or null when its times cannot be read. */
export function entryOf(event: GraphEvent, timeZone: string): CalendarEntry | null {
  if (!event.id || !event.start?.dateTime || !event.end?.dateTime) return null;
  const allDay = event.isAllDay === true;
  // An all-day event is a span of dates: its midnights are the user's, whatever zone the answer is in.
  const start = allDay ? midnightOf(event.start.dateTime.slice(0, 10), timeZone) : instantIn(event.start.dateTime, event.start.timeZone);
  const end = allDay ? midnightOf(event.end.dateTime.slice(0, 10), timeZone) : instantIn(event.end.dateTime, event.end.timeZone);
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  const showAs = (SHOW_AS as readonly string[]).includes(event.showAs ?? '') ? (event.showAs as ShowAs) : 'unknown';
  return {
    id: event.id,
    subject: event.subject?.trim() ?? '',
    location: event.location?.displayName?.trim() ?? '',
    showAs,
    cancelled: event.isCancelled === true,
    allDay,
    start,
    end: Math.max(start, end),
  };
}

/** Whether an entry is in a day: it overlaps it (an empty entry at the day's start counts). */
function overlaps(entry: CalendarEntry, day: { start: number; end: number }): boolean {
  return entry.start < day.end && (entry.end > day.start || (entry.end === entry.start && entry.start >= day.start));
}

/** The days of the window with their entries: all-day first, then by start, then by end. An entry spanning both days is in each. */
export function groupByDay(entries: readonly CalendarEntry[], window: CalendarWindow): CalendarDay[] {
  const order = (a: CalendarEntry, b: CalendarEntry) =>
    Number(b.allDay) - Number(a.allDay) || a.start - b.start || a.end - b.end || a.subject.localeCompare(b.subject);
  return window.days.map((day) => ({ ...day, entries: entries.filter((e) => overlaps(e, day)).sort(order) }));
}

const COUNTS_FOR_PRESENCE: ReadonlySet<ShowAs> = new Set(['busy', 'tentative', 'oof']);

/**
 * The entries that put one's presence "In a meeting" now: the server's calendar part of one's own
 * presence says `in-a-meeting` until an instant, which is the end of the block of busy, tentative
 * and out-of-office items (overlapping or back-to-back) running now (docs/calendar-sync.md). The
 * busy items happening now drive it: the one that ends at `until` when there is one, else those
 * whose block reaches `until` (a chain of back-to-back meetings). Instants are compared, never texts.
 */
export function drivingEntryIds(
  entries: readonly CalendarEntry[],
  calendar: PresenceState['calendar'] | undefined,
  now: number,
): Set<string> {
  if (calendar?.state !== 'in-a-meeting') return new Set();
  const counting = entries.filter((e) => !e.cancelled && COUNTS_FOR_PRESENCE.has(e.showAs));
  const current = counting.filter((e) => e.showAs === 'busy' && e.start <= now && now < e.end);
  if (current.length === 0) return new Set();
  const until = calendar.until ? Date.parse(calendar.until) : Number.NaN;
  if (Number.isNaN(until)) return new Set(current.map((e) => e.id));
  const endingAtUntil = current.filter((e) => e.end === until);
  if (endingAtUntil.length > 0) return new Set(endingAtUntil.map((e) => e.id));
  let blockEnd = Math.max(...counting.filter((e) => e.start <= now && now < e.end).map((e) => e.end));
  for (let grown = true; grown;) {
    grown = false;
    for (const e of counting) {
      if (e.start <= blockEnd && e.end > blockEnd) {
        blockEnd = e.end;
        grown = true;
      }
    }
  }
  const nearestEnd = Math.min(...current.map((e) => e.end));
  // The server's `until` may stop short of a chain that runs past its one-day horizon.
  return until > nearestEnd && until <= blockEnd ? new Set(current.map((e) => e.id)) : new Set();
}

/** The window's events, following `@odata.nextLink` up to `MAX_CALENDAR_PAGES` pages. */
export async function loadCalendar(api: ParleyApi, window: CalendarWindow): Promise<{ entries: CalendarEntry[]; complete: boolean }> {
  const { path, headers } = calendarViewRequest(window);
  const events: GraphEvent[] = [];
  let next: string | undefined = path;
  for (let page = 0; next && page < MAX_CALENDAR_PAGES; page++) {
    const answer: EventPage | undefined = await api.request<EventPage>('GET', next, undefined, headers);
    events.push(...(answer?.value ?? []));
    next = answer?.['@odata.nextLink'] ? samePath(answer['@odata.nextLink']) : undefined;
  }
  const entries = events.map((e) => entryOf(e, window.timeZone)).filter((e): e is CalendarEntry => e !== null);
  return { entries, complete: next === undefined };
}
