import type { LegacyFreeBusyStatus } from '@parley/contracts';
import {
  isWorkTime,
  qualityOf,
  statusDuring,
  suggestMeetingTimes,
  type AttendeeType,
  type AttendeeWorkingHours,
  type BusyInterval,
  type SuggestionAttendee,
  type SuggestionOptions,
} from './meeting-suggestions';
import { ianaAvailabilityZone, UTC_ZONE } from './serializable-time-zone';

const H = 3_600_000;
// Tuesday 6 May 2031.
const DAY = Date.UTC(2031, 4, 6);
const at = (hour: number) => DAY + hour * H;
const busy = (from: number, to: number, busyType: LegacyFreeBusyStatus = 'Busy'): BusyInterval => ({
  start: at(from),
  end: at(to),
  busyType,
});
const nineToFive: AttendeeWorkingHours = {
  zone: UTC_ZONE,
  days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  startMinutes: 8 * 60,
  endMinutes: 17 * 60,
};
const person = (events: BusyInterval[], type: AttendeeType = 'Required', excludeConflicts = false): SuggestionAttendee => ({
  type,
  excludeConflicts,
  calendar: { busy: events, workingHours: nineToFive },
});
const unknown: SuggestionAttendee = { type: 'Required', excludeConflicts: false, calendar: null };
const options = (overrides: Partial<SuggestionOptions> = {}): SuggestionOptions => ({
  goodThreshold: 25,
  maximumResultsByDay: 10,
  maximumNonWorkHourResultsByDay: 0,
  meetingDurationMinutes: 60,
  minimumQuality: 'Fair',
  windowStart: DAY,
  windowEnd: DAY + 24 * H,
  currentMeetingStart: null,
  ...overrides,
});
const hoursOf = (starts: readonly { start: number }[]) => starts.map((s) => (s.start - DAY) / H);

