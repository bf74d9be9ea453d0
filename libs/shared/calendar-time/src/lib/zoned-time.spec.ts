import { localToUtc, utcToLocal, zoneOffsetMs } from './zoned-time';

const HOUR = 3_600_000;
const local = (iso: string) => Date.parse(`${iso}Z`);
const utc = (iso: string) => Date.parse(iso);

describe('zoned time', () => {
  it.each([
    ['Europe/Berlin', '2026-01-15T12:00:00Z', 1],
    ['Europe/Berlin', '2026-07-15T12:00:00Z', 2],
    ['America/Los_Angeles', '2026-01-15T12:00:00Z', -8],
    ['America/Los_Angeles', '2026-07-15T12:00:00Z', -7],
    ['Asia/Kolkata', '2026-07-15T12:00:00Z', 5.5],
    ['Etc/UTC', '2026-07-15T12:00:00Z', 0],
  ])('%s at %s is %d hours from UTC', (zone, at, hours) => {
    expect(zoneOffsetMs(zone, utc(at))).toBe(hours * HOUR);
  });

  it.each([
    ['an ordinary time', 'Europe/Berlin', '2026-06-01T09:00:00', '2026-06-01T07:00:00.000Z'],
    ['a skipped time (spring forward): pushed forward by the gap', 'Europe/Berlin', '2026-03-29T02:30:00', '2026-03-29T01:30:00.000Z'],
    ['a repeated time (fall back): its first occurrence', 'Europe/Berlin', '2026-10-25T02:30:00', '2026-10-25T00:30:00.000Z'],
    ['a skipped time in Los Angeles', 'America/Los_Angeles', '2026-03-08T02:30:00', '2026-03-08T10:30:00.000Z'],
    ['a repeated time in Los Angeles', 'America/Los_Angeles', '2026-11-01T01:30:00', '2026-11-01T08:30:00.000Z'],
  ])('wall clock → instant: %s', (_label, zone, wall, expected) => {
    expect(new Date(localToUtc(zone, local(wall))).toISOString()).toBe(expected);
  });

  it('round-trips unambiguous instants through the wall clock', () => {
    for (const at of ['2026-10-25T02:30:00Z', '2026-03-29T01:00:00Z', '2026-12-31T23:59:59Z'].map(utc)) {
      expect(localToUtc('Europe/Berlin', utcToLocal('Europe/Berlin', at))).toBe(at);
    }
  });
});
