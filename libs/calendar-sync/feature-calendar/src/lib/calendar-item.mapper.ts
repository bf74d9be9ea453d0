import type {
  CalendarItemView,
  LegacyFreeBusyStatus,
  ResponseType,
  ModifiedOccurrence,
  OccurrenceInfo,
  OccurrenceRef,
  OccurrenceSummary,
} from '@parley/contracts';
import { expandInWindow, Occurrence, occurrencesOf, overlaps, RecurringSeries, seriesBounds, windowsToIana } from '@parley/calendar-time';
import type { OccurrenceOverrides, StoredCalendarItem } from '@parley/calendar-sync/data-access';
import { encodeItemId, encodeOccurrenceId } from './calendar-item-id';

/** A modified occurrence as the expander carries it. */
export interface ModifiedException {
  originalStart: number;
  start: number;
  end: number;
  overrides: OccurrenceOverrides;
}

export type ItemOccurrence = Occurrence<ModifiedException>;

/** One entry of a calendar view: a single item, or one occurrence of a series. */
export interface Instance {
  item: StoredCalendarItem;
  occurrence: ItemOccurrence | null;
  start: number;
  end: number;
}

/** The IANA zone an item recurs in (its start time zone); UTC if the stored id is unknown. */
export function zoneOf(item: Pick<StoredCalendarItem, 'startTimeZone'>): string {
  return windowsToIana(item.startTimeZone) ?? 'Etc/UTC';
}

export function seriesOf(item: StoredCalendarItem): RecurringSeries<ModifiedException> {
  if (!item.recurrence) throw new Error(`item ${item.id} is not a series`);
  return {
    start: item.start.getTime(),
    end: item.end.getTime(),
    zone: zoneOf(item),
    recurrence: item.recurrence,
    deleted: item.exceptions.filter((x) => x.kind === 'deleted').map((x) => x.originalStart.getTime()),
    exceptions: item.exceptions.flatMap((x) =>
      x.kind === 'modified'
        ? [{ originalStart: x.originalStart.getTime(), start: x.start.getTime(), end: x.end.getTime(), overrides: x.overrides }]
        : [],
    ),
  };
}

/** The span an item can occupy, stored so that views pick candidates with an index. */
export function rangeOf(item: StoredCalendarItem): { rangeStart: Date; rangeEnd: Date | null } {
  if (!item.recurrence) return { rangeStart: item.start, rangeEnd: item.end };
  const series = seriesOf(item);
  const { first, last } = seriesBounds(series);
  const modified = series.exceptions ?? [];
  const starts = [first?.start ?? series.start, series.start, ...modified.map((x) => x.start)];
  const rangeStart = new Date(Math.min(...starts));
  if (item.recurrence.range.type === 'NoEnd') return { rangeStart, rangeEnd: null };
  const ends = [last?.end ?? series.end, series.end, ...modified.map((x) => x.end)];
  return { rangeStart, rangeEnd: new Date(Math.max(...ends)) };
}

/** Single items and live occurrences overlapping [from, to), each series giving at most `limit`. */
export function instancesInWindow(
  item: StoredCalendarItem,
  from: number,
  to: number,
  limit: number,
): { instances: Instance[]; truncated: boolean } {
  if (!item.recurrence) {
    const hit = overlaps(item.start.getTime(), item.end.getTime(), from, to);
    return { instances: hit ? [{ item, occurrence: null, start: item.start.getTime(), end: item.end.getTime() }] : [], truncated: false };
  }
  const expansion = expandInWindow(seriesOf(item), from, to, limit);
  return {
    instances: expansion.occurrences.map((occurrence) => ({ item, occurrence, start: occurrence.start, end: occurrence.end })),
    truncated: expansion.truncated,
  };
}

const iso = (ms: number | Date) => new Date(ms).toISOString();

function occurrenceRef(item: StoredCalendarItem, o: ItemOccurrence): OccurrenceRef {
  return { seriesId: encodeItemId(item.mailbox, item.id), index: o.index, originalStart: iso(o.originalStart) };
}

/**
 * One walk over a series for what its master shows: the first and last occurrence by position
 * (deleted ones included: `firstOccurrence` / `lastOccurrence`) and the first and last live ones
 * (the EWS summary). A series without end stops at its first live occurrence and has no last, so
 * only a numbered or end-dated series is walked to its end (and never past MAX_EXPANSION_STEPS).
 */
function seriesEnds(series: RecurringSeries<ModifiedException>): {
  first: ItemOccurrence | null;
  last: ItemOccurrence | null;
  firstLive: ItemOccurrence | null;
  lastLive: ItemOccurrence | null;
} {
  const bounded = series.recurrence.range.type !== 'NoEnd';
  let first: ItemOccurrence | null = null;
  let last: ItemOccurrence | null = null;
  let firstLive: ItemOccurrence | null = null;
  let lastLive: ItemOccurrence | null = null;
  for (const occurrence of occurrencesOf(series)) {
    first ??= occurrence;
    if (!occurrence.deleted) firstLive ??= occurrence;
    if (!bounded) {
      if (firstLive) break;
      continue;
    }
    last = occurrence;
    if (!occurrence.deleted) lastLive = occurrence;
  }
  return { first, last, firstLive, lastLive };
}

function occurrenceInfo(item: StoredCalendarItem, o: { originalStart: number; start: number; end: number }): OccurrenceInfo {
  return {
    id: encodeOccurrenceId(item.mailbox, item.id, o.originalStart),
    start: iso(o.start),
    end: iso(o.end),
    originalStart: iso(o.originalStart),
  };
}

