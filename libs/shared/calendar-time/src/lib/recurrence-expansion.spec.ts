import type { Recurrence, RecurrencePattern, RecurrenceRange } from '@parley/contracts';
import {
  expandInWindow,
  MAX_EXPANSION_STEPS,
  occurrenceAtIndex,
  occurrenceByOriginalStart,
  RecurringSeries,
  seriesBounds,
} from './recurrence-expansion';
import { localToUtc, utcToLocal } from './zoned-time';

const wall = (zone: string, iso: string) => localToUtc(zone, Date.parse(`${iso}Z`));
/** An instant as the zone's wall clock, `YYYY-MM-DD HH:mm`. */
const show = (zone: string, ms: number) => new Date(utcToLocal(zone, ms)).toISOString().slice(0, 16).replace('T', ' ');
const iso = (ms: number) => new Date(ms).toISOString();

function series(
  zone: string,
  start: string,
  end: string,
  pattern: RecurrencePattern,
  range: RecurrenceRange,
  extra: Partial<RecurringSeries> = {},
): RecurringSeries {
  return { zone, start: wall(zone, start), end: wall(zone, end), recurrence: { pattern, range } as Recurrence, ...extra };
}

const everything = (s: RecurringSeries) =>
  expandInWindow(s, Date.parse('1990-01-01T00:00:00Z'), Date.parse('2100-01-01T00:00:00Z'), 5000).occurrences;