describe('meeting suggestions', () => {
  // The e2e scenario's day: alice busy 9–10 and tentative 12–13, bob out of office 10–12.
  const alice = person([busy(9, 10), busy(12, 13, 'Tentative')], 'Organizer');
  const bob = person([busy(10, 12, 'OOF')]);

  it('offers the best work-time starts on a 30-minute step, in time order, with one conflict entry per attendee', () => {
    const [day] = suggestMeetingTimes([alice, bob, unknown], options({ maximumResultsByDay: 3 }), UTC_ZONE);
    expect(day.localDate).toBe(DAY);
    expect(day.quality).toBe('Excellent');
    expect(hoursOf(day.suggestions)).toEqual([8, 13, 13.5]);
    expect(day.suggestions[0]).toEqual({
      start: at(8),
      isWorkTime: true,
      quality: 'Excellent',
      conflicts: [{ kind: 'Individual', busyType: 'Free' }, { kind: 'Individual', busyType: 'Free' }, { kind: 'Unknown' }],
    });
  });

  it('rates a time by the share of people with a conflict, and reports the strongest status of each', () => {
    const [day] = suggestMeetingTimes([alice, bob], options({ minimumQuality: 'Poor', maximumResultsByDay: 48 }), UTC_ZONE);
    const byHour = new Map(day.suggestions.map((s) => [(s.start - DAY) / H, s]));
    // 09:30–10:30: alice busy, bob out of office — both conflict.
    expect(byHour.get(9.5)?.conflicts).toEqual([
      { kind: 'Individual', busyType: 'Busy' },
      { kind: 'Individual', busyType: 'OOF' },
    ]);
    expect(byHour.get(9.5)?.quality).toBe('Poor');
    // 12:00–13:00: alice tentative (a conflict), bob free → 50 % → Poor.
    expect(byHour.get(12)?.quality).toBe('Poor');
    expect(hoursOf(day.suggestions)).toEqual([8, 8.5, 9, 9.5, 10, 10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14, 14.5, 15, 15.5, 16]);
  });

  it.each([
    [0, 4, 25, 'Excellent'],
    [1, 4, 25, 'Good'],
    [1, 4, 20, 'Fair'],
    [2, 4, 25, 'Poor'],
    [1, 3, 25, 'Fair'],
  ] as const)('%i of %i people busy with GoodThreshold %i is %s', (conflicts, people, threshold, quality) => {
    const attendees = Array.from({ length: people }, (_, i) => person(i < conflicts ? [busy(9, 10)] : []));
    const found = attendees.map((a) => ({ kind: 'Individual' as const, busyType: statusDuring(a.calendar?.busy ?? [], at(9), at(10)) }));
    expect(qualityOf(attendees, found, threshold)).toBe(quality);
  });

  it('leaves unknown mailboxes and ExcludeConflicts attendees out of the rating, and makes a busy room Poor', () => {
    const busyNine = [busy(9, 10)];
    const rate = (attendees: SuggestionAttendee[]) =>
      suggestMeetingTimes(attendees, options({ minimumQuality: 'Poor', maximumResultsByDay: 48 }), UTC_ZONE)[0].suggestions.find(
        (s) => s.start === at(9),
      )?.quality;
    expect(rate([person([]), unknown])).toBe('Excellent');
    expect(rate([person([]), person(busyNine, 'Optional', true)])).toBe('Excellent');
    expect(rate([person([]), person([]), person([]), person(busyNine, 'Optional')])).toBe('Good');
    expect(rate([person([]), person(busyNine, 'Room')])).toBe('Poor');
    expect(rate([person([]), person(busyNine, 'Resource', true)])).toBe('Excellent');
  });

  it('keeps MinimumSuggestionQuality and the caps apart for work and non-work hours; a day without suggestions is Poor', () => {
    const everyoneBusy = [person([busy(0, 24)]), person([busy(0, 24)])];
    expect(suggestMeetingTimes(everyoneBusy, options(), UTC_ZONE)).toEqual([{ localDate: DAY, quality: 'Poor', suggestions: [] }]);
    const [day] = suggestMeetingTimes([alice, bob], options({ maximumResultsByDay: 1, maximumNonWorkHourResultsByDay: 2 }), UTC_ZONE);
    expect(day.suggestions.map((s) => [(s.start - DAY) / H, s.isWorkTime])).toEqual([
      [0, false],
      [0.5, false],
      [8, true],
    ]);
    const [none] = suggestMeetingTimes([alice, bob], options({ maximumResultsByDay: 0 }), UTC_ZONE);
    expect(none.suggestions).toEqual([]);
  });

  it('fits every meeting inside the window, one day result per day touched', () => {
    const days = suggestMeetingTimes(
      [person([])],
      options({
        windowStart: at(14),
        windowEnd: at(24 + 9.5),
        meetingDurationMinutes: 90,
        maximumNonWorkHourResultsByDay: 48,
        maximumResultsByDay: 48,
      }),
      UTC_ZONE,
    );
    expect(days.map((d) => d.localDate)).toEqual([DAY, DAY + 24 * H]);
    expect(hoursOf(days[0].suggestions)[0]).toBe(14);
    expect(hoursOf(days[0].suggestions).at(-1)).toBe(23.5);
    expect(hoursOf(days[1].suggestions)).toEqual([24, 24.5, 25, 25.5, 26, 26.5, 27, 27.5, 28, 28.5, 29, 29.5, 30, 30.5, 31, 31.5, 32]);
  });

  it('does not count the moved meeting (CurrentMeetingTime) as a conflict, but does count others', () => {
    const attendees = [person([busy(9, 10)]), person([busy(9, 10), busy(9, 9.5)])];
    const [day] = suggestMeetingTimes(
      attendees,
      options({ currentMeetingStart: at(9), minimumQuality: 'Poor', maximumResultsByDay: 48 }),
      UTC_ZONE,
    );
    expect(day.suggestions.find((s) => s.start === at(9))?.conflicts).toEqual([
      { kind: 'Individual', busyType: 'Free' },
      { kind: 'Individual', busyType: 'Busy' },
    ]);
  });

  it("tells work time by the organizer's hours in its own zone, and walks the request's days across a DST change", () => {
    const berlin: AttendeeWorkingHours = { ...nineToFive, zone: ianaAvailabilityZone('Europe/Berlin') };
    // 06:00 UTC is 08:00 in Berlin (summer time).
    expect(isWorkTime(at(6), at(7), berlin)).toBe(true);
    expect(isWorkTime(at(5.5), at(6.5), berlin)).toBe(false);
    expect(isWorkTime(at(14.5), at(15.5), berlin)).toBe(false);
    expect(isWorkTime(at(14), at(15), { ...berlin, days: ['Monday'] })).toBe(false);
    expect(isWorkTime(at(3), at(4), null)).toBe(true);

    // Sunday 9 March 2031 in Los Angeles has 23 hours: 02:00–03:00 does not exist.
    const la = ianaAvailabilityZone('America/Los_Angeles');
    const start = la.toUtc(Date.UTC(2031, 2, 9));
    const [day] = suggestMeetingTimes(
      [person([])],
      options({
        windowStart: start,
        windowEnd: la.toUtc(Date.UTC(2031, 2, 10)),
        meetingDurationMinutes: 30,
        maximumResultsByDay: 48,
        maximumNonWorkHourResultsByDay: 48,
      }),
      la,
    );
    expect(day.localDate).toBe(Date.UTC(2031, 2, 9));
    expect(day.suggestions).toHaveLength(46);
  });
});
