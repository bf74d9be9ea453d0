/** What a nonce count does to a tracked nonce. */
export type NonceCountCheck = 'accepted' | 'replayed' | 'untracked';

/**
 * The highest nonce count used per nonce this replica issued, in a map bounded by `capacity` and evicting the least
 * recently used. A nonce starts being tracked when it is issued (highest count 0), so a nonce not found here — issued by
 * another replica, or evicted — cannot be told apart from a replayed one and must be answered with a stale challenge,
 * never accepted. Per-replica tracking suffices because a SIP client over TCP or WebSocket talks to the replica holding
 * its connection; a client that reconnects elsewhere pays one extra challenge.
 */
export class NonceTracker {
  private readonly highest = new Map<string, number>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('nonce tracker capacity must be a positive integer');
  }

  get size(): number {
    return this.highest.size;
  }

  track(nonce: string): void {
    this.highest.delete(nonce);
    this.highest.set(nonce, 0);
    while (this.highest.size > this.capacity) {
      const oldest = this.highest.keys().next().value as string;
      this.highest.delete(oldest);
    }
  }

  /** Accepts `nc` only when above every count used so far with this nonce (counts may skip, never repeat or go back). */
  use(nonce: string, nc: number): NonceCountCheck {
    const seen = this.highest.get(nonce);
    if (seen === undefined) return 'untracked';
    if (nc <= seen) return 'replayed';
    // Re-inserting moves the nonce to the most recently used end.
    this.highest.delete(nonce);
    this.highest.set(nonce, nc);
    return 'accepted';
  }

  forget(nonce: string): void {
    this.highest.delete(nonce);
  }
}
