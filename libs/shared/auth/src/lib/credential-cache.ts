import { createHmac, randomBytes } from 'node:crypto';

/**
 * Recently verified Basic credentials, so that a client's every request does not pay ~40 ms of
 * scrypt. Keyed by an HMAC of (user, password) under a per-process random key: the map never
 * holds a password, and its keys are useless outside this process. Bounded; oldest entries go
 * first. A password change takes effect for cached sessions within the TTL.
 */
export class CredentialCache<T> {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(user: string, password: string): T | undefined {
    if (this.ttlMs === 0) return undefined;
    const id = this.keyOf(user, password);
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return hit.value;
  }

  set(user: string, password: string, value: T): void {
    if (this.ttlMs === 0) return;
    const id = this.keyOf(user, password);
    this.entries.delete(id);
    this.entries.set(id, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The entry key of (user, password): an HMAC under this process's key, never the password. */
  keyOf(user: string, password: string): string {
    return createHmac('sha256', this.key).update(user).update('\0').update(password).digest('base64');
  }
}
