import { type Attendee, type CalendarItemChanged, CommandErrorCodes, type MeetingResponse } from '@parley/contracts';
import type { StoredCalendarItem } from '@parley/calendar-sync/data-access';
import { newChangeKey } from './calendar-item-id';
import { CalendarException } from './calendar.exception';
import { isOrganizedHere } from './meeting-copy';

/**
 * Refuses what Exchange refuses to answer: an item its own mailbox organizes (a plain
 * appointment included: its organizer is its owner) and a meeting its organizer cancelled.
 */
export function assertAnswerable(copy: StoredCalendarItem): void {
  if (isOrganizedHere(copy))
    throw new CalendarException(
      CommandErrorCodes.invalidOperation,
      'The organizer of a meeting (or owner of an appointment) cannot answer it.',
    );
  if (copy.isCancelled) throw new CalendarException(CommandErrorCodes.invalidOperation, 'The meeting was cancelled by its organizer.');
}

/**
 * The attendee's copy with its owner's answer. Accept and Tentative keep it on (or bring it back
 * to) the calendar, Busy or Tentative for every occurrence; Decline moves it to Deleted Items, as
 * Exchange does with a declined calendar item.
 */
export function answeredCopy(copy: StoredCalendarItem, response: MeetingResponse, now: Date): StoredCalendarItem {
  const changed = { changeKey: newChangeKey(), revision: copy.revision + 1, lastModifiedAt: now };
  if (response === 'Decline') return { ...copy, ...changed, myResponseType: 'Decline', deletedAt: copy.deletedAt ?? now };
  const status = response === 'Accept' ? 'Busy' : 'Tentative';
  return {
    ...copy,
    ...changed,
    myResponseType: response,
    legacyFreeBusyStatus: status,
    deletedAt: null,
    // The answer covers the whole meeting: occurrences drop a status of their own.
    exceptions: copy.exceptions.map((x) => (x.kind === 'modified' ? { ...x, overrides: withoutStatus(x.overrides) } : x)),
  };
}

/**
 * How the answer is announced, as a move between the folders would be: leaving the calendar is a
 * deletion, coming back from Deleted Items a creation, anything else an update.
 */
export function answerChange(before: StoredCalendarItem, after: StoredCalendarItem): CalendarItemChanged['change'] {
  if (after.deletedAt !== null) return 'deleted';
  return before.deletedAt !== null ? 'created' : 'updated';
}

/**
 * The organizer's meeting with `attendee`'s answer on its entry (required or optional), or null
 * when the attendee is no longer listed (nothing to record).
 */
export function withAttendeeResponse(
  meeting: StoredCalendarItem,
  attendee: string,
  response: MeetingResponse,
  now: Date,
): StoredCalendarItem | null {
  const answer = (list: Attendee[]): Attendee[] =>
    list.map((a) => (a.address.toLowerCase() === attendee ? { ...a, responseType: response } : a));
  const listed = [...meeting.requiredAttendees, ...meeting.optionalAttendees].some((a) => a.address.toLowerCase() === attendee);
  if (!listed) return null;
  return {
    ...meeting,
    requiredAttendees: answer(meeting.requiredAttendees),
    optionalAttendees: answer(meeting.optionalAttendees),
    changeKey: newChangeKey(),
    revision: meeting.revision + 1,
    lastModifiedAt: now,
  };
}

function withoutStatus<T extends { legacyFreeBusyStatus?: unknown }>(overrides: T): Omit<T, 'legacyFreeBusyStatus'> {
  const { legacyFreeBusyStatus: _status, ...rest } = overrides;
  return rest;
}
