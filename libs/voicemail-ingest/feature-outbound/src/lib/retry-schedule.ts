/**
 * When a message with deferred recipients is tried again: the base wait doubled per attempt made
 * (attempt 1 failed → base, 2 → 2 × base, …) up to `maxMs`, times a jitter factor in [0.75, 1.25)
 * so that messages deferred together (a smarthost outage) do not come back together. Never after
 * the end of the retry window: the last attempt is made at its end.
 */
export function nextAttemptAt(
  attempt: number,
  now: Date,
  expiresAt: Date,
  policy: { retryBaseMs: number; retryMaxMs: number },
  random: () => number = Math.random,
): Date {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const wait = Math.min(policy.retryBaseMs * 2 ** exponent, policy.retryMaxMs);
  const jittered = Math.round(wait * (0.75 + random() * 0.5));
  return new Date(Math.min(now.getTime() + jittered, expiresAt.getTime()));
}
