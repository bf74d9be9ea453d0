import { RequestRateLimiter } from './request-rate-limiter';

describe('RequestRateLimiter', () => {
  it('allows a burst at once, then the steady rate', () => {
    const limiter = new RequestRateLimiter(10, 3);
    expect([limiter.allow(0), limiter.allow(0), limiter.allow(0), limiter.allow(0)]).toEqual([true, true, true, false]);
    expect(limiter.allow(99)).toBe(false);
    expect(limiter.allow(100)).toBe(true);
    expect(limiter.allow(100)).toBe(false);
  });

  it('refills the whole burst after an idle period, never more', () => {
    const limiter = new RequestRateLimiter(2, 2);
    expect(limiter.allow(0) && limiter.allow(0)).toBe(true);
    const later = 60_000;
    expect([limiter.allow(later), limiter.allow(later), limiter.allow(later)]).toEqual([true, true, false]);
  });

  it('says how long to wait, in whole seconds and at least one', () => {
    const limiter = new RequestRateLimiter(0.25, 1);
    expect(limiter.allow(0)).toBe(true);
    expect(limiter.allow(1)).toBe(false);
    expect(limiter.retryAfterSeconds(1)).toBe(4);
    expect(new RequestRateLimiter(100, 1).retryAfterSeconds(0)).toBe(1);
  });

  it('refuses a limit that lets nothing through', () => {
    expect(() => new RequestRateLimiter(0, 1)).toThrow(RangeError);
    expect(() => new RequestRateLimiter(1, 0)).toThrow(RangeError);
  });
});
