import type { OofSettings } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';

/** A mailbox's effective OOF state as calendar-sync last announced it. */
export interface OofReplyState {
  mailbox: string;
  active: boolean;
  internalReply: string;
  externalReply: string;
  externalAudience: OofSettings['externalAudience'];
  until: Date | null;
  settingsRevision: number;
  sequence: number;
  /** The sequence of the event that switched OOF on (one reply per sender per period). */
  period: number;
}

/** An announced state: the fields of `calendar.oof.effective-changed.v1` the replies need. */
export type AnnouncedOofState = Omit<OofReplyState, 'period'>;

interface StateRow {
  mailbox: string;
  active: boolean;
  internal_reply: string;
  external_reply: string;
  external_audience: OofSettings['externalAudience'];
  until: Date | null;
  settings_revision: string;
  sequence: string;
  period: string;
}

function toState(row: StateRow): OofReplyState {
  return {
    mailbox: row.mailbox,
    active: row.active,
    internalReply: row.internal_reply,
    externalReply: row.external_reply,
    externalAudience: row.external_audience,
    until: row.until,
    settingsRevision: Number(row.settings_revision),
    sequence: Number(row.sequence),
    period: Number(row.period),
  };
}

/** voicemail-ingest's OOF read model (`oof_reply_state`) and the senders answered per period (`oof_reply_sent`). */
export class OofReplyRepository {
  /**
   * Stores `state` unless the row holds a state of the same or a higher sequence (a replayed or late
   * event: false). Switching on starts a new period; the senders answered in earlier periods are forgotten.
   */
  async apply(tx: Transaction, state: AnnouncedOofState, now: Date): Promise<boolean> {
    const rows: { period: string; active: boolean }[] = await tx.manager.query(
      `INSERT INTO voicemail_ingest.oof_reply_state AS s
         (mailbox, active, internal_reply, external_reply, external_audience, until, settings_revision, sequence, period, updated_at)
       VALUES ($1, $2::boolean, $3, $4, $5, $6, $7, $8::bigint, CASE WHEN $2::boolean THEN $8::bigint ELSE 0 END, $9)
       ON CONFLICT (mailbox) DO UPDATE SET
         active = EXCLUDED.active, internal_reply = EXCLUDED.internal_reply, external_reply = EXCLUDED.external_reply,
         external_audience = EXCLUDED.external_audience, until = EXCLUDED.until, settings_revision = EXCLUDED.settings_revision,
         sequence = EXCLUDED.sequence, updated_at = EXCLUDED.updated_at,
         period = CASE WHEN EXCLUDED.active AND NOT s.active THEN EXCLUDED.sequence ELSE s.period END
       WHERE s.sequence < EXCLUDED.sequence
       RETURNING period, active`,
      [
        state.mailbox,
        state.active,
        state.internalReply,
        state.externalReply,
        state.externalAudience,
        state.until,
        state.settingsRevision,
        state.sequence,
        now,
      ],
    );
    const applied = rows[0];
    if (applied === undefined) return false;
    await tx.manager.query(
      `DELETE FROM voicemail_ingest.oof_reply_sent WHERE mailbox = $1 AND ($2::boolean IS FALSE OR period <> $3::bigint)`,
      [state.mailbox, applied.active, applied.period],
    );
    return true;
  }

  async find(tx: Transaction, mailbox: string): Promise<OofReplyState | null> {
    const rows: StateRow[] = await tx.manager.query(
      `SELECT mailbox, active, internal_reply, external_reply, external_audience, until, settings_revision, sequence, period
       FROM voicemail_ingest.oof_reply_state WHERE mailbox = $1`,
      [mailbox],
    );
    return rows[0] ? toState(rows[0]) : null;
  }

  /** Claims the one reply of `mailbox` to `sender` in `period`: false when it was claimed already (by this or a concurrent delivery). */
  async claimReply(tx: Transaction, mailbox: string, period: number, sender: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      `INSERT INTO voicemail_ingest.oof_reply_sent (mailbox, period, sender, sent_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT pk_oof_reply_sent DO NOTHING RETURNING 1`,
      [mailbox, period, sender, now],
    );
    return rows.length > 0;
  }

  /**
   * Whether `mailbox` sent mail to `address` (To or Cc of a message in its Sent Items) received since
   * `since`: the "known sender" of the external audience Known (contact lists belong to presence-bridge).
   */
  async isRecentCorrespondent(tx: Transaction, mailbox: string, address: string, since: Date): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      `SELECT 1 FROM voicemail_ingest.message m
       WHERE m.mailbox = $1 AND m.folder = 'sentitems' AND m.received_at >= $3
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(m.to_addresses || m.cc_addresses) a WHERE lower(a->>'address') = $2)
       LIMIT 1`,
      [mailbox, address, since],
    );
    return rows.length > 0;
  }
}
