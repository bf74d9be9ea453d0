/**
 * Per key, the highest sequence let through; anything not newer is dropped. Kafka keeps one user's
 * changes in order, but a redelivery after a consumer restart, a dead-letter replay or the
 * in-process bus's retry can hand an old one over again, and a watcher must never go back in time.
 */
export class SequenceGate {
  private readonly highest = new Map<string, number>();

  /** True (and remembered) when `sequence` is newer than every one let through for `key`. */
  admit(key: string, sequence: number): boolean {
    const last = this.highest.get(key);
    if (last !== undefined && sequence <= last) return false;
    this.highest.set(key, sequence);
    return true;
  }

  /** The highest sequence let through for `key`, if any. */
  last(key: string): number | undefined {
    return this.highest.get(key);
  }

  forget(key: string): void {
    this.highest.delete(key);
  }

  get size(): number {
    return this.highest.size;
  }
}
