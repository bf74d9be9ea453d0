/**
 * A per-connection request budget (the presence WebSocket's messages, the SIP front's requests): `burst` messages at once, refilled at `ratePerSecond`. Computed
 * from timestamps when a message arrives, so an idle connection costs no timer.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Takes one token if there is one; `now` in milliseconds from a monotonic clock. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available (0: now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** Whole seconds until a token is available, at least 1: a `Retry-After` value. */
  retryAfterSeconds(now: number): number {
    return Math.max(1, Math.ceil(this.waitMs(now) / 1000));
  }

  private refill(now: number): void {
    if (now <= this.refilledAt) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000);
    this.refilledAt = now;
  }
}
