import { toLocalInputValue, wallTimeToInstant } from './time';

const iso = (instant: number) => new Date(instant).toISOString();

describe('wallTimeToInstant', () => {
  it('reads a wall time in the zone, with seconds and fractions, and refuses what it cannot read', () => {
    expect(iso(wallTimeToInstant('2026-12-03T11:30', 'Europe/Rome'))).toBe('2026-12-03T10:30:00.000Z');
    expect(iso(wallTimeToInstant('2026-07-03T11:30:15.0000000', 'Europe/Rome'))).toBe('2026-07-03T09:30:15.000Z');
    expect(iso(wallTimeToInstant('2026-12-03T11:30:00', 'UTC'))).toBe('2026-12-03T11:30:00.000Z');
    expect(iso(wallTimeToInstant('2026-12-03T05:30', 'Asia/Kolkata'))).toBe('2026-12-03T00:00:00.000Z');
    expect(wallTimeToInstant('3 December', 'Europe/Rome')).toBeNaN();
  });

  it.each([
    // Skipped by a spring-forward change: moved forward by the gap, east and west of Greenwich.
    ['2026-03-29T02:30', 'Europe/Rome', '2026-03-29T01:30:00.000Z', '2026-03-29T03:30'],
    ['2026-03-08T02:30', 'America/New_York', '2026-03-08T07:30:00.000Z', '2026-03-08T03:30'],
    ['2026-09-06T00:00', 'America/Santiago', '2026-09-06T04:00:00.000Z', '2026-09-06T01:00'],
    // Repeated by a fall-back change: the later instant, east and west.
    ['2026-10-25T02:30', 'Europe/Rome', '2026-10-25T01:30:00.000Z', '2026-10-25T02:30'],
    ['2026-11-01T01:30', 'America/New_York', '2026-11-01T06:30:00.000Z', '2026-11-01T01:30'],
  ])('%s in %s is %s (wall %s)', (wall, zone, instant, shown) => {
    const at = wallTimeToInstant(wall, zone);
    expect(iso(at)).toBe(instant);
    expect(toLocalInputValue(at, zone)).toBe(shown);
  });
});