/** The fields every view of an item shares; the series-wide ones are left empty here. */
function baseView(item: StoredCalendarItem): CalendarItemView {
  return {
    id: encodeItemId(item.mailbox, item.id),
    changeKey: item.changeKey,
    mailbox: item.mailbox,
    itemType: item.recurrence ? 'RecurringMaster' : 'Single',
    subject: item.subject,
    body: item.body,
    location: item.location,
    start: iso(item.start),
    end: iso(item.end),
    isAllDay: item.isAllDay,
    legacyFreeBusyStatus: item.legacyFreeBusyStatus,
    sensitivity: item.sensitivity,
    organizer: item.organizer,
    requiredAttendees: item.requiredAttendees,
    optionalAttendees: item.optionalAttendees,
    startTimeZone: item.startTimeZone,
    endTimeZone: item.endTimeZone,
    recurrence: null,
    modifiedOccurrences: [],
    deletedOccurrences: [],
    occurrence: null,
    firstOccurrence: null,
    lastOccurrence: null,
    occurrences: null,
    revision: item.revision,
    createdAt: iso(item.createdAt),
    lastModifiedAt: iso(item.lastModifiedAt),
    folder: item.deletedAt ? 'deleteditems' : 'calendar',
    isMeeting: item.requiredAttendees.length + item.optionalAttendees.length > 0 || item.organizer.address !== item.mailbox,
    isCancelled: item.isCancelled,
    myResponseType: myResponseTypeOf(item),
    meetingUid: item.meetingUid,
  };
}

/** The mailbox's own answer: Organizer on its own meetings, the stored one on a copy, else its attendee entry's. */
function myResponseTypeOf(item: StoredCalendarItem): ResponseType {
  if (item.organizer.address === item.mailbox) return 'Organizer';
  if (item.myResponseType) return item.myResponseType;
  return [...item.requiredAttendees, ...item.optionalAttendees].find((a) => a.address === item.mailbox)?.responseType ?? 'Unknown';
}

/** The item (single or series master) as a reply or event carries it. */
export function itemView(item: StoredCalendarItem): CalendarItemView {
  const base = baseView(item);
  if (!item.recurrence) return base;
  const ends = seriesEnds(seriesOf(item));
  const modified = item.exceptions
    .flatMap((x) => (x.kind === 'modified' ? [x] : []))
    .sort((a, b) => a.originalStart.getTime() - b.originalStart.getTime());
  const occurrences: OccurrenceSummary = {
    first: ends.firstLive ? occurrenceInfo(item, ends.firstLive) : null,
    last: ends.lastLive ? occurrenceInfo(item, ends.lastLive) : null,
    modified: modified.map((x) =>
      occurrenceInfo(item, { originalStart: x.originalStart.getTime(), start: x.start.getTime(), end: x.end.getTime() }),
    ),
  };
  return {
    ...base,
    recurrence: item.recurrence,
    modifiedOccurrences: modified.map((x): ModifiedOccurrence => ({
      originalStart: iso(x.originalStart),
      start: iso(x.start),
      end: iso(x.end),
      overrides: x.overrides,
    })),
    deletedOccurrences: item.exceptions.filter((x) => x.kind === 'deleted').map((x) => iso(x.originalStart)),
    firstOccurrence: ends.first ? occurrenceRef(item, ends.first) : null,
    lastOccurrence: ends.last ? occurrenceRef(item, ends.last) : null,
    occurrences,
  };
}

/** One occurrence of a series: its own id, start and end, with its exception's fields applied. */
export function occurrenceView(item: StoredCalendarItem, o: ItemOccurrence): CalendarItemView {
  // baseView, not itemView: an occurrence carries no series summary, so the series is not walked.
  const base = baseView(item);
  const overrides = o.exception?.overrides ?? {};
  return {
    ...base,
    id: encodeOccurrenceId(item.mailbox, item.id, o.originalStart),
    itemType: o.exception ? 'Exception' : 'Occurrence',
    subject: overrides.subject ?? item.subject,
    body: overrides.body !== undefined ? overrides.body : item.body,
    location: overrides.location !== undefined ? overrides.location : item.location,
    isAllDay: overrides.isAllDay ?? item.isAllDay,
    legacyFreeBusyStatus: overrides.legacyFreeBusyStatus ?? item.legacyFreeBusyStatus,
    sensitivity: overrides.sensitivity ?? item.sensitivity,
    start: iso(o.start),
    end: iso(o.end),
    occurrence: occurrenceRef(item, o),
  };
}

export function instanceView(instance: Instance): CalendarItemView {
  return instance.occurrence ? occurrenceView(instance.item, instance.occurrence) : itemView(instance.item);
}

/** What free/busy needs of an instance. */
export function instanceStatus(instance: Instance): {
  status: LegacyFreeBusyStatus;
  subject: string;
  location: string | null;
  sensitivity: StoredCalendarItem['sensitivity'];
} {
  const overrides = instance.occurrence?.exception?.overrides ?? {};
  return {
    status: overrides.legacyFreeBusyStatus ?? instance.item.legacyFreeBusyStatus,
    subject: overrides.subject ?? instance.item.subject,
    location: overrides.location !== undefined ? overrides.location : instance.item.location,
    sensitivity: overrides.sensitivity ?? instance.item.sensitivity,
  };
}
