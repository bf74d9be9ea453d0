import type { Recurrence } from '@parley/contracts';
import type { StoredCalendarItem, StoredException } from '@parley/calendar-sync/data-access';
import { occurrenceByOriginalStart } from '@parley/calendar-time';
import { decodeItemId, newChangeKey, newItemKey } from './calendar-item-id';
import { itemView, occurrenceView, seriesOf } from './calendar-item.mapper';

const ALICE = 'alice@example.com';
const weekly: Recurrence['pattern'] = { type: 'Weekly', interval: 1, daysOfWeek: ['Monday', 'Wednesday'], firstDayOfWeek: 'Monday' };

/** A weekly stand-up, Mondays and Wednesdays 09:00 Berlin from Monday 16 March 2026 (DST starts on the 29th). */
function standUp(range: Recurrence['range'], exceptions: StoredException[] = []): StoredCalendarItem {
  const at = new Date('2026-03-01T00:00:00Z');
  return {
    id: newItemKey(),
    mailbox: ALICE,
    subject: 'Stand-up',
    body: null,
    location: null,
    start: new Date('2026-03-16T08:00:00Z'),
    end: new Date('2026-03-16T08:15:00Z'),
    isAllDay: false,
    legacyFreeBusyStatus: 'Busy',
    sensitivity: 'Normal',
    organizer: { address: ALICE, responseType: 'Organizer' },
    requiredAttendees: [],
    optionalAttendees: [],
    startTimeZone: 'W. Europe Standard Time',
    endTimeZone: 'W. Europe Standard Time',
    recurrence: { pattern: weekly, range },
    rangeStart: at,
    rangeEnd: null,
    changeKey: newChangeKey(),
    revision: 1,
    createdAt: at,
    lastModifiedAt: at,
    deletedAt: null,
    meetingUid: null,
    isCancelled: false,
    myResponseType: null,
    exceptions,
  };
}

const numbered = { type: 'Numbered', startDate: '2026-03-16', numberOfOccurrences: 6 } as const;

describe('occurrence summary of a series master', () => {
  it('gives a numbered series its first and last occurrence, each with an occurrence id of its own', () => {
    const item = standUp(numbered);
    const { occurrences } = itemView(item);
    expect(occurrences).toEqual({
      first: {
        id: expect.any(String),
        start: '2026-03-16T08:00:00.000Z',
        end: '2026-03-16T08:15:00.000Z',
        originalStart: '2026-03-16T08:00:00.000Z',
      },
      // The sixth, Wednesday 1 April: 09:00 Berlin is 07:00 UTC after the DST change.
      last: {
        id: expect.any(String),
        start: '2026-04-01T07:00:00.000Z',
        end: '2026-04-01T07:15:00.000Z',
        originalStart: '2026-04-01T07:00:00.000Z',
      },
      modified: [],
    });
    expect(decodeItemId(ALICE, occurrences?.last?.id ?? '')).toEqual({
      kind: 'occurrence',
      key: item.id,
      originalStart: Date.parse('2026-04-01T07:00:00Z'),
    });
    expect(decodeItemId('bob@example.com', occurrences?.first?.id ?? '')).toBeNull();
  });

  it('ends an end-dated series on its last occurrence on or before the end date', () => {
    const { occurrences } = itemView(standUp({ type: 'EndDate', startDate: '2026-03-16', endDate: '2026-03-30' }));
    expect([occurrences?.first?.start, occurrences?.last?.start]).toEqual(['2026-03-16T08:00:00.000Z', '2026-03-30T07:00:00.000Z']);
  });

  it('has no last occurrence for a series without end, as Exchange omits LastOccurrence then', () => {
    const { occurrences } = itemView(standUp({ type: 'NoEnd', startDate: '2026-03-16' }));
    expect(occurrences?.first?.start).toBe('2026-03-16T08:00:00.000Z');
    expect(occurrences?.last).toBeNull();
  });

  it('lists a moved occurrence by its own id and skips deleted ones for first and last', () => {
    const item = standUp(numbered, [
      { kind: 'deleted', originalStart: new Date('2026-03-16T08:00:00Z') },
      {
        kind: 'modified',
        originalStart: new Date('2026-03-23T08:00:00Z'),
        start: new Date('2026-03-23T13:00:00Z'),
        end: new Date('2026-03-23T14:00:00Z'),
        overrides: { subject: 'Moved' },
      },
      { kind: 'deleted', originalStart: new Date('2026-04-01T07:00:00Z') },
    ]);
    const view = itemView(item);
    expect(view.occurrences).toEqual({
      first: expect.objectContaining({ start: '2026-03-18T08:00:00.000Z' }),
      last: expect.objectContaining({ start: '2026-03-30T07:00:00.000Z' }),
      modified: [
        {
          id: expect.any(String),
          start: '2026-03-23T13:00:00.000Z',
          end: '2026-03-23T14:00:00.000Z',
          originalStart: '2026-03-23T08:00:00.000Z',
        },
      ],
    });
    expect(view.deletedOccurrences).toEqual(['2026-03-16T08:00:00.000Z', '2026-04-01T07:00:00.000Z']);
    // The positional refs still count deleted occurrences.
    expect([view.firstOccurrence?.index, view.lastOccurrence?.index]).toEqual([1, 6]);

    // The modified occurrence's id is the one its occurrence view answers with.
    const moved = occurrenceByOriginalStart(seriesOf(item), Date.parse('2026-03-23T08:00:00Z'));
    expect(moved && occurrenceView(item, moved)).toMatchObject({
      id: view.occurrences?.modified[0].id,
      itemType: 'Exception',
      subject: 'Moved',
      occurrences: null,
    });
  });

  it('is null on a single item', () => {
    const single = { ...standUp(numbered), recurrence: null };
    expect(itemView(single)).toMatchObject({ itemType: 'Single', occurrences: null, firstOccurrence: null });
  });
});
