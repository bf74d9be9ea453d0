import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst, then one message per 1/rate seconds', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.waitMs(0)).toBe(100);
    expect(bucket.take(99)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(150)).toBe(false);
    expect(bucket.waitMs(150)).toBe(50);
  });

  it('never holds more than the burst, however long the connection was idle', () => {
    const bucket = new TokenBucket(10, 2, 0);
    expect(bucket.take(3_600_000)).toBe(true);
    expect(bucket.take(3_600_000)).toBe(true);
    expect(bucket.take(3_600_000)).toBe(false);
  });

  it('ignores a clock that goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 1000);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(1000)).toBe(false);
    expect(bucket.take(2000)).toBe(true);
  });

  it('says how long to wait for Retry-After, in whole seconds and at least one', () => {
    const slow = new TokenBucket(0.25, 1, 0);
    expect(slow.take(0)).toBe(true);
    expect(slow.take(1)).toBe(false);
    expect(slow.retryAfterSeconds(1)).toBe(4);
    expect(new TokenBucket(100, 1, 0).retryAfterSeconds(0)).toBe(1);
  });
});