describe('recurrence expansion', () => {
  const B = 'Europe/Berlin';
  const LA = 'America/Los_Angeles';

  it.each<[string, string, RecurrencePattern, RecurrenceRange, string[]]>([
    [
      'daily, every 2nd day, 4 times',
      '2026-03-02T09:00:00',
      { type: 'Daily', interval: 2 },
      { type: 'Numbered', startDate: '2026-03-02', numberOfOccurrences: 4 },
      ['2026-03-02 09:00', '2026-03-04 09:00', '2026-03-06 09:00', '2026-03-08 09:00'],
    ],
    [
      'daily up to an end date (inclusive)',
      '2026-03-02T09:00:00',
      { type: 'Daily', interval: 1 },
      { type: 'EndDate', startDate: '2026-03-02', endDate: '2026-03-04' },
      ['2026-03-02 09:00', '2026-03-03 09:00', '2026-03-04 09:00'],
    ],
    [
      'weekly, every 2nd week on Mon and Wed, starting on a Wednesday',
      '2026-03-04T10:00:00',
      { type: 'Weekly', interval: 2, daysOfWeek: ['Monday', 'Wednesday'], firstDayOfWeek: 'Monday' },
      { type: 'Numbered', startDate: '2026-03-04', numberOfOccurrences: 5 },
      ['2026-03-04 10:00', '2026-03-16 10:00', '2026-03-18 10:00', '2026-03-30 10:00', '2026-04-01 10:00'],
    ],
    [
      'fortnightly Sun+Mon, weeks starting Sunday',
      '2026-03-02T10:00:00',
      { type: 'Weekly', interval: 2, daysOfWeek: ['Sunday', 'Monday'], firstDayOfWeek: 'Sunday' },
      { type: 'Numbered', startDate: '2026-03-02', numberOfOccurrences: 3 },
      ['2026-03-02 10:00', '2026-03-15 10:00', '2026-03-16 10:00'],
    ],
    [
      'fortnightly Sun+Mon, weeks starting Monday (the Sunday joins the first week)',
      '2026-03-02T10:00:00',
      { type: 'Weekly', interval: 2, daysOfWeek: ['Sunday', 'Monday'], firstDayOfWeek: 'Monday' },
      { type: 'Numbered', startDate: '2026-03-02', numberOfOccurrences: 3 },
      ['2026-03-02 10:00', '2026-03-08 10:00', '2026-03-16 10:00'],
    ],
    [
      'monthly on day 31 (short months take their last day)',
      '2026-01-31T08:00:00',
      { type: 'AbsoluteMonthly', interval: 1, dayOfMonth: 31 },
      { type: 'Numbered', startDate: '2026-01-31', numberOfOccurrences: 4 },
      ['2026-01-31 08:00', '2026-02-28 08:00', '2026-03-31 08:00', '2026-04-30 08:00'],
    ],
    [
      'monthly on the last Friday',
      '2026-01-30T16:00:00',
      { type: 'RelativeMonthly', interval: 1, daysOfWeek: 'Friday', dayOfWeekIndex: 'Last' },
      { type: 'Numbered', startDate: '2026-01-01', numberOfOccurrences: 3 },
      ['2026-01-30 16:00', '2026-02-27 16:00', '2026-03-27 16:00'],
    ],
    [
      'every 3 months on the first weekday',
      '2026-01-01T09:00:00',
      { type: 'RelativeMonthly', interval: 3, daysOfWeek: 'Weekday', dayOfWeekIndex: 'First' },
      { type: 'EndDate', startDate: '2026-01-01', endDate: '2026-12-31' },
      ['2026-01-01 09:00', '2026-04-01 09:00', '2026-07-01 09:00', '2026-10-01 09:00'],
    ],
    [
      'yearly on 29 February (28th in other years)',
      '2024-02-29T12:00:00',
      { type: 'AbsoluteYearly', month: 'February', dayOfMonth: 29 },
      { type: 'Numbered', startDate: '2024-02-29', numberOfOccurrences: 3 },
      ['2024-02-29 12:00', '2025-02-28 12:00', '2026-02-28 12:00'],
    ],
    [
      'yearly on the fourth Thursday of November',
      '2026-11-26T18:00:00',
      { type: 'RelativeYearly', month: 'November', daysOfWeek: 'Thursday', dayOfWeekIndex: 'Fourth' },
      { type: 'Numbered', startDate: '2026-01-01', numberOfOccurrences: 2 },
      ['2026-11-26 18:00', '2027-11-25 18:00'],
    ],
  ])('%s', (_label, start, pattern, range, expected) => {
    const s = series(
      B,
      start,
      start.replace(/T(\d\d)/, (_m, h: string) => `T${String(Number(h) + 1).padStart(2, '0')}`),
      pattern,
      range,
    );
    const got = everything(s);
    expect(got.map((o) => show(B, o.start))).toEqual(expected);
    expect(got.map((o) => o.index)).toEqual(expected.map((_e, i) => i + 1));
    expect(got.every((o) => o.end - o.start === 3_600_000)).toBe(true);
  });

  describe('daylight saving time: local wall time is kept', () => {
    it.each<[string, string, string, RecurrencePattern, number, string[]]>([
      [
        'Berlin, daily 09:00 over the March change',
        B,
        '2026-03-27T09:00:00',
        { type: 'Daily', interval: 1 },
        4,
        ['2026-03-27T08:00:00.000Z', '2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z'],
      ],
      [
        'Berlin, daily 09:00 over the October change',
        B,
        '2026-10-24T09:00:00',
        { type: 'Daily', interval: 1 },
        2,
        ['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z'],
      ],
      [
        'Los Angeles, weekly Monday 10:00 over the November change',
        LA,
        '2026-10-26T10:00:00',
        { type: 'Weekly', interval: 1, daysOfWeek: ['Monday'], firstDayOfWeek: 'Sunday' },
        3,
        ['2026-10-26T17:00:00.000Z', '2026-11-02T18:00:00.000Z', '2026-11-09T18:00:00.000Z'],
      ],
      [
        'Los Angeles, daily 09:00 over the March change',
        LA,
        '2026-03-07T09:00:00',
        { type: 'Daily', interval: 1 },
        2,
        ['2026-03-07T17:00:00.000Z', '2026-03-08T16:00:00.000Z'],
      ],
      [
        'Berlin, daily 02:30 on the skipped hour moves to 03:30',
        B,
        '2026-03-28T02:30:00',
        { type: 'Daily', interval: 1 },
        3,
        ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z'],
      ],
    ])('%s', (_label, zone, start, pattern, count, expected) => {
      const s = series(zone, start, start.replace('T', 'T').replace(/:00:00$/, ':30:00'), pattern, {
        type: 'Numbered',
        startDate: start.slice(0, 10),
        numberOfOccurrences: count,
      });
      expect(everything(s).map((o) => iso(o.start))).toEqual(expected);
    });

    it('an all-day series spans local midnight to midnight, 23 hours on the spring-forward day', () => {
      const s = series(
        B,
        '2026-03-28T00:00:00',
        '2026-03-29T00:00:00',
        { type: 'Daily', interval: 1 },
        { type: 'Numbered', startDate: '2026-03-28', numberOfOccurrences: 3 },
      );
      const got = everything(s);
      expect(got.map((o) => [show(B, o.start), show(B, o.end)])).toEqual([
        ['2026-03-28 00:00', '2026-03-29 00:00'],
        ['2026-03-29 00:00', '2026-03-30 00:00'],
        ['2026-03-30 00:00', '2026-03-31 00:00'],
      ]);
      expect(got[1].end - got[1].start).toBe(23 * 3_600_000);
    });
  });

  describe('exceptions', () => {
    const weekly = (extra: Partial<RecurringSeries>) =>
      series(
        B,
        '2026-03-02T10:00:00',
        '2026-03-02T11:00:00',
        { type: 'Weekly', interval: 1, daysOfWeek: ['Monday'], firstDayOfWeek: 'Monday' },
        { type: 'Numbered', startDate: '2026-03-02', numberOfOccurrences: 4 },
        extra,
      );

    it('leaves out deleted occurrences but keeps counting them', () => {
      const got = everything(weekly({ deleted: [wall(B, '2026-03-09T10:00:00')] }));
      expect(got.map((o) => [o.index, show(B, o.start)])).toEqual([
        [1, '2026-03-02 10:00'],
        [3, '2026-03-16 10:00'],
        [4, '2026-03-23 10:00'],
      ]);
    });

    it('shows a modified occurrence at its new time, in order, and finds it when moved into the window from outside', () => {
      const moved = {
        originalStart: wall(B, '2026-03-23T10:00:00'),
        start: wall(B, '2026-03-10T15:00:00'),
        end: wall(B, '2026-03-10T16:00:00'),
      };
      const s = weekly({ exceptions: [moved] });
      const got = expandInWindow(s, wall(B, '2026-03-09T00:00:00'), wall(B, '2026-03-12T00:00:00'), 10).occurrences;
      expect(got.map((o) => [o.index, show(B, o.start), o.exception !== null])).toEqual([
        [2, '2026-03-09 10:00', false],
        [4, '2026-03-10 15:00', true],
      ]);
    });
  });

  describe('bounds', () => {
    const noEnd = (startDate: string) =>
      series(B, `${startDate}T09:00:00`, `${startDate}T09:30:00`, { type: 'Daily', interval: 1 }, { type: 'NoEnd', startDate });

    it('expands a NoEnd series only inside the window, with indexes counted from its start', () => {
      const got = expandInWindow(noEnd('2026-01-01'), wall(B, '2026-02-01T00:00:00'), wall(B, '2026-02-08T00:00:00'), 100).occurrences;
      expect(got.map((o) => o.index)).toEqual([32, 33, 34, 35, 36, 37, 38]);
    });

    it('stops at the limit and says so', () => {
      const got = expandInWindow(noEnd('2026-01-01'), wall(B, '2026-01-01T00:00:00'), wall(B, '2027-01-01T00:00:00'), 10);
      expect(got.occurrences).toHaveLength(10);
      expect(got.truncated).toBe(true);
    });

    it('gives up past the step cap instead of looping (a window centuries after the start)', () => {
      const started = Date.now();
      const got = expandInWindow(noEnd('1900-01-01'), Date.parse('2500-01-01T00:00:00Z'), Date.parse('2500-01-08T00:00:00Z'), 100);
      expect(got.occurrences).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(MAX_EXPANSION_STEPS).toBeGreaterThan(365 * 100);
    });

    it('finds occurrences by index and by original start, and the first and last of a bounded series', () => {
      const s = series(
        B,
        '2026-03-02T10:00:00',
        '2026-03-02T11:00:00',
        { type: 'Daily', interval: 1 },
        { type: 'Numbered', startDate: '2026-03-02', numberOfOccurrences: 5 },
      );
      expect(show(B, occurrenceAtIndex(s, 3)?.start as number)).toBe('2026-03-04 10:00');
      expect(occurrenceAtIndex(s, 6)).toBeNull();
      expect(occurrenceByOriginalStart(s, wall(B, '2026-03-05T10:00:00'))?.index).toBe(4);
      expect(occurrenceByOriginalStart(s, wall(B, '2026-03-05T10:30:00'))).toBeNull();
      const { first, last } = seriesBounds(s);
      expect([first?.index, last?.index]).toEqual([1, 5]);
      expect(seriesBounds(noEnd('2026-01-01')).last).toBeNull();
    });

    it('counts a zero-length occurrence in the window at its start only', () => {
      const s = series(
        B,
        '2026-03-02T10:00:00',
        '2026-03-02T10:00:00',
        { type: 'Daily', interval: 1 },
        { type: 'Numbered', startDate: '2026-03-02', numberOfOccurrences: 3 },
      );
      expect(expandInWindow(s, wall(B, '2026-03-03T10:00:00'), wall(B, '2026-03-04T10:00:00'), 10).occurrences.map((o) => o.index)).toEqual(
        [2],
      );
    });
  });
});
