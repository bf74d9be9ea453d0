import { nextAttemptAt } from './retry-schedule';

describe('nextAttemptAt', () => {
  const now = new Date('2026-12-03T10:00:00Z');
  const later = new Date('2026-12-05T10:00:00Z');
  const policy = { retryBaseMs: 60_000, retryMaxMs: 3_600_000 };
  const waitOf = (attempt: number, random: number) => nextAttemptAt(attempt, now, later, policy, () => random).getTime() - now.getTime();

  it('doubles the wait per attempt from the base, up to the maximum', () => {
    expect([1, 2, 3, 4].map((a) => waitOf(a, 0.5))).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(waitOf(10, 0.5)).toBe(3_600_000);
    expect(waitOf(500, 0.5)).toBe(3_600_000);
  });

  it('spreads retries by ±25 %', () => {
    expect(waitOf(1, 0)).toBe(45_000);
    expect(waitOf(1, 0.999999)).toBeLessThanOrEqual(75_000);
    expect(waitOf(1, 0.999999)).toBeGreaterThan(74_000);
  });

  it('never plans past the end of the retry window', () => {
    const soon = new Date(now.getTime() + 10_000);
    expect(nextAttemptAt(3, now, soon, policy).getTime()).toBe(soon.getTime());
  });
});
