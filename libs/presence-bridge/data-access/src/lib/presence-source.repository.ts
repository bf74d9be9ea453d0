import type { Transaction } from '@parley/persistence';

export type CalendarSourceState = 'free' | 'tentative' | 'busy' | 'out-of-office';

/** What other services last announced about a mailbox (nothing announced: OOF off, free, no voicemail). */
export interface StoredPresenceSource {
  oof: { active: boolean; message: string | null };
  calendar: { state: CalendarSourceState; until: Date | null };
  messageWaiting: { newMessages: number; oldMessages: number };
}

export const noAnnouncedSources: StoredPresenceSource = {
  oof: { active: false, message: null },
  calendar: { state: 'free', until: null },
  messageWaiting: { newMessages: 0, oldMessages: 0 },
};

interface PresenceSourceRow {
  oof_active: boolean;
  oof_message: string | null;
  calendar_state: CalendarSourceState;
  calendar_until: Date | null;
  new_messages: number;
  old_messages: number;
}

/**
 * The announced presence sources per mailbox (calendar-sync's OOF and calendar state, voicemail-ingest's
 * voicemail counts); each kind is replaced only by an event with a higher sequence (or revision).
 */
export class PresenceSourceRepository {
  async find(tx: Transaction, mailbox: string): Promise<StoredPresenceSource> {
    const rows: PresenceSourceRow[] = await tx.manager.query(
      `SELECT oof_active, oof_message, calendar_state, calendar_until, new_messages, old_messages
       FROM presence_bridge.presence_source WHERE mailbox = $1`,
      [mailbox],
    );
    const r = rows[0];
    if (!r) return noAnnouncedSources;
    return {
      oof: { active: r.oof_active, message: r.oof_message },
      calendar: { state: r.calendar_state, until: r.calendar_until },
      messageWaiting: { newMessages: r.new_messages, oldMessages: r.old_messages },
    };
  }

  /** Stores the voicemail counts unless counts with the same or a higher revision are stored; true when stored. */
  async applyMessageWaiting(
    tx: Transaction,
    mailbox: string,
    counts: { newMessages: number; oldMessages: number; revision: number },
    now: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      `INSERT INTO presence_bridge.presence_source (mailbox, new_messages, old_messages, message_waiting_revision, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (mailbox) DO UPDATE SET new_messages = EXCLUDED.new_messages, old_messages = EXCLUDED.old_messages,
         message_waiting_revision = EXCLUDED.message_waiting_revision, updated_at = EXCLUDED.updated_at
       WHERE presence_bridge.presence_source.message_waiting_revision < EXCLUDED.message_waiting_revision
       RETURNING mailbox`,
      [mailbox, counts.newMessages, counts.oldMessages, counts.revision, now],
    );
    return rows.length === 1;
  }

  /** Stores the effective OOF state unless one with the same or a higher sequence is stored; true when stored. */
  async applyOof(
    tx: Transaction,
    mailbox: string,
    oof: { active: boolean; message: string | null; sequence: number },
    now: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      `INSERT INTO presence_bridge.presence_source (mailbox, oof_active, oof_message, oof_sequence, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (mailbox) DO UPDATE SET oof_active = EXCLUDED.oof_active, oof_message = EXCLUDED.oof_message,
         oof_sequence = EXCLUDED.oof_sequence, updated_at = EXCLUDED.updated_at
       WHERE presence_bridge.presence_source.oof_sequence < EXCLUDED.oof_sequence
       RETURNING mailbox`,
      [mailbox, oof.active, oof.message, oof.sequence, now],
    );
    return rows.length === 1;
  }

  /** Stores the calendar state unless one with the same or a higher sequence is stored; true when stored. */
  async applyCalendar(
    tx: Transaction,
    mailbox: string,
    calendar: { state: CalendarSourceState; until: Date | null; sequence: number },
    now: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      `INSERT INTO presence_bridge.presence_source (mailbox, calendar_state, calendar_until, calendar_sequence, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (mailbox) DO UPDATE SET calendar_state = EXCLUDED.calendar_state, calendar_until = EXCLUDED.calendar_until,
         calendar_sequence = EXCLUDED.calendar_sequence, updated_at = EXCLUDED.updated_at
       WHERE presence_bridge.presence_source.calendar_sequence < EXCLUDED.calendar_sequence
       RETURNING mailbox`,
      [mailbox, calendar.state, calendar.until, calendar.sequence, now],
    );
    return rows.length === 1;
  }
}
