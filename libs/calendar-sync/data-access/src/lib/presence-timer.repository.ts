import type { CalendarPresenceState } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { DataSource, In } from 'typeorm';
import { PresenceSourceStateEntity } from './presence-source-state.entity';
import { PresenceTimerEntity } from './presence-timer.entity';

/** What calendar-sync last published for a mailbox (a mailbox never published: OOF off, free, sequence 0). */
export interface PresenceSourceState {
  mailbox: string;
  oofActive: boolean;
  oofRevision: number;
  calendarState: CalendarPresenceState;
  calendarUntil: Date | null;
  sequence: number;
}

export interface DueTimer {
  mailbox: string;
  dueAt: Date;
}

/**
 * Asks for mailbox M's state to be re-evaluated at `at` (or earlier, if a row already says so), inside
 * the writer's transaction: every write to a calendar or to OOF settings calls it with "now", so the
 * due-queue re-plans that mailbox once the write commits.
 */
export async function schedulePresenceCheck(tx: Transaction, mailbox: string, at: Date): Promise<void> {
  await tx.manager.query(
    `INSERT INTO calendar_sync.presence_timer (mailbox, due_at) VALUES ($1, $2)
     ON CONFLICT (mailbox) DO UPDATE SET due_at = LEAST(calendar_sync.presence_timer.due_at, EXCLUDED.due_at)`,
    [mailbox, at],
  );
}

/** The due-queue and the last published presence-source state per mailbox. */
export class PresenceTimerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Locks up to `limit` rows due at `now`, earliest first, skipping rows another poller holds: a
   * row is fired by whoever locked it, and its update or delete commits with the events it caused.
   */
  async claimDue(tx: Transaction, now: Date, limit: number): Promise<DueTimer[]> {
    const rows: { mailbox: string; due_at: Date }[] = await tx.manager.query(
      `SELECT mailbox, due_at FROM calendar_sync.presence_timer WHERE due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((r) => ({ mailbox: r.mailbox, dueAt: r.due_at }));
  }

  /** Moves claimed rows to each mailbox's next transition, or removes them when nothing lies ahead (two statements per batch). */
  async reschedule(tx: Transaction, plans: readonly { mailbox: string; next: Date | null }[]): Promise<void> {
    const done = plans.filter((p) => p.next === null).map((p) => p.mailbox);
    const moved = plans.filter((p): p is { mailbox: string; next: Date } => p.next !== null);
    if (done.length > 0) await tx.manager.query(`DELETE FROM calendar_sync.presence_timer WHERE mailbox = ANY($1)`, [done]);
    if (moved.length > 0)
      await tx.manager.query(
        `UPDATE calendar_sync.presence_timer t SET due_at = p.due_at
         FROM unnest($1::text[], $2::timestamptz[]) AS p (mailbox, due_at) WHERE t.mailbox = p.mailbox`,
        [moved.map((p) => p.mailbox), moved.map((p) => p.next.toISOString())],
      );
  }

  /** The earliest due time of all mailboxes; null when the queue is empty. */
  async nextDueAt(): Promise<Date | null> {
    const rows: { due_at: Date | null }[] = await this.dataSource.query(`SELECT min(due_at) AS due_at FROM calendar_sync.presence_timer`);
    return rows[0]?.due_at ?? null;
  }

  /** The row of each given mailbox that has one (read-only, for tests and the admin's eye). */
  async timersOf(mailboxes: readonly string[]): Promise<DueTimer[]> {
    const rows = await this.dataSource.getRepository(PresenceTimerEntity).findBy({ mailbox: In([...mailboxes]) });
    return rows.map((r) => ({ mailbox: r.mailbox, dueAt: r.dueAt }));
  }

  async statesOf(tx: Transaction, mailboxes: readonly string[]): Promise<Map<string, PresenceSourceState>> {
    const rows = await tx.manager.getRepository(PresenceSourceStateEntity).findBy({ mailbox: In([...mailboxes]) });
    return new Map(
      rows.map((r) => [
        r.mailbox,
        {
          mailbox: r.mailbox,
          oofActive: r.oofActive,
          oofRevision: r.oofRevision,
          calendarState: r.calendarState,
          calendarUntil: r.calendarUntil,
          sequence: r.sequence,
        },
      ]),
    );
  }

  async saveState(tx: Transaction, state: PresenceSourceState, now: Date): Promise<void> {
    await tx.manager.query(
      `INSERT INTO calendar_sync.presence_source_state (mailbox, oof_active, oof_revision, calendar_state, calendar_until, sequence, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (mailbox) DO UPDATE SET oof_active = EXCLUDED.oof_active, oof_revision = EXCLUDED.oof_revision,
         calendar_state = EXCLUDED.calendar_state, calendar_until = EXCLUDED.calendar_until, sequence = EXCLUDED.sequence,
         updated_at = EXCLUDED.updated_at`,
      [state.mailbox, state.oofActive, state.oofRevision, state.calendarState, state.calendarUntil, state.sequence, now],
    );
  }
}
