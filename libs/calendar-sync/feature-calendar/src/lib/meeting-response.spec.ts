import type { StoredCalendarItem } from '@parley/calendar-sync/data-access';
import { newChangeKey, newItemKey } from './calendar-item-id';
import { attendeeCopy } from './meeting-copy';
import { answerChange, answeredCopy, assertAnswerable, withAttendeeResponse } from './meeting-response';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const NOW = new Date('2031-11-01T12:00:00Z');
const LATER = new Date('2031-11-02T12:00:00Z');
const at = (iso: string) => new Date(iso);

/** Alice's daily review, 09:00–10:00 UTC from Friday 21 November 2031, three times, bob invited (written in mixed case). */
function review(): StoredCalendarItem {
  return {
    id: newItemKey(),
    mailbox: ALICE,
    subject: 'Review',
    body: null,
    location: null,
    start: at('2031-11-21T09:00:00Z'),
    end: at('2031-11-21T10:00:00Z'),
    isAllDay: false,
    legacyFreeBusyStatus: 'Busy',
    sensitivity: 'Normal',
    organizer: { address: ALICE, responseType: 'Organizer' },
    requiredAttendees: [{ address: 'Bob@Example.com', name: 'Bob', responseType: 'Unknown' }],
    optionalAttendees: [],
    startTimeZone: 'UTC',
    endTimeZone: 'UTC',
    recurrence: { pattern: { type: 'Daily', interval: 1 }, range: { type: 'Numbered', startDate: '2031-11-21', numberOfOccurrences: 3 } },
    rangeStart: at('2031-11-21T09:00:00Z'),
    rangeEnd: at('2031-11-23T10:00:00Z'),
    changeKey: newChangeKey(),
    revision: 2,
    createdAt: NOW,
    lastModifiedAt: NOW,
    deletedAt: null,
    meetingUid: 'uid-7',
    isCancelled: false,
    myResponseType: null,
    exceptions: [
      {
        kind: 'modified',
        originalStart: at('2031-11-22T09:00:00Z'),
        start: at('2031-11-22T11:00:00Z'),
        end: at('2031-11-22T12:00:00Z'),
        overrides: { subject: 'Review (late)' },
      },
    ],
  };
}

const bobsCopy = () => attendeeCopy(review(), null, BOB, false, NOW);

describe('answers to a meeting', () => {
  it('accepts for every occurrence: Busy, the moved occurrence dropping its own Tentative', () => {
    const copy = bobsCopy();
    expect(copy.exceptions[0]).toMatchObject({ kind: 'modified', overrides: { legacyFreeBusyStatus: 'Tentative' } });
    const accepted = answeredCopy(copy, 'Accept', LATER);
    expect(accepted).toMatchObject({
      myResponseType: 'Accept',
      legacyFreeBusyStatus: 'Busy',
      revision: copy.revision + 1,
      lastModifiedAt: LATER,
      deletedAt: null,
    });
    expect(accepted.exceptions).toEqual([{ ...copy.exceptions[0], overrides: { subject: 'Review (late)' } }]);
    expect(accepted.changeKey).not.toBe(copy.changeKey);
    expect(answerChange(copy, accepted)).toBe('updated');
  });

  it('declines into Deleted Items, and brings a declined copy back with a later answer', () => {
    const copy = bobsCopy();
    const declined = answeredCopy(copy, 'Decline', LATER);
    expect(declined).toMatchObject({ myResponseType: 'Decline', deletedAt: LATER, legacyFreeBusyStatus: 'Tentative' });
    expect(answerChange(copy, declined)).toBe('deleted');
    const tentative = answeredCopy(declined, 'Tentative', LATER);
    expect(tentative).toMatchObject({ myResponseType: 'Tentative', legacyFreeBusyStatus: 'Tentative', deletedAt: null });
    expect(answerChange(declined, tentative)).toBe('created');
  });

  it("records the answer on the organizer's entry for the attendee, whatever the case of its address", () => {
    const meeting = review();
    const recorded = withAttendeeResponse(meeting, BOB, 'Tentative', LATER);
    expect(recorded?.requiredAttendees).toEqual([{ address: 'Bob@Example.com', name: 'Bob', responseType: 'Tentative' }]);
    expect(recorded).toMatchObject({ revision: meeting.revision + 1, lastModifiedAt: LATER });
    expect(withAttendeeResponse(meeting, 'carol@example.com', 'Accept', LATER)).toBeNull();
  });

  it("refuses the organizer's own item and a cancelled copy", () => {
    expect(() => assertAnswerable(review())).toThrow(expect.objectContaining({ code: 'InvalidOperation' }));
    expect(() => assertAnswerable({ ...bobsCopy(), isCancelled: true })).toThrow(expect.objectContaining({ code: 'InvalidOperation' }));
    expect(() => assertAnswerable(bobsCopy())).not.toThrow();
  });
});
