import type { FreeBusyReply, FreeBusyRequest } from '@parley/contracts';

export interface FreeBusyCacheOptions {
  /** How long an answer may be reused at most; 0 turns the cache off. */
  readonly ttlMs: number;
  /** Most answers kept; the least recently used goes first. */
  readonly maxEntries: number;
  /** Answers with more calendar events than this are not kept (memory stays bounded). */
  readonly maxEventsPerEntry: number;
  readonly now?: () => number;
  /** Told of every lookup while the cache is on (for the hit/miss metric). */
  readonly onLookup?: (hit: boolean) => void;
}

export const FREE_BUSY_CACHE_DEFAULTS: Omit<FreeBusyCacheOptions, 'ttlMs'> = { maxEntries: 10_000, maxEventsPerEntry: 2_000 };

interface Entry {
  readonly reply: FreeBusyReply;
  readonly mailboxes: readonly string[];
  readonly expires: number;
}

/** Where a query stands when it goes to calendar-sync: `put` needs it to tell whether it is still current. */
export interface FreeBusyTicket {
  readonly key: string;
  readonly seq: number;
}

/**
 * Free/busy answers already given, reused for the same query until a mailbox they cover changes.
 *
 * A free/busy answer for a fixed window depends only on the mailboxes' calendars and working
 * hours, not on the clock, so it stays right until one of them changes. calendar-sync announces
 * both kinds of change; this replica follows those feeds and drops every answer covering the
 * mailbox (`invalidate`), and drops them at once after its own writes. Until the feeds are live
 * (`enable`) nothing is kept. The time to live bounds what they cannot tell: directory changes
 * (a new mailbox) show after at most `ttlMs`.
 *
 * A query that was in flight while one of its mailboxes changed is answered but not kept: every
 * invalidation takes a sequence number, and `put` refuses an answer older than the mailbox's last
 * one. The key is the whole request, requester included, so details one caller may see are never
 * handed to another.
 */
export class FreeBusyCache {
  private readonly entries = new Map<string, Entry>();
  /** mailbox → keys of the entries covering it. */
  private readonly byMailbox = new Map<string, Set<string>>();
  /** mailbox → sequence number of its last invalidation. */
  private readonly changedAt = new Map<string, number>();
  private seq = 0;
  private live = false;
  private readonly now: () => number;

  constructor(private readonly options: FreeBusyCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The change feed is live: from now on, a change reaches `invalidate`. */
  enable(): void {
    this.live = true;
  }

  get enabled(): boolean {
    return this.live && this.options.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  ticket(request: FreeBusyRequest): FreeBusyTicket {
    return { key: cacheKey(request), seq: this.seq };
  }

  get(ticket: FreeBusyTicket): FreeBusyReply | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(ticket.key);
    if (entry === undefined || entry.expires <= this.now()) {
      if (entry !== undefined) this.remove(ticket.key);
      this.options.onLookup?.(false);
      return undefined;
    }
    this.options.onLookup?.(true);
    // Re-inserting keeps the map in least-recently-used order.
    this.entries.delete(ticket.key);
    this.entries.set(ticket.key, entry);
    return entry.reply;
  }

  put(ticket: FreeBusyTicket, request: FreeBusyRequest, reply: FreeBusyReply): void {
    if (!this.enabled) return;
    const mailboxes = request.mailboxes.map((m) => m.toLowerCase());
    if (mailboxes.some((m) => (this.changedAt.get(m) ?? 0) > ticket.seq)) return;
    const events = reply.results.reduce((n, r) => n + (r.ok ? (r.view.calendarEvents?.length ?? 0) : 0), 0);
    if (events > this.options.maxEventsPerEntry) return;
    this.remove(ticket.key);
    this.entries.set(ticket.key, { reply, mailboxes, expires: this.now() + this.options.ttlMs });
    for (const mailbox of mailboxes) {
      let keys = this.byMailbox.get(mailbox);
      if (keys === undefined) this.byMailbox.set(mailbox, (keys = new Set()));
      keys.add(ticket.key);
    }
    if (this.entries.size > this.options.maxEntries) this.remove(this.entries.keys().next().value as string);
  }

  /** `mailbox`'s calendar changed: forget every answer that covers it. */
  invalidate(mailbox: string): void {
    const key = mailbox.toLowerCase();
    this.changedAt.set(key, ++this.seq);
    for (const entryKey of this.byMailbox.get(key) ?? []) this.remove(entryKey);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    for (const mailbox of entry.mailboxes) {
      const keys = this.byMailbox.get(mailbox);
      keys?.delete(key);
      if (keys?.size === 0) this.byMailbox.delete(mailbox);
    }
  }
}

function cacheKey(r: FreeBusyRequest): string {
  return JSON.stringify([r.requester ?? null, r.mailboxes, r.start, r.end, r.mergedIntervalMinutes, r.requestedView]);
}
