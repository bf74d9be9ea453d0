import { setTimeout as sleep } from 'node:timers/promises';
import { FailureWindow } from './failure-window';

export interface SignInThrottleOptions {
  /** Sliding window over which failures count. */
  windowMs: number;
  /** Failures of one account from one client address before that pair is refused. */
  maxFailuresPerAccountAddress: number;
  /** Failures from one client address (any accounts) before that address is refused. */
  maxFailuresPerAddress: number;
  /** Delay added to an account's sign-ins per failure of that account (from any address) in the window. */
  accountDelayStepMs: number;
  /** Cap of that delay: an account's failures slow its sign-ins by at most this, and never refuse them. */
  accountMaxDelayMs: number;
  /** Bound of each table (pairs, addresses, accounts). */
  maxTrackedKeys?: number;
  now?: () => number;
  /** Waits the account delay (tests replace it). */
  sleep?: (ms: number) => Promise<unknown>;
}

/** What the throttle says before a password is checked. */
export type SignInAssessment = { refused: true; retryAfterMs: number } | { refused: false; delayMs: number };

/** How a throttled sign-in ended. `rejected`: the credentials were checked and were wrong. */
export type SignInResult<T> = { outcome: 'accepted'; user: T } | { outcome: 'rejected' } | { outcome: 'refused'; retryAfterMs: number };

/**
 * Failed-sign-in throttling for every protocol that takes a password (EWS and Autodiscover now;
 * SMTP AUTH, the presence WebSocket and SIP digest later). It refuses only what points at one
 * client: an (account, client address) pair past its budget, or a client address past its own.
 * An account's failures across all addresses only add a bounded delay before its next checks, so
 * guessing from elsewhere never locks the owner out. State is per process (docs/architecture.md).
 */
export class SignInThrottle {
  private readonly pairs: FailureWindow;
  private readonly addresses: FailureWindow;
  private readonly accounts: FailureWindow;
  private readonly wait: (ms: number) => Promise<unknown>;
  /** Attempts of `attempt()` still being checked, by `a <address>` and `p <pair>`; bounded by concurrent requests. */
  private readonly pending = new Map<string, number>();

  constructor(private readonly opts: SignInThrottleOptions) {
    const now = opts.now ?? Date.now;
    const maxKeys = opts.maxTrackedKeys ?? 100_000;
    const delayedFailures = opts.accountDelayStepMs > 0 ? Math.ceil(opts.accountMaxDelayMs / opts.accountDelayStepMs) : 0;
    this.pairs = new FailureWindow(opts.windowMs, opts.maxFailuresPerAccountAddress, maxKeys, now);
    this.addresses = new FailureWindow(opts.windowMs, opts.maxFailuresPerAddress, maxKeys, now);
    this.accounts = new FailureWindow(opts.windowMs, Math.max(1, delayedFailures), maxKeys, now);
    this.wait = opts.sleep ?? sleep;
  }

  /**
   * Refused (with how long until the budget frees up) or allowed after `delayMs`. `account` is
   * undefined for credentials that name none (a bad bearer token): only the address counts then.
   */
  assess(account: string | undefined, address: string): SignInAssessment {
    const pair = account === undefined ? undefined : pairKey(account, address);
    const retryAfterMs = Math.max(
      pair === undefined ? 0 : this.pairs.msUntilBelow(pair, this.opts.maxFailuresPerAccountAddress, this.pending.get(`p ${pair}`)),
      this.addresses.msUntilBelow(address, this.opts.maxFailuresPerAddress, this.pending.get(`a ${address}`)),
    );
    if (retryAfterMs > 0) return { refused: true, retryAfterMs };
    return { refused: false, delayMs: account === undefined ? 0 : this.accountDelayMs(account) };
  }

  recordFailure(account: string | undefined, address: string): void {
    this.addresses.add(address);
    if (account === undefined) return;
    this.pairs.add(pairKey(account, address));
    if (this.opts.accountDelayStepMs > 0 && this.opts.accountMaxDelayMs > 0) this.accounts.add(account);
  }

  /** A correct sign-in clears its pair's failures; the account's and the address's stay counted. */
  recordSuccess(account: string, address: string): void {
    this.pairs.clear(pairKey(account, address));
  }

  /**
   * The whole sequence a protocol front runs: assess, wait the account delay, `verify` (which
   * answers the user or null for wrong credentials), record. A refused attempt never reaches
   * `verify`, so it costs no password hashing either.
   */
  async attempt<T>(account: string | undefined, address: string, verify: () => Promise<T | null | undefined>): Promise<SignInResult<T>> {
    const assessment = this.assess(account, address);
    if (assessment.refused) return { outcome: 'refused', retryAfterMs: assessment.retryAfterMs };
    // Counted as possible failures while they run: otherwise a burst of concurrent guesses would
    // all pass the check before the first failure is recorded.
    const keys = account === undefined ? [`a ${address}`] : [`a ${address}`, `p ${pairKey(account, address)}`];
    for (const key of keys) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    try {
      if (assessment.delayMs > 0) await this.wait(assessment.delayMs);
      const user = await verify();
      if (user === null || user === undefined) {
        this.recordFailure(account, address);
        return { outcome: 'rejected' };
      }
      if (account !== undefined) this.recordSuccess(account, address);
      return { outcome: 'accepted', user };
    } finally {
      for (const key of keys) {
        const left = (this.pending.get(key) ?? 1) - 1;
        if (left > 0) this.pending.set(key, left);
        else this.pending.delete(key);
      }
    }
  }

  /** Entries held, for tests and metrics. */
  get trackedKeys(): { pairs: number; addresses: number; accounts: number } {
    return { pairs: this.pairs.size, addresses: this.addresses.size, accounts: this.accounts.size };
  }

  private accountDelayMs(account: string): number {
    if (this.opts.accountDelayStepMs <= 0) return 0;
    return Math.min(this.opts.accountMaxDelayMs, this.accounts.count(account) * this.opts.accountDelayStepMs);
  }
}

/** Client addresses never contain a space, so this cannot collide across accounts. */
function pairKey(account: string, address: string): string {
  return `${address} ${account}`;
}
