import type { StoredCalendarItem, StoredException } from '@parley/calendar-sync/data-access';
import { newChangeKey, newItemKey } from './calendar-item-id';
import { attendeeCopy, cancelledCopy, timeChanged } from './meeting-copy';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const NOW = new Date('2031-11-01T12:00:00Z');
const at = (iso: string) => new Date(iso);

/** Alice's daily planning, 09:00–10:00 UTC from Monday 17 November 2031, five times, bob invited. */
function planning(exceptions: StoredException[] = []): StoredCalendarItem {
  return {
    id: newItemKey(),
    mailbox: ALICE,
    subject: 'Planning',
    body: null,
    location: 'Room 4',
    start: at('2031-11-17T09:00:00Z'),
    end: at('2031-11-17T10:00:00Z'),
    isAllDay: false,
    legacyFreeBusyStatus: 'Busy',
    sensitivity: 'Normal',
    organizer: { address: ALICE, responseType: 'Organizer' },
    requiredAttendees: [{ address: BOB, responseType: 'Unknown' }],
    optionalAttendees: [],
    startTimeZone: 'UTC',
    endTimeZone: 'UTC',
    recurrence: { pattern: { type: 'Daily', interval: 1 }, range: { type: 'Numbered', startDate: '2031-11-17', numberOfOccurrences: 5 } },
    rangeStart: at('2031-11-17T09:00:00Z'),
    rangeEnd: at('2031-11-21T10:00:00Z'),
    changeKey: newChangeKey(),
    revision: 3,
    createdAt: NOW,
    lastModifiedAt: NOW,
    deletedAt: null,
    meetingUid: 'uid-1',
    isCancelled: false,
    myResponseType: null,
    exceptions,
  };
}

describe('attendee copies of a meeting', () => {
  it('makes a new copy tentative and unanswered, in the attendee mailbox, with a key of its own', () => {
    const meeting = planning();
    const copy = attendeeCopy(meeting, null, BOB, false, NOW);
    expect(copy).toMatchObject({
      mailbox: BOB,
      subject: 'Planning',
      legacyFreeBusyStatus: 'Tentative',
      myResponseType: 'NoResponseReceived',
      meetingUid: 'uid-1',
      revision: 1,
      isCancelled: false,
    });
    expect(copy.id).not.toBe(meeting.id);
    expect(copy.organizer.address).toBe(ALICE);
  });

  it('keeps the attendee’s own free/busy and response until the meeting moves', () => {
    const previous: StoredCalendarItem = {
      ...attendeeCopy(planning(), null, BOB, false, NOW),
      legacyFreeBusyStatus: 'Busy',
      myResponseType: 'Accept',
    };
    const renamed = attendeeCopy({ ...planning(), subject: 'Planning v2' }, previous, BOB, false, NOW);
    expect(renamed).toMatchObject({
      id: previous.id,
      subject: 'Planning v2',
      legacyFreeBusyStatus: 'Busy',
      myResponseType: 'Accept',
      revision: 2,
    });
    const moved = attendeeCopy(planning(), previous, BOB, true, NOW);
    expect(moved).toMatchObject({ id: previous.id, legacyFreeBusyStatus: 'Tentative', myResponseType: 'NoResponseReceived' });
  });

  it('takes the organizer’s exceptions: a moved occurrence turns tentative, one only renamed keeps the attendee’s status, the attendee’s own deletions stay', () => {
    const wednesday = at('2031-11-19T09:00:00Z');
    const thursday = at('2031-11-20T09:00:00Z');
    const friday = at('2031-11-21T09:00:00Z');
    const previous: StoredCalendarItem = {
      ...attendeeCopy(planning(), null, BOB, false, NOW),
      exceptions: [
        {
          kind: 'modified',
          originalStart: wednesday,
          start: wednesday,
          end: at('2031-11-19T10:00:00Z'),
          overrides: { legacyFreeBusyStatus: 'Busy' },
        },
        { kind: 'deleted', originalStart: friday },
      ],
    };
    const meeting = planning([
      {
        kind: 'modified',
        originalStart: wednesday,
        start: wednesday,
        end: at('2031-11-19T10:00:00Z'),
        overrides: { subject: 'Planning (renamed)', legacyFreeBusyStatus: 'OOF' },
      },
      { kind: 'modified', originalStart: thursday, start: at('2031-11-20T13:00:00Z'), end: at('2031-11-20T14:00:00Z'), overrides: {} },
    ]);
    expect(attendeeCopy(meeting, previous, BOB, false, NOW).exceptions).toEqual([
      {
        kind: 'modified',
        originalStart: wednesday,
        start: wednesday,
        end: at('2031-11-19T10:00:00Z'),
        overrides: { subject: 'Planning (renamed)', legacyFreeBusyStatus: 'Busy' },
      },
      {
        kind: 'modified',
        originalStart: thursday,
        start: at('2031-11-20T13:00:00Z'),
        end: at('2031-11-20T14:00:00Z'),
        overrides: { legacyFreeBusyStatus: 'Tentative' },
      },
      { kind: 'deleted', originalStart: friday },
    ]);
  });

  it('cancels a copy once: subject prefixed, free, occurrences included', () => {
    const thursday = at('2031-11-20T09:00:00Z');
    const copy = {
      ...attendeeCopy(planning(), null, BOB, false, NOW),
      exceptions: [
        {
          kind: 'modified',
          originalStart: thursday,
          start: thursday,
          end: at('2031-11-20T10:00:00Z'),
          overrides: { subject: 'Planning (long)' },
        },
      ] as StoredException[],
    };
    const cancelled = cancelledCopy(cancelledCopy(copy, NOW), NOW);
    expect(cancelled).toMatchObject({ subject: 'Canceled: Planning', legacyFreeBusyStatus: 'Free', isCancelled: true });
    expect(cancelled.exceptions[0]).toMatchObject({ overrides: { subject: 'Canceled: Planning (long)', legacyFreeBusyStatus: 'Free' } });
  });

  it('counts start, end, all-day, zones and rule as the meeting’s time, and nothing else', () => {
    const meeting = planning();
    expect(timeChanged(meeting, { ...meeting, subject: 'Other', location: null })).toBe(false);
    expect(timeChanged(meeting, { ...meeting, end: at('2031-11-17T10:30:00Z') })).toBe(true);
    expect(timeChanged(meeting, { ...meeting, startTimeZone: 'W. Europe Standard Time' })).toBe(true);
    expect(timeChanged(meeting, { ...meeting, recurrence: null })).toBe(true);
  });
});
