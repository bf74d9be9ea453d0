import type { Transaction } from '@parley/persistence';
import type { DataSource } from 'typeorm';
import type { BlobKey } from './blob-store';
import type { OutboundRecipientState } from './outbound-recipient.entity';

/** A message to put in the queue (its MIME blob already durable). */
export interface NewOutboundMessage {
  id: string;
  envelopeFrom: string | null;
  mimeBlob: BlobKey;
  size: number;
  submittedBy: string | null;
  recipients: readonly string[];
  queuedAt: Date;
  expiresAt: Date;
  /** When the first attempt is due (normally `queuedAt`). */
  firstAttemptAt: Date;
}

/** A message a poller claimed: its lease runs until `leaseEndsAt`, and `attempt` fences what it records. */
export interface ClaimedOutboundMessage {
  id: string;
  envelopeFrom: string | null;
  mimeBlob: BlobKey;
  size: number;
  submittedBy: string | null;
  queuedAt: Date;
  expiresAt: Date;
  attempt: number;
  /** The recipients not yet final, in address order. */
  pendingRecipients: string[];
}

/** One recipient's outcome of an attempt. */
export interface OutboundRecipientResult {
  address: string;
  state: OutboundRecipientState;
  reply: string | null;
}

export interface StoredOutboundMessage {
  id: string;
  envelopeFrom: string | null;
  mimeBlob: BlobKey;
  submittedBy: string | null;
  queuedAt: Date;
  expiresAt: Date;
  attempts: number;
  nextAttemptAt: Date | null;
  recipients: { address: string; state: OutboundRecipientState; lastReply: string | null }[];
}

interface ClaimRow {
  id: string;
  envelope_from: string | null;
  mime_blob: string;
  size: number;
  submitted_by: string | null;
  queued_at: Date;
  expires_at: Date;
  attempts: number;
  pending: string[] | null;
}

/**
 * The outbound queue's rows. A claim is a lease, not a held lock: the poller takes due rows with
 * `FOR UPDATE SKIP LOCKED`, moves their next attempt past the lease and commits, then talks to the
 * smarthost outside any transaction. A replica that dies mid-attempt leaves the row to be claimed
 * again when the lease ends; the attempt counter fences a late writer's results.
 */
export class OutboundQueueRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tx: Transaction, message: NewOutboundMessage): Promise<void> {
    await tx.manager.query(
      `INSERT INTO voicemail_ingest.outbound_message (id, envelope_from, mime_blob, size, submitted_by, queued_at, expires_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        message.id,
        message.envelopeFrom,
        message.mimeBlob,
        message.size,
        message.submittedBy,
        message.queuedAt,
        message.expiresAt,
        message.firstAttemptAt,
      ],
    );
    await tx.manager.query(
      `INSERT INTO voicemail_ingest.outbound_recipient (message_id, address, state, updated_at)
       SELECT $1, address, 'pending', $3 FROM unnest($2::text[]) AS r(address) ON CONFLICT DO NOTHING`,
      [message.id, [...message.recipients], message.queuedAt],
    );
  }

  /** Claims up to `limit` messages due at `now`, each leased until `leaseEndsAt`. */
  async claimDue(tx: Transaction, now: Date, limit: number, leaseEndsAt: Date): Promise<ClaimedOutboundMessage[]> {
    const rows: ClaimRow[] = await tx.manager.query(
      `WITH due AS (
         SELECT id FROM voicemail_ingest.outbound_message
          WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $1
          ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE voicemail_ingest.outbound_message m
            SET attempts = m.attempts + 1, last_attempt_at = $1, next_attempt_at = $3
           FROM due WHERE m.id = due.id
         RETURNING m.id, m.envelope_from, m.mime_blob, m.size, m.submitted_by, m.queued_at, m.expires_at, m.attempts
       )
       SELECT c.*, (SELECT array_agg(r.address ORDER BY r.address) FROM voicemail_ingest.outbound_recipient r
                     WHERE r.message_id = c.id AND r.state = 'pending') AS pending
         FROM claimed c`,
      [now, limit, leaseEndsAt],
    );
    return rows.map((r) => ({
      id: r.id,
      envelopeFrom: r.envelope_from,
      mimeBlob: r.mime_blob,
      size: r.size,
      submittedBy: r.submitted_by,
      queuedAt: r.queued_at,
      expiresAt: r.expires_at,
      attempt: r.attempts,
      pendingRecipients: r.pending ?? [],
    }));
  }

  /**
   * Records an attempt's per-recipient results and the next attempt (null: every recipient is
   * final). False, and nothing written, when the claim was lost (its lease ended and another
   * attempt began): that attempt records its own results.
   */
  async recordAttempt(
    tx: Transaction,
    claim: { id: string; attempt: number },
    results: readonly OutboundRecipientResult[],
    nextAttemptAt: Date | null,
    now: Date,
  ): Promise<boolean> {
    const held: { attempts: number }[] = await tx.manager.query(
      `SELECT attempts FROM voicemail_ingest.outbound_message WHERE id = $1 FOR UPDATE`,
      [claim.id],
    );
    if (held[0]?.attempts !== claim.attempt) return false;
    if (results.length > 0) {
      await tx.manager.query(
        `UPDATE voicemail_ingest.outbound_recipient r SET state = x.state, last_reply = x.reply, updated_at = $5
           FROM unnest($2::text[], $3::text[], $4::text[]) AS x(address, state, reply)
          WHERE r.message_id = $1 AND r.address = x.address AND r.state = 'pending'`,
        [claim.id, results.map((r) => r.address), results.map((r) => r.state), results.map((r) => r.reply), now],
      );
    }
    await tx.manager.query(`UPDATE voicemail_ingest.outbound_message SET next_attempt_at = $2 WHERE id = $1`, [claim.id, nextAttemptAt]);
    return true;
  }

  /** The earliest next attempt of any message; null when nothing waits. */
  async nextDueAt(): Promise<Date | null> {
    const rows: { at: Date | null }[] = await this.dataSource.query(
      `SELECT min(next_attempt_at) AS at FROM voicemail_ingest.outbound_message WHERE next_attempt_at IS NOT NULL`,
    );
    return rows[0]?.at ?? null;
  }

  /** Messages with a recipient still to try (the queue-depth gauge). */
  async waitingCount(): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM voicemail_ingest.outbound_message WHERE next_attempt_at IS NOT NULL`,
    );
    return rows[0]?.n ?? 0;
  }

  async find(id: string): Promise<StoredOutboundMessage | null> {
    const rows: (Omit<ClaimRow, 'pending' | 'size'> & { next_attempt_at: Date | null })[] = await this.dataSource.query(
      `SELECT id, envelope_from, mime_blob, submitted_by, queued_at, expires_at, attempts, next_attempt_at
         FROM voicemail_ingest.outbound_message WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (row === undefined) return null;
    const recipients: { address: string; state: OutboundRecipientState; last_reply: string | null }[] = await this.dataSource.query(
      `SELECT address, state, last_reply FROM voicemail_ingest.outbound_recipient WHERE message_id = $1 ORDER BY address`,
      [id],
    );
    return {
      id: row.id,
      envelopeFrom: row.envelope_from,
      mimeBlob: row.mime_blob,
      submittedBy: row.submitted_by,
      queuedAt: row.queued_at,
      expiresAt: row.expires_at,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      recipients: recipients.map((r) => ({ address: r.address, state: r.state, lastReply: r.last_reply })),
    };
  }
}
