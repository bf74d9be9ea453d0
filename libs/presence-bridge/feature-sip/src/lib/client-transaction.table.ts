import type { SipResponse } from '@parley/presence-bridge/sip';

/** How a request this front sent to a client ended. */
export type ClientTransactionOutcome =
  | { kind: 'response'; response: SipResponse }
  /** No final response within Timer F (RFC 3261 §17.1.2.2). */
  | { kind: 'timeout' }
  /** The connection ended first. */
  | { kind: 'closed' }
  /** Too many requests already wait for this client's answers: not sent. */
  | { kind: 'overloaded' };

interface PendingTransaction {
  readonly method: string;
  readonly resolve: (outcome: ClientTransactionOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Non-INVITE client transactions of one connection (RFC 3261 §17.1.2) over a reliable transport: nothing is
 * retransmitted, a response is matched by its top Via branch and CSeq method (§17.1.3), provisional responses are
 * ignored, and a request unanswered after Timer F (64·T1) times out. Bounded, so a client that never answers costs
 * a fixed amount of memory.
 */
export class ClientTransactionTable {
  private readonly pending = new Map<string, PendingTransaction>();

  constructor(
    private readonly timeoutMs: number,
    private readonly maxPending: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Whether another transaction may start now. */
  get hasRoom(): boolean {
    return this.pending.size < this.maxPending;
  }

  /** Starts waiting for the answer to a request sent with Via `branch`; call {@link hasRoom} first. */
  start(branch: string, method: string): Promise<ClientTransactionOutcome> {
    if (!this.hasRoom) return Promise.resolve({ kind: 'overloaded' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(branch, { kind: 'timeout' }), this.timeoutMs);
      timer.unref();
      this.pending.set(branch, { method, resolve, timer });
    });
  }

  /** Whether `response` belonged to a transaction of this table (a final one ends it). */
  match(response: SipResponse): boolean {
    let branch: string | undefined;
    let method: string;
    try {
      branch = response.topVia().branch;
      method = response.cseq().method;
    } catch {
      return false;
    }
    if (branch === undefined) return false;
    const transaction = this.pending.get(branch);
    if (transaction === undefined || transaction.method !== method) return false;
    if (response.status >= 200) this.finish(branch, { kind: 'response', response });
    return true;
  }

  /** The connection ended: every waiting request is answered `closed`. */
  closeAll(): void {
    for (const branch of [...this.pending.keys()]) this.finish(branch, { kind: 'closed' });
  }

  private finish(branch: string, outcome: ClientTransactionOutcome): void {
    const transaction = this.pending.get(branch);
    if (transaction === undefined) return;
    this.pending.delete(branch);
    clearTimeout(transaction.timer);
    transaction.resolve(outcome);
  }
}
