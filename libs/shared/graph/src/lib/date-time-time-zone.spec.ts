import { dateTimeTimeZoneOf, ianaZoneOf, instantOf, preferredTimeZone } from './date-time-time-zone';

describe("Graph's dateTimeTimeZone", () => {
  it('reads a wall-clock time in an IANA or a Windows zone as its instant', () => {
    expect(instantOf({ dateTime: '2026-07-01T09:00:00', timeZone: 'Europe/Berlin' })).toEqual({ ms: Date.parse('2026-07-01T07:00:00Z') });
    expect(instantOf({ dateTime: '2026-07-01T09:00:00.0000000', timeZone: 'W. Europe Standard Time' })).toEqual({
      ms: Date.parse('2026-07-01T07:00:00Z'),
    });
    expect(instantOf({ dateTime: '2026-01-15T08:30', timeZone: 'pacific standard time' })).toEqual({
      ms: Date.parse('2026-01-15T16:30:00Z'),
    });
    expect(instantOf({ dateTime: '2026-01-15T08:30:00', timeZone: 'UTC' })).toEqual({ ms: Date.parse('2026-01-15T08:30:00Z') });
  });

  it('names the problem with a zone nobody knows, an offset, or a date that does not exist', () => {
    expect(instantOf({ dateTime: '2026-01-15T08:30:00', timeZone: 'Mars/Olympus' })).toEqual({
      problem: expect.stringContaining('time zone'),
    });
    expect(instantOf({ dateTime: '2026-01-15T08:30:00+01:00', timeZone: 'UTC' })).toEqual({
      problem: expect.stringContaining('without offset'),
    });
    expect(instantOf({ dateTime: '2026-02-30T08:30:00', timeZone: 'UTC' })).toEqual({ problem: expect.stringContaining('not a valid') });
    expect(instantOf({ dateTime: '2026-02-03T24:30:00', timeZone: 'UTC' })).toEqual({ problem: expect.stringContaining('not a valid') });
  });

  it("answers an instant in UTC, or in the zone asked, with Graph's seven fraction digits", () => {
    const ms = Date.parse('2026-07-01T07:00:00Z');
    expect(dateTimeTimeZoneOf(ms)).toEqual({ dateTime: '2026-07-01T07:00:00.0000000', timeZone: 'UTC' });
    expect(dateTimeTimeZoneOf(ms, 'Europe/Berlin')).toEqual({ dateTime: '2026-07-01T09:00:00.0000000', timeZone: 'Europe/Berlin' });
    expect(dateTimeTimeZoneOf(ms, 'Pacific Standard Time')).toEqual({
      dateTime: '2026-07-01T00:00:00.0000000',
      timeZone: 'Pacific Standard Time',
    });
  });

  it('reads Prefer: outlook.timezone, ignoring zones nobody knows', () => {
    expect(preferredTimeZone('outlook.timezone="Pacific Standard Time"')).toBe('Pacific Standard Time');
    expect(preferredTimeZone(['return=minimal', 'odata.maxpagesize=5, outlook.timezone="Europe/Paris"'])).toBe('Europe/Paris');
    expect(preferredTimeZone('outlook.timezone="Nowhere"')).toBeUndefined();
    expect(preferredTimeZone(undefined)).toBeUndefined();
    expect(ianaZoneOf('')).toBeNull();
  });
});
