/** How a transient handler failure is retried in place before the message is dead-lettered. */
export interface RetryPolicy {
  /** Deliveries to the handler in all, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt; each further wait doubles. */
  initialBackoffMs: number;
  /**
   * Longest time one message may spend in retries, counted from its first attempt. On Kafka the
   * partition waits meanwhile, and kafkajs heartbeats only between messages, so this stays well
   * under the consumer's 10 s session timeout.
   */
  retryBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 100, retryBudgetMs: 5_000 };

/**
 * The wait before attempt `attempt + 1`, or undefined when no further attempt is allowed: the
 * attempts are used up, or the wait would end past the budget (`elapsedMs` since the first attempt).
 */
export function nextRetryDelay(policy: RetryPolicy, attempt: number, elapsedMs: number): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const delay = policy.initialBackoffMs * 2 ** (attempt - 1);
  return elapsedMs + delay > policy.retryBudgetMs ? undefined : delay;
}
