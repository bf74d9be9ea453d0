export interface FailureThrottleOptions {
  windowMs: number;
  maxPerAccount: number;
  maxPerAddress: number;
  /** Bound on tracked keys, so a spray of user names cannot grow memory without limit. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * Sliding-window count of failed logins per account and per source address. Once either key
 * reaches its budget, `backOffMs` says how long until its oldest failure leaves the window.
 * Per process: with N gateway replicas an attacker gets N budgets (see docs/architecture.md).
 */
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly opts: FailureThrottleOptions) {
    this.now = opts.now ?? Date.now;
    this.maxKeys = opts.maxKeys ?? 100_000;
  }

  /** Milliseconds the caller must wait, or 0 when within budget. */
  backOffMs(account: string | undefined, address: string): number {
    return Math.max(
      account === undefined ? 0 : this.waitFor(`u:${account}`, this.opts.maxPerAccount),
      this.waitFor(`a:${address}`, this.opts.maxPerAddress),
    );
  }

  recordFailure(account: string | undefined, address: string): void {
    if (account !== undefined) this.add(`u:${account}`);
    this.add(`a:${address}`);
  }

  private waitFor(key: string, max: number): number {
    const recent = this.recent(key);
    if (recent.length < max) return 0;
    return Math.max(1, recent[recent.length - max] + this.opts.windowMs - this.now());
  }

  private recent(key: string): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const cutoff = this.now() - this.opts.windowMs;
    while (list.length && list[0] <= cutoff) list.shift();
    if (!list.length) this.failures.delete(key);
    return list;
  }

  private add(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    // Only the last `max` timestamps matter for the decision; keep the list short.
    if (list.length > Math.max(this.opts.maxPerAccount, this.opts.maxPerAddress)) list.shift();
    this.failures.delete(key);
    this.failures.set(key, list);
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
  }
}
