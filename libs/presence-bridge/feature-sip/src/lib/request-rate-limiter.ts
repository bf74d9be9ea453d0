/**
 * Requests per second of one SIP connection, as a generic cell rate: each request moves a theoretical arrival time one
 * interval ahead; a request is refused while that time runs more than `burst - 1` intervals ahead of the clock. One
 * number per connection and no timer, so an idle connection costs nothing.
 */
export class RequestRateLimiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private theoreticalArrival = Number.NEGATIVE_INFINITY;

  constructor(ratePerSecond: number, burst: number) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError('rate and burst must be positive');
    this.intervalMs = 1000 / ratePerSecond;
    this.toleranceMs = this.intervalMs * (Math.floor(burst) - 1);
  }

  /** Counts one request at `nowMs` (a monotonic clock) if the budget allows it. */
  allow(nowMs: number): boolean {
    const start = Math.max(this.theoreticalArrival, nowMs);
    if (start - nowMs > this.toleranceMs) return false;
    this.theoreticalArrival = start + this.intervalMs;
    return true;
  }

  /** Whole seconds until the next request would be allowed (at least 1), for Retry-After. */
  retryAfterSeconds(nowMs: number): number {
    const waitMs = Math.max(0, this.theoreticalArrival - this.toleranceMs - nowMs);
    return Math.max(1, Math.ceil(waitMs / 1000));
  }
}
