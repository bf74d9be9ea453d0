import { ifRangeHolds, parseByteRange } from './byte-range';

describe('Range: bytes=… (RFC 9110 §14.2) on a content of 1000 bytes', () => {
  it.each([
    ['bytes=0-99', { kind: 'range', start: 0, end: 100 }],
    ['bytes=100-', { kind: 'range', start: 100, end: 1000 }],
    ['bytes=-50', { kind: 'range', start: 950, end: 1000 }],
    ['bytes=990-2000', { kind: 'range', start: 990, end: 1000 }],
    ['bytes=999-999', { kind: 'range', start: 999, end: 1000 }],
    ['bytes=-5000', { kind: 'range', start: 0, end: 1000 }],
    ['Bytes = 10-19', { kind: 'range', start: 10, end: 20 }],
    ['bytes=0-0,', { kind: 'range', start: 0, end: 1 }],
  ])('%s → %j', (header, expected) => {
    expect(parseByteRange(header, 1000)).toEqual(expected);
  });

  it.each([
    ['bytes=1000-', 'a start at the end'],
    ['bytes=5000-6000', 'a start past the end'],
    ['bytes=-0', 'an empty suffix'],
  ])('%s is unsatisfiable (%s)', (header) => {
    expect(parseByteRange(header, 1000)).toEqual({ kind: 'unsatisfiable' });
  });

  it.each<[string | undefined, string]>([
    [undefined, 'no header'],
    ['bytes=0-9,20-29', 'several ranges'],
    ['items=0-9', 'another unit'],
    ['bytes=9-0', 'a last position before the first'],
    ['bytes=abc', 'no numbers'],
    ['bytes=', 'no range'],
    ['bytes=--5', 'bad syntax'],
    ['bytes=1-2-3', 'bad syntax'],
    [`bytes=0-${'9'.repeat(300)}`, 'a header past the length read'],
  ])('%j is ignored: the whole content (%s)', (header) => {
    expect(parseByteRange(header, 1000)).toEqual({ kind: 'whole' });
  });

  it('finds nothing to select in an empty content', () => {
    expect(parseByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange(undefined, 0)).toEqual({ kind: 'whole' });
  });

  it('honours If-Range only with the current strong entity tag', () => {
    expect(ifRangeHolds(undefined, '"a"')).toBe(true);
    expect(ifRangeHolds('"a"', '"a"')).toBe(true);
    expect(ifRangeHolds('"b"', '"a"')).toBe(false);
    expect(ifRangeHolds('W/"a"', '"a"')).toBe(false);
    expect(ifRangeHolds('Tue, 01 Jul 2031 10:00:00 GMT', '"a"')).toBe(false);
  });
});
