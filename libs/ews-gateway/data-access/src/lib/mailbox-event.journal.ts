import { DataSource, EntityManager } from 'typeorm';
import type { MailboxEventType } from './mailbox-event.entity';

/** An event to journal, before it has a sequence. */
export interface MailboxEventInput {
  readonly eventType: MailboxEventType;
  readonly itemId: string;
  readonly changeKey: string | null;
  readonly folder: string;
  readonly oldItemId: string | null;
  readonly oldFolder: string | null;
  readonly occurredAt: Date;
}

export interface JournaledEvent extends MailboxEventInput {
  readonly mailbox: string;
  readonly seq: number;
}

/** Which events a subscription takes: its folders (null = all) and event types. */
export interface MailboxEventFilter {
  readonly folders: readonly string[] | null;
  readonly eventTypes: readonly MailboxEventType[];
}

export interface JournalPosition {
  /** The last sequence taken in the mailbox (0 before its first event). */
  readonly lastSeq: number;
  /** Entries up to here were removed by retention: a watermark below it has lost events. */
  readonly purgedThrough: number;
}

export interface JournalPage extends JournalPosition {
  readonly events: JournaledEvent[];
  /** The page stopped at `limit`: more matching events may follow the last one. */
  readonly truncated: boolean;
}

interface EventRow {
  mailbox: string;
  seq: string;
  event_type: MailboxEventType;
  item_id: string;
  change_key: string | null;
  folder: string;
  old_item_id: string | null;
  old_folder: string | null;
  occurred_at: Date;
}

/**
 * Each mailbox's event journal: what the owners' change events became, numbered per mailbox.
 * A watermark is a position in it, so it means the same on every replica and after a restart.
 */
export class MailboxEventJournal {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends events inside the caller's transaction, and marks the mailbox's push subscriptions due,
   * in one statement. Taking the sequence locks the mailbox's counter row until commit, so
   * sequences of one mailbox commit in order and a reader never skips one. Answers the entries and
   * how many push subscriptions it marked (the caller wakes its push dispatcher when any).
   */
  async append(
    manager: EntityManager,
    mailbox: string,
    events: readonly MailboxEventInput[],
  ): Promise<{ events: JournaledEvent[]; pushMarked: number }> {
    if (events.length === 0) return { events: [], pushMarked: 0 };
    const [{ last_seq, push_marked }] = (await manager.query(
      `WITH counter AS (
         INSERT INTO ews_gateway.mailbox_event_counter AS c (mailbox, last_seq) VALUES ($1, $2)
         ON CONFLICT (mailbox) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq RETURNING last_seq),
       appended AS (
         INSERT INTO ews_gateway.mailbox_event (mailbox, seq, event_type, item_id, change_key, folder, old_item_id, old_folder, occurred_at)
         SELECT $1, counter.last_seq - $2 + e.ord, e.event_type, e.item_id, e.change_key, e.folder, e.old_item_id, e.old_folder, e.occurred_at
         FROM counter,
           unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
             WITH ORDINALITY AS e(event_type, item_id, change_key, folder, old_item_id, old_folder, occurred_at, ord)),
       due AS (
         UPDATE ews_gateway.notification_subscription SET push_due_at = least(coalesce(push_due_at, now()), now())
         WHERE mailbox = $1 AND kind = 'push' RETURNING 1)
       SELECT last_seq, (SELECT count(*) FROM due)::int AS push_marked FROM counter`,
      [
        mailbox,
        events.length,
        events.map((e) => e.eventType),
        events.map((e) => e.itemId),
        events.map((e) => e.changeKey),
        events.map((e) => e.folder),
        events.map((e) => e.oldItemId),
        events.map((e) => e.oldFolder),
        events.map((e) => e.occurredAt),
      ],
    )) as { last_seq: string; push_marked: number }[];
    const first = Number(last_seq) - events.length + 1;
    return { events: events.map((event, i): JournaledEvent => ({ ...event, mailbox, seq: first + i })), pushMarked: push_marked };
  }

  async position(mailbox: string): Promise<JournalPosition> {
    const rows = (await this.dataSource.query(`SELECT last_seq, purged_through FROM ews_gateway.mailbox_event_counter WHERE mailbox = $1`, [
      mailbox,
    ])) as { last_seq: string; purged_through: string }[];
    return rows.length === 0
      ? { lastSeq: 0, purgedThrough: 0 }
      : { lastSeq: Number(rows[0].last_seq), purgedThrough: Number(rows[0].purged_through) };
  }

  /** The events after `after` that pass `filter`, up to `limit`, read up to the position taken first. */
  async readAfter(mailbox: string, after: number, filter: MailboxEventFilter, limit: number): Promise<JournalPage> {
    const position = await this.position(mailbox);
    if (after >= position.lastSeq) return { ...position, events: [], truncated: false };
    const rows = (await this.dataSource.query(
      `SELECT mailbox, seq, event_type, item_id, change_key, folder, old_item_id, old_folder, occurred_at
       FROM ews_gateway.mailbox_event
       WHERE mailbox = $1 AND seq > $2 AND seq <= $3 AND event_type = ANY($4)
         AND ($5::text[] IS NULL OR folder = ANY($5) OR old_folder = ANY($5))
       ORDER BY seq LIMIT $6`,
      [mailbox, after, position.lastSeq, filter.eventTypes, filter.folders, limit],
    )) as EventRow[];
    return { ...position, events: rows.map(toEvent), truncated: rows.length === limit };
  }

  /** Removes entries older than `cutoff`, at most `batch` of them; returns how many went. */
  async purgeOlderThan(cutoff: Date, batch: number): Promise<number> {
    const rows = (await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM ews_gateway.mailbox_event WHERE ctid IN (
           SELECT ctid FROM ews_gateway.mailbox_event WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2)
         RETURNING mailbox, seq),
       per_mailbox AS (SELECT mailbox, max(seq) AS through, count(*) AS n FROM gone GROUP BY mailbox),
       marked AS (
         UPDATE ews_gateway.mailbox_event_counter c SET purged_through = greatest(c.purged_through, p.through)
         FROM per_mailbox p WHERE c.mailbox = p.mailbox RETURNING p.n)
       SELECT coalesce(sum(n), 0)::int AS removed FROM marked`,
      [cutoff, batch],
    )) as { removed: number }[];
    return rows[0]?.removed ?? 0;
  }
}

function toEvent(row: EventRow): JournaledEvent {
  return {
    mailbox: row.mailbox,
    seq: Number(row.seq),
    eventType: row.event_type,
    itemId: row.item_id,
    changeKey: row.change_key,
    folder: row.folder,
    oldItemId: row.old_item_id,
    oldFolder: row.old_folder,
    occurredAt: row.occurred_at,
  };
}
