import { contactExpires, formatUri, type NameAddr, sipUriEquals, type Uri } from '@parley/presence-bridge/sip';
import { randomUUID } from 'node:crypto';

export interface SipRegistrarOptions {
  /** Shortest binding accepted (RFC 3261 §10.3 step 7: shorter → 423 with Min-Expires); 0 always means removal. */
  minExpires: number;
  /** Longest binding granted: a longer request is shortened to this. */
  maxExpires: number;
  /** What a Contact without expires gets when the request has no Expires header either (capped by maxExpires). */
  defaultExpires: number;
  maxBindingsPerUser: number;
  /** Milliseconds; injected for tests. */
  now: () => number;
}

/** One registered endpoint of a user: where to reach it and over which connection (RFC 7118 §5). */
export interface SipBinding {
  /** Stays the same while the binding is refreshed (the presence endpoint it stands for stays too). */
  readonly id: string;
  readonly aor: string;
  readonly contact: NameAddr;
  readonly callId: string;
  readonly cseq: number;
  readonly expiresAt: number;
  readonly connectionId: string;
}

export interface RegisterRequest {
  /** The lower-cased address of record (`alice@parley.test`). */
  aor: string;
  contacts: readonly NameAddr[] | '*';
  /** The request's Expires header. */
  expires: number | undefined;
  callId: string;
  cseq: number;
  connectionId: string;
}

export type RegisterOutcome =
  | { readonly kind: 'ok'; readonly bindings: readonly SipBinding[] }
  | { readonly kind: 'interval-too-brief'; readonly minExpires: number }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'too-many'; readonly max: number };

/**
 * The location service of this replica (RFC 3261 §10.3): soft state, bindings per address of record, each tied to the
 * connection it was registered over. Bindings end when they expire, when their connection closes, or by un-REGISTER.
 * A REGISTER is applied whole or not at all.
 */
export class SipRegistrar {
  private readonly byAor = new Map<string, SipBinding[]>();

  constructor(private readonly opts: SipRegistrarOptions) {}

  register(request: RegisterRequest): RegisterOutcome {
    const now = this.opts.now();
    const current = this.live(request.aor, now);
    if (request.contacts === '*') {
      // §10.3 step 6: the wildcard is valid only with Expires 0.
      if (request.expires !== 0) return { kind: 'invalid', reason: 'Contact: * needs Expires: 0' };
      for (const binding of current) if (this.isOutOfOrder(binding, request)) return outOfOrder();
      this.byAor.delete(request.aor);
      return { kind: 'ok', bindings: [] };
    }
    const next = [...current];
    for (const contact of request.contacts) {
      const requested = contactExpires(contact) ?? request.expires ?? this.opts.defaultExpires;
      if (requested !== 0 && requested < this.opts.minExpires) return { kind: 'interval-too-brief', minExpires: this.opts.minExpires };
      const at = next.findIndex((binding) => sameUri(binding.contact.uri, contact.uri));
      if (at !== -1 && this.isOutOfOrder(next[at], request)) return outOfOrder();
      if (requested === 0) {
        if (at !== -1) next.splice(at, 1);
        continue;
      }
      const binding: SipBinding = {
        id: at === -1 ? randomUUID() : next[at].id,
        aor: request.aor,
        contact,
        callId: request.callId,
        cseq: request.cseq,
        expiresAt: now + Math.min(requested, this.opts.maxExpires) * 1000,
        connectionId: request.connectionId,
      };
      if (at === -1) next.push(binding);
      else next[at] = binding;
    }
    if (next.length > this.opts.maxBindingsPerUser) return { kind: 'too-many', max: this.opts.maxBindingsPerUser };
    if (next.length === 0) this.byAor.delete(request.aor);
    else this.byAor.set(request.aor, next);
    return { kind: 'ok', bindings: next };
  }

  /** Puts back what `bindingsOf(aor)` returned before a REGISTER whose effects must be undone (its endpoint was refused). */
  restore(aor: string, bindings: readonly SipBinding[]): void {
    if (bindings.length === 0) this.byAor.delete(aor);
    else this.byAor.set(aor, [...bindings]);
  }

  /** The unexpired bindings of `aor`. */
  bindingsOf(aor: string): readonly SipBinding[] {
    return this.live(aor, this.opts.now());
  }

  /** Seconds left of `binding` (rounded up, as the 200's `expires` parameter). */
  secondsLeft(binding: SipBinding): number {
    return Math.max(0, Math.ceil((binding.expiresAt - this.opts.now()) / 1000));
  }

  /** Drops every binding made over `connectionId` (its connection closed: nothing can reach those endpoints). */
  removeConnection(connectionId: string): number {
    return this.removeWhere((binding) => binding.connectionId === connectionId);
  }

  /** Drops expired bindings; run periodically so that users who never come back do not hold memory. */
  sweep(): number {
    const now = this.opts.now();
    return this.removeWhere((binding) => binding.expiresAt <= now);
  }

  /** Users with at least one binding (metrics, tests). */
  get users(): number {
    return this.byAor.size;
  }

  private live(aor: string, now: number): SipBinding[] {
    const all = this.byAor.get(aor) ?? [];
    const live = all.filter((binding) => binding.expiresAt > now);
    if (live.length !== all.length) {
      if (live.length === 0) this.byAor.delete(aor);
      else this.byAor.set(aor, live);
    }
    return live;
  }

  /** §10.3 step 7: the same Call-ID with a CSeq not above the binding's is an old request arriving late. */
  private isOutOfOrder(binding: SipBinding, request: RegisterRequest): boolean {
    return binding.callId === request.callId && request.cseq <= binding.cseq;
  }

  private removeWhere(doomed: (binding: SipBinding) => boolean): number {
    let removed = 0;
    for (const [aor, bindings] of this.byAor) {
      const kept = bindings.filter((binding) => !doomed(binding));
      removed += bindings.length - kept.length;
      if (kept.length === 0) this.byAor.delete(aor);
      else if (kept.length !== bindings.length) this.byAor.set(aor, kept);
    }
    return removed;
  }
}

function outOfOrder(): RegisterOutcome {
  return { kind: 'invalid', reason: 'CSeq is not above that of the binding with this Call-ID' };
}

/** RFC 3261 §10.3 step 7 compares Contact URIs by §19.1.4; other schemes compare as written. */
function sameUri(a: Uri, b: Uri): boolean {
  return sipUriEquals(a, b) || formatUri(a) === formatUri(b);
}
