/**
 * Failure times per key within a sliding window. Each key keeps only its last `keepPerKey` times
 * (all a decision ever needs) and the table at most `maxKeys` keys: the least recently failed key
 * goes first, so a spray of names costs bounded memory.
 */
export class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly keepPerKey: number,
    private readonly maxKeys: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.failures.size;
  }

  /** Failures of `key` still in the window (at most `keepPerKey`). */
  count(key: string): number {
    return this.recent(key).length;
  }

  /**
   * Milliseconds until `key`'s failures in the window plus `pending` (attempts still being checked,
   * each a possible failure) fall below `limit`; 0 when they already do. When the pending ones alone
   * make the difference, `pendingRetryMs`: they end within a password check.
   */
  msUntilBelow(key: string, limit: number, pending = 0, pendingRetryMs = 1000): number {
    const recent = this.recent(key);
    const mustExpire = recent.length + pending - limit + 1;
    if (mustExpire <= 0) return 0;
    if (mustExpire > recent.length) return pendingRetryMs;
    return Math.max(1, recent[mustExpire - 1] + this.windowMs - this.now());
  }

  add(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    if (list.length > this.keepPerKey) list.shift();
    // Re-inserted, so that Map order is "least recently failed first" for eviction.
    this.failures.delete(key);
    this.failures.set(key, list);
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const cutoff = this.now() - this.windowMs;
    let expired = 0;
    while (expired < list.length && list[expired] <= cutoff) expired++;
    if (expired) list.splice(0, expired);
    if (!list.length) this.failures.delete(key);
    return list;
  }
}
