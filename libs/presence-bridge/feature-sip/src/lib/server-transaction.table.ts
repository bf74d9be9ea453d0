import type { SipRequest, SipResponse } from '@parley/presence-bridge/sip';

/** RFC 3261 §8.1.1.7: a branch starting with this was built to be unique, so it identifies the transaction. */
const MAGIC_COOKIE = 'z9hG4bK';

export type TransactionMatch =
  /** A request this connection has not sent before (or one with an RFC 2543 branch, which cannot be matched). */
  | { readonly kind: 'new' }
  /** The same request again: resend `response` (undefined while the first copy is still being processed). */
  | { readonly kind: 'retransmission'; readonly response: SipResponse | undefined };

interface Entry {
  readonly expiresAt: number;
  response: SipResponse | undefined;
}

/**
 * The non-INVITE server transactions of one connection (RFC 3261 §17.2.2, matched by §17.2.3: top Via branch, sent-by
 * and method). Reliable transports need no retransmission timers, but clients still resend after a reconnect or a
 * timeout of their own, so a transaction is remembered for `lifetimeMs` (64·T1 = 32 s, what Timer J is on unreliable
 * transports) and a repeat is answered with the response already sent instead of being processed twice. Kept per
 * connection so that one client can never obtain another's response by copying its branch.
 */
export class ServerTransactionTable {
  /** In insertion order, which is expiry order since the lifetime is fixed. */
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Matches `request` against the table and, when it is new, starts its transaction. */
  begin(request: SipRequest): TransactionMatch {
    const key = transactionKey(request, request.method);
    if (key === undefined) return { kind: 'new' };
    this.expire();
    const known = this.entries.get(key);
    if (known !== undefined) return { kind: 'retransmission', response: known.response };
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { expiresAt: this.now() + this.lifetimeMs, response: undefined });
    return { kind: 'new' };
  }

  /** Remembers the final response of `request`'s transaction (a later copy gets it again). */
  complete(request: SipRequest, response: SipResponse): void {
    const key = transactionKey(request, request.method);
    const entry = key === undefined ? undefined : this.entries.get(key);
    if (entry !== undefined) entry.response = response;
  }

  /** Whether a CANCEL names a transaction of this connection (same branch and sent-by, another method; RFC 3261 §9.2). */
  matchesCancel(cancel: SipRequest, methods: Iterable<string>): boolean {
    this.expire();
    for (const method of methods) {
      const key = transactionKey(cancel, method);
      if (key !== undefined && this.entries.has(key)) return true;
    }
    return false;
  }

  private expire(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}

function transactionKey(request: SipRequest, method: string): string | undefined {
  const via = request.topVia();
  if (via.branch === undefined || !via.branch.startsWith(MAGIC_COOKIE)) return undefined;
  // The branch compares case-sensitively, the host does not (RFC 3261 §17.2.3, §19.1.4).
  return `${via.branch} ${method} ${via.host.toLowerCase()}:${via.port ?? ''}`;
}
