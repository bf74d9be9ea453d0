/**
 * Drops per PBX key per minute, on this replica: a fixed one-minute window per key. A PBX that
 * loops (retrying a drop forever) is slowed without touching other PBXes; keys are few, so the
 * table stays small (windows of idle keys are dropped as they end).
 */
export class DropRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the drop may go ahead (and is counted), else the seconds until the key's window ends. */
  take(keyId: string): number {
    const now = this.now();
    let window = this.windows.get(keyId);
    if (window === undefined || now - window.startedAt >= 60_000) {
      if (this.windows.size > 10_000) this.sweep(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(keyId, window);
    }
    if (window.count >= this.perMinute) return Math.max(1, Math.ceil((window.startedAt + 60_000 - now) / 1000));
    window.count += 1;
    return 0;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= 60_000) this.windows.delete(key);
  }
}
