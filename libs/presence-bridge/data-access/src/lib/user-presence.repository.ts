import type { Transaction } from '@parley/persistence';
import type { PresenceView } from '@parley/presence-bridge/presence-engine';
import { DataSource } from 'typeorm';

/** Offline, as a row is created before the user's first publication. */
const OFFLINE_AVAILABILITY = 18500;

export interface StoredPresence {
  mailbox: string;
  /** The sequence of the last publication (0: never published). */
  sequence: number;
  /** The view last published; null until the first publication through the engine. */
  published: PresenceView | null;
  /** When time alone changes the view next (null: nothing ahead). */
  reevaluateAt: Date | null;
}

/** A published view with its sequence, as one watcher may read it (snapshots). */
export interface PublishedPresenceRow {
  mailbox: string;
  /** 0: never published. */
  sequence: number;
  view: PresenceView | null;
  /** The sequence of the publication that carried the user's block of the watcher; null: not blocked. */
  blockedSince: number | null;
}

interface UserPresenceRow {
  mailbox: string;
  sequence: string;
  published: PresenceView | null;
  reevaluate_at: Date | null;
}

function toStored(r: UserPresenceRow): StoredPresence {
  return {
    mailbox: r.mailbox,
    sequence: Number(r.sequence),
    published: r.published,
    reevaluateAt: r.reevaluate_at,
  };
}

/** Each user's published presence; the row doubles as the lock that orders every change of the user's sources. */
export class UserPresenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(mailbox: string): Promise<StoredPresence | null> {
    const rows: UserPresenceRow[] = await this.dataSource.query(
      `SELECT mailbox, sequence, published, reevaluate_at FROM presence_bridge.user_presence WHERE mailbox = $1`,
      [mailbox],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  /**
   * Locks the user's row inside `tx`, creating it (never published, sequence 0) if the user has
   * none. Every writer of a presence source of the user calls this first, so the user's changes,
   * and the outbox rows they cause, are applied one at a time in commit order.
   */
  async lock(tx: Transaction, mailbox: string): Promise<StoredPresence> {
    await tx.manager.query(
      `INSERT INTO presence_bridge.user_presence (mailbox, sequence, availability, activity, note, oof)
       VALUES ($1, 0, $2, NULL, NULL, false) ON CONFLICT (mailbox) DO NOTHING`,
      [mailbox, OFFLINE_AVAILABILITY],
    );
    const rows: UserPresenceRow[] = await tx.manager.query(
      `SELECT mailbox, sequence, published, reevaluate_at FROM presence_bridge.user_presence WHERE mailbox = $1 FOR UPDATE`,
      [mailbox],
    );
    return toStored(rows[0]);
  }

  /** Stores the locked row's new state; the flat columns mirror the published view for people reading the table. */
  async save(tx: Transaction, presence: StoredPresence): Promise<void> {
    const view = presence.published;
    await tx.manager.query(
      `UPDATE presence_bridge.user_presence SET sequence = $2, availability = $3, activity = $4, note = $5, oof = $6, published = $7,
         reevaluate_at = $8, updated_at = now()
       WHERE mailbox = $1`,
      [
        presence.mailbox,
        presence.sequence,
        view?.availability ?? OFFLINE_AVAILABILITY,
        view?.activity ?? null,
        view?.note?.text ?? null,
        view?.oof ?? false,
        view === null ? null : JSON.stringify(view),
        presence.reevaluateAt,
      ],
    );
  }

  /**
   * Locks up to `limit` users whose re-evaluation is due at `now`, earliest first, skipping rows
   * another replica holds: each is re-evaluated by whoever locked it, and its next `reevaluate_at`
   * commits with the publication it caused.
   */
  async claimDue(tx: Transaction, now: Date, limit: number): Promise<{ mailbox: string; dueAt: Date }[]> {
    const rows: { mailbox: string; reevaluate_at: Date }[] = await tx.manager.query(
      `SELECT mailbox, reevaluate_at FROM presence_bridge.user_presence WHERE reevaluate_at <= $1
       ORDER BY reevaluate_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((r) => ({ mailbox: r.mailbox, dueAt: r.reevaluate_at }));
  }

  /** The earliest re-evaluation of all users; null when none is planned. */
  async nextDueAt(): Promise<Date | null> {
    const rows: { due_at: Date | null }[] = await this.dataSource.query(
      `SELECT min(reevaluate_at) AS due_at FROM presence_bridge.user_presence WHERE reevaluate_at IS NOT NULL`,
    );
    return rows[0]?.due_at ?? null;
  }

  /**
   * The published views of the given users, each with whether (and since which publication) it
   * blocked `watcher`, in one statement: its one snapshot of the database cannot pair a view
   * published after a block with a block list read before it. Users with neither a row nor a block
   * are left out.
   */
  async publishedFor(watcher: string, mailboxes: readonly string[]): Promise<PublishedPresenceRow[]> {
    if (mailboxes.length === 0) return [];
    const rows: { mailbox: string; sequence: string | null; published: PresenceView | null; since: string | null }[] =
      await this.dataSource.query(
        `SELECT m.mailbox, p.sequence, p.published, b.since
         FROM unnest($2::text[]) AS m(mailbox)
         LEFT JOIN presence_bridge.user_presence p ON p.mailbox = m.mailbox
         LEFT JOIN presence_bridge.blocked_watcher b ON b.owner = m.mailbox AND b.watcher = $1
         WHERE p.mailbox IS NOT NULL OR b.owner IS NOT NULL`,
        [watcher, mailboxes],
      );
    return rows.map((r) => ({
      mailbox: r.mailbox,
      sequence: r.sequence === null ? 0 : Number(r.sequence),
      view: r.published,
      blockedSince: r.since === null ? null : Number(r.since),
    }));
  }
}
