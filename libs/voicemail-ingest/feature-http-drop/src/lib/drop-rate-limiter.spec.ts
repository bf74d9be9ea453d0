import { DropRateLimiter } from './drop-rate-limiter';

describe('DropRateLimiter', () => {
  it('lets each key make its drops per minute, then says how long until its window ends', () => {
    let now = 1_000_000;
    const limiter = new DropRateLimiter(2, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([0, 0, 0]);
    now += 15_000;
    expect(limiter.take('a')).toBe(45);
    now += 44_500;
    expect(limiter.take('a')).toBe(1);
    now += 500;
    expect(limiter.take('a')).toBe(0);
  });
});
