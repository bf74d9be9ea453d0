import { parseIsoDuration } from './iso-duration';

describe('parseIsoDuration', () => {
  it.each([
    ['PT8H', 8 * 3_600_000],
    ['PT30M', 30 * 60_000],
    ['P1D', 86_400_000],
    ['P1DT2H3M4.5S', 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_500],
    ['PT0.001S', 1],
    ['PT0S', 0],
    ['-PT1H', -3_600_000],
  ])('reads %s', (text, ms) => expect(parseIsoDuration(text)).toBe(ms));

  it.each(['', 'P', 'PT', 'P1Y', 'P1M', 'P1W', 'PT1H30', '8 hours', 'T1H', 'P1DT', 'pt1h', 'PT1.5H', `PT${'9'.repeat(13)}S`])(
    'refuses %j',
    (text) => expect(parseIsoDuration(text)).toBeUndefined(),
  );
});
