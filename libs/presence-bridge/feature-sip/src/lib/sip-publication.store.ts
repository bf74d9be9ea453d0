import { randomBytes } from 'node:crypto';

/** 96 random bits in base64url: a SIP token (RFC 3261 §25.1), unguessable, unique with overwhelming probability. */
export function newEntityTag(): string {
  return randomBytes(12).toString('base64url');
}

export interface SipPublicationStoreOptions {
  /** Publications one user may hold; a new one past it replaces the user's oldest (most likely a client that is gone). */
  maxPerUser: number;
  /** Publications this replica holds at once; past it a new one is refused. */
  maxTotal: number;
  /** Milliseconds; injected for tests. */
  now: () => number;
  /** A new entity tag; injected for tests. */
  newEntityTag?: () => string;
}

/** One publication (RFC 3903 §6): whose, under which entity tag, until when, and what the caller keeps with it. */
export interface SipPublication<T> {
  readonly aor: string;
  /** The tag the client must send in SIP-If-Match; a refresh or modification issues a new one. */
  readonly entityTag: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The caller's data (what the publication set); replaced in place. */
  value: T;
}

export type CreateOutcome<T> =
  | { readonly kind: 'ok'; readonly publication: SipPublication<T>; readonly evicted: readonly SipPublication<T>[] }
  | { readonly kind: 'full' };

interface Entry<T> {
  readonly aor: string;
  readonly entityTag: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  value: T;
}

/**
 * The entity tags of this replica's publications: soft state, bounded per user and in total, each valid until it
 * expires (ignored at once, dropped by `sweep`). A tag matches only for the address of record it was issued for.
 */
export class SipPublicationStore<T> {
  private readonly byTag = new Map<string, Entry<T>>();
  private readonly byAor = new Map<string, Set<Entry<T>>>();
  private readonly newEntityTag: () => string;

  constructor(private readonly opts: SipPublicationStoreOptions) {
    this.newEntityTag = opts.newEntityTag ?? newEntityTag;
  }

  get size(): number {
    return this.byTag.size;
  }

  /** A new publication of `aor` for `seconds`; the user's oldest goes when they hold `maxPerUser` already. */
  create(aor: string, seconds: number, value: T): CreateOutcome<T> {
    const now = this.opts.now();
    const evicted = this.dropExpiredOf(aor, now);
    const mine = this.byAor.get(aor);
    if (mine !== undefined && mine.size >= this.opts.maxPerUser) {
      const oldest = [...mine].reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
      this.delete(oldest);
      evicted.push(oldest);
    }
    if (this.byTag.size >= this.opts.maxTotal) {
      this.sweep();
      if (this.byTag.size >= this.opts.maxTotal) return { kind: 'full' };
    }
    const entry: Entry<T> = { aor, entityTag: this.uniqueTag(), createdAt: now, expiresAt: now + seconds * 1000, value };
    this.insert(entry);
    return { kind: 'ok', publication: entry, evicted };
  }

  /** The live publication of `aor` with this tag; undefined when unknown, expired or issued for someone else. */
  find(aor: string, entityTag: string): SipPublication<T> | undefined {
    const entry = this.byTag.get(entityTag);
    if (entry === undefined || entry.aor !== aor || entry.expiresAt <= this.opts.now()) return undefined;
    return entry;
  }

  /**
   * Extends a live publication to `seconds` from now under a new tag (RFC 3903 §6): the publication that takes its
   * place keeps its creation time and value; the old tag, and the object passed in, stop counting.
   */
  refresh(publication: SipPublication<T>, seconds: number): SipPublication<T> {
    const entry = this.own(publication);
    this.delete(entry);
    const refreshed: Entry<T> = { ...entry, entityTag: this.uniqueTag(), expiresAt: this.opts.now() + seconds * 1000 };
    this.insert(refreshed);
    return refreshed;
  }

  remove(publication: SipPublication<T>): void {
    const entry = this.byTag.get(publication.entityTag);
    if (entry === publication) this.delete(entry);
  }

  /** The live publications of `aor`, oldest first. */
  publicationsOf(aor: string): SipPublication<T>[] {
    const now = this.opts.now();
    return [...(this.byAor.get(aor) ?? [])].filter((e) => e.expiresAt > now).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Drops every expired publication and returns them (their owner withdraws what they set). */
  sweep(): SipPublication<T>[] {
    const now = this.opts.now();
    const expired: SipPublication<T>[] = [];
    for (const entry of this.byTag.values()) {
      if (entry.expiresAt <= now) expired.push(entry);
    }
    for (const entry of expired) this.delete(entry as Entry<T>);
    return expired;
  }

  private dropExpiredOf(aor: string, now: number): SipPublication<T>[] {
    const expired = [...(this.byAor.get(aor) ?? [])].filter((e) => e.expiresAt <= now);
    for (const entry of expired) this.delete(entry);
    return expired;
  }

  private own(publication: SipPublication<T>): Entry<T> {
    const entry = this.byTag.get(publication.entityTag);
    if (entry !== publication) throw new Error('this publication is no longer in the store');
    return entry;
  }

  private uniqueTag(): string {
    for (;;) {
      const tag = this.newEntityTag();
      if (!this.byTag.has(tag)) return tag;
    }
  }

  private insert(entry: Entry<T>): void {
    this.byTag.set(entry.entityTag, entry);
    let mine = this.byAor.get(entry.aor);
    if (mine === undefined) {
      mine = new Set();
      this.byAor.set(entry.aor, mine);
    }
    mine.add(entry);
  }

  private delete(entry: Entry<T>): void {
    this.byTag.delete(entry.entityTag);
    const mine = this.byAor.get(entry.aor);
    mine?.delete(entry);
    if (mine?.size === 0) this.byAor.delete(entry.aor);
  }
}
