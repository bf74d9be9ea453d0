import type { OccurrenceOverrides, StoredCalendarItem, StoredException } from '@parley/calendar-sync/data-access';
import { newChangeKey, newItemKey } from './calendar-item-id';
import { rangeOf } from './calendar-item.mapper';

/** What Exchange puts before the subject of a meeting its organizer cancelled. */
export const CANCELED_PREFIX = 'Canceled: ';

/** Whether `item` is a meeting its own mailbox organizes (only those reach attendees). */
export function isOrganizedHere(item: StoredCalendarItem): boolean {
  return item.organizer.address === item.mailbox;
}

/** Whether an update moved the meeting in time (its attendees must then answer again). */
export function timeChanged(before: StoredCalendarItem, after: StoredCalendarItem): boolean {
  return (
    before.start.getTime() !== after.start.getTime() ||
    before.end.getTime() !== after.end.getTime() ||
    before.isAllDay !== after.isAllDay ||
    before.startTimeZone !== after.startTimeZone ||
    before.endTimeZone !== after.endTimeZone ||
    JSON.stringify(before.recurrence) !== JSON.stringify(after.recurrence)
  );
}

/**
 * An attendee's copy of the organizer's meeting, new (`previous` null) or brought up to date.
 * The meeting's fields are the organizer's; free/busy and response are the attendee's own, back
 * to Tentative / NoResponseReceived (as the calendar attendant places an invitation) when the
 * copy is new, was cancelled, or the meeting moved.
 */
export function attendeeCopy(
  meeting: StoredCalendarItem,
  previous: StoredCalendarItem | null,
  mailbox: string,
  moved: boolean,
  now: Date,
): StoredCalendarItem {
  const fresh = previous === null || previous.isCancelled || moved;
  const copy: StoredCalendarItem = {
    id: previous?.id ?? newItemKey(),
    mailbox,
    subject: meeting.subject,
    body: meeting.body,
    location: meeting.location,
    start: meeting.start,
    end: meeting.end,
    isAllDay: meeting.isAllDay,
    legacyFreeBusyStatus: fresh ? 'Tentative' : previous.legacyFreeBusyStatus,
    sensitivity: meeting.sensitivity,
    organizer: meeting.organizer,
    requiredAttendees: meeting.requiredAttendees,
    optionalAttendees: meeting.optionalAttendees,
    startTimeZone: meeting.startTimeZone,
    endTimeZone: meeting.endTimeZone,
    recurrence: meeting.recurrence,
    rangeStart: meeting.rangeStart,
    rangeEnd: meeting.rangeEnd,
    changeKey: newChangeKey(),
    revision: previous ? previous.revision + 1 : 1,
    createdAt: previous?.createdAt ?? now,
    lastModifiedAt: now,
    deletedAt: previous?.deletedAt ?? null,
    meetingUid: meeting.meetingUid,
    isCancelled: false,
    myResponseType: fresh ? 'NoResponseReceived' : previous.myResponseType,
    exceptions: copyExceptions(meeting, moved ? null : previous),
  };
  return { ...copy, ...rangeOf(copy) };
}

/** The copy cancelled by its organizer: still on the calendar, marked and free (as Exchange leaves it). */
export function cancelledCopy(copy: StoredCalendarItem, now: Date): StoredCalendarItem {
  return {
    ...copy,
    subject: canceled(copy.subject),
    legacyFreeBusyStatus: 'Free',
    isCancelled: true,
    exceptions: copy.exceptions.map((x) =>
      x.kind === 'modified'
        ? {
            ...x,
            overrides: {
              ...x.overrides,
              legacyFreeBusyStatus: 'Free',
              ...(x.overrides.subject !== undefined ? { subject: canceled(x.overrides.subject) } : {}),
            },
          }
        : x,
    ),
    changeKey: newChangeKey(),
    revision: copy.revision + 1,
    lastModifiedAt: now,
  };
}

function canceled(subject: string): string {
  return subject.startsWith(CANCELED_PREFIX) ? subject : CANCELED_PREFIX + subject;
}

/**
 * The organizer's exceptions as the copy holds them. An occurrence keeps the attendee's own
 * free/busy while its time stays, and turns Tentative when it moved; occurrences the attendee
 * deleted stay deleted (their original starts still exist unless the series was reshaped, when
 * `previous` is null).
 */
function copyExceptions(meeting: StoredCalendarItem, previous: StoredCalendarItem | null): StoredException[] {
  const own = new Map((previous?.exceptions ?? []).map((x) => [x.originalStart.getTime(), x]));
  const duration = meeting.end.getTime() - meeting.start.getTime();
  const fromOrganizer = meeting.exceptions.map((x): StoredException => {
    if (x.kind === 'deleted') return x;
    const mine = own.get(x.originalStart.getTime());
    const wasStart = mine?.kind === 'modified' ? mine.start.getTime() : x.originalStart.getTime();
    const wasEnd = mine?.kind === 'modified' ? mine.end.getTime() : x.originalStart.getTime() + duration;
    const moved = wasStart !== x.start.getTime() || wasEnd !== x.end.getTime();
    const status = moved ? 'Tentative' : mine?.kind === 'modified' ? mine.overrides.legacyFreeBusyStatus : undefined;
    const { legacyFreeBusyStatus: _organizers, ...overrides } = x.overrides;
    const withStatus: OccurrenceOverrides = status === undefined ? overrides : { ...overrides, legacyFreeBusyStatus: status };
    return { ...x, overrides: withStatus };
  });
  const organizerStarts = new Set(meeting.exceptions.map((x) => x.originalStart.getTime()));
  const deletedByAttendee = [...own.values()].filter((x) => x.kind === 'deleted' && !organizerStarts.has(x.originalStart.getTime()));
  return [...fromOrganizer, ...deletedByAttendee].sort((a, b) => a.originalStart.getTime() - b.originalStart.getTime());
}
