import { MigrationInterface, QueryRunner } from 'typeorm';

/** The due-queue of presence transitions and the state last published per mailbox. */
export class PresenceTimers1764500000000 implements MigrationInterface {
  name = 'PresenceTimers1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE calendar_sync.presence_timer (mailbox text PRIMARY KEY, due_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX ix_presence_timer_due_at ON calendar_sync.presence_timer (due_at)`);
    await q.query(
      `CREATE TABLE calendar_sync.presence_source_state (
        mailbox text PRIMARY KEY,
        oof_active boolean NOT NULL,
        oof_revision integer NOT NULL,
        calendar_state text NOT NULL CHECK (calendar_state IN ('free', 'tentative', 'busy', 'out-of-office')),
        calendar_until timestamptz NULL,
        sequence bigint NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
    );
    // Mailboxes with OOF on or items ahead before this migration get evaluated once at start.
    await q.query(
      `INSERT INTO calendar_sync.presence_timer (mailbox, due_at)
       SELECT mailbox, now() FROM calendar_sync.oof_settings WHERE state <> 'Disabled'
       UNION
       SELECT DISTINCT mailbox, now() FROM calendar_sync.calendar_item WHERE deleted_at IS NULL AND (range_end IS NULL OR range_end > now())
       ON CONFLICT DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_sync.presence_source_state`);
    await q.query(`DROP TABLE calendar_sync.presence_timer`);
  }
}
