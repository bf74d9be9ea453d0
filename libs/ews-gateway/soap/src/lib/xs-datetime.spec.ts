import { EwsErrorCode, EwsResponseCode, formatXsDateTime, formatXsLocalDateTime, parseXsDateTime } from '../index';
import { ewsErrorOf } from '../../test/soap-fixtures';

describe('xs:dateTime', () => {
  it('parses Z and offsets to the same instant', () => {
    const expected = Date.UTC(2024, 2, 31, 8, 30, 0);
    for (const v of ['2024-03-31T08:30:00Z', '2024-03-31T10:30:00+02:00', '2024-03-31T03:30:00-05:00', ' 2024-03-31T08:30:00.000Z ']) {
      expect(parseXsDateTime(v).getTime()).toBe(expected);
    }
  });

  it('keeps milliseconds and truncates finer fractions', () => {
    expect(parseXsDateTime('2024-01-01T00:00:00.1239Z').getUTCMilliseconds()).toBe(123);
    expect(parseXsDateTime('2024-01-01T00:00:00.5Z').getUTCMilliseconds()).toBe(500);
  });

  it('reads 24:00:00 as the start of the next day, and early years literally', () => {
    expect(parseXsDateTime('2024-12-31T24:00:00Z').toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(parseXsDateTime('0050-06-01T00:00:00Z').getUTCFullYear()).toBe(50);
  });

  it('refuses an unzoned value by default, and applies the chosen rule otherwise', () => {
    const err = ewsErrorOf(() => parseXsDateTime('2024-03-31T08:30:00'));
    expect(err.code).toBe(EwsErrorCode.InvalidRequest);
    expect(err.responseCode).toBe(EwsResponseCode.ErrorInvalidRequest);
    expect(parseXsDateTime('2024-03-31T08:30:00', 'utc').toISOString()).toBe('2024-03-31T08:30:00.000Z');
    // e.g. a TimeZoneContext of UTC+1 without DST, resolved by the caller
    const resolved = parseXsDateTime('2024-03-31T08:30:00', (l) => new Date(Date.UTC(l.year, l.month - 1, l.day, l.hour - 1, l.minute)));
    expect(resolved.toISOString()).toBe('2024-03-31T07:30:00.000Z');
  });

  it.each([
    '2024-3-31T08:30:00Z',
    '2024-03-31 08:30:00Z',
    '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-01T24:00:01Z',
    '2024-01-01T25:00:00Z',
    '2024-01-01T10:60:00Z',
    '2024-01-01T10:00:60Z',
    '2024-01-01T10:00:00+15:00',
    '2024-01-01T10:00:00+14:30',
    '2024-01-01T10:00:00+0100',
    '0000-01-01T00:00:00Z',
    'yesterday',
    '',
  ])('refuses %p as a schema violation', (v) => {
    const err = ewsErrorOf(() => parseXsDateTime(v));
    expect(err.code).toBe(EwsErrorCode.InvalidValue);
    expect(err.responseCode).toBe(EwsResponseCode.ErrorSchemaValidation);
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseXsDateTime('2024-02-29T12:00:00Z').getUTCDate()).toBe(29);
  });

  it('formats in UTC with Z, to the second unless asked', () => {
    const d = parseXsDateTime('2024-03-31T10:30:05.987+02:00');
    expect(formatXsDateTime(d)).toBe('2024-03-31T08:30:05Z');
    expect(formatXsDateTime(d, 'milliseconds')).toBe('2024-03-31T08:30:05.987Z');
    expect(formatXsDateTime(new Date('0005-01-01T00:00:00Z'))).toBe('0005-01-01T00:00:00Z');
    expect(() => formatXsDateTime(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => formatXsDateTime(new Date('+010000-01-01T00:00:00Z'))).toThrow(RangeError);
  });

  it('round-trips', () => {
    const v = '2031-11-05T23:59:59Z';
    expect(formatXsDateTime(parseXsDateTime(v))).toBe(v);
  });

  it('formats wall-clock times without offset', () => {
    expect(formatXsLocalDateTime({ year: 2024, month: 3, day: 31, hour: 2, minute: 30, second: 0, millisecond: 0 })).toBe(
      '2024-03-31T02:30:00',
    );
    expect(() => formatXsLocalDateTime({ year: 2024, month: 2, day: 30, hour: 0, minute: 0, second: 0, millisecond: 0 })).toThrow(
      RangeError,
    );
  });
});
