import { DEFAULT_RETRY_POLICY, nextRetryDelay } from './retry-policy';

describe('nextRetryDelay', () => {
  const policy = { maxAttempts: 5, initialBackoffMs: 100, retryBudgetMs: 5_000 };

  it('doubles the wait after each attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => nextRetryDelay(policy, attempt, 0))).toEqual([100, 200, 400, 800]);
  });

  it('allows no attempt past maxAttempts', () => {
    expect(nextRetryDelay(policy, 5, 0)).toBeUndefined();
    expect(nextRetryDelay({ ...policy, maxAttempts: 1 }, 1, 0)).toBeUndefined();
  });

  it('allows no wait that would end past the budget', () => {
    expect(nextRetryDelay(policy, 3, 4_600)).toBe(400);
    expect(nextRetryDelay(policy, 3, 4_601)).toBeUndefined();
  });

  it('keeps the default well under the Kafka session timeout (10 s)', () => {
    let elapsed = 0;
    for (let attempt = 1; ; attempt++) {
      const delay = nextRetryDelay(DEFAULT_RETRY_POLICY, attempt, elapsed);
      if (delay === undefined) break;
      elapsed += delay;
    }
    expect(elapsed).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.retryBudgetMs);
    expect(DEFAULT_RETRY_POLICY.retryBudgetMs).toBeLessThan(10_000);
  });
});
