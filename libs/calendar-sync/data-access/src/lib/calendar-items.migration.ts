import { MigrationInterface, QueryRunner } from 'typeorm';

/** Calendar items (single items and series masters) and their occurrence exceptions. */
export class CalendarItems1764000000000 implements MigrationInterface {
  name = 'CalendarItems1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_sync.calendar_item (
        id uuid PRIMARY KEY,
        mailbox text NOT NULL,
        subject text NOT NULL,
        body_type text NULL CHECK (body_type IN ('Text', 'HTML')),
        body text NULL,
        location text NULL,
        start_time timestamptz NOT NULL,
        end_time timestamptz NOT NULL,
        is_all_day boolean NOT NULL,
        legacy_free_busy_status text NOT NULL CHECK (legacy_free_busy_status IN ('Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere', 'NoData')),
        sensitivity text NOT NULL CHECK (sensitivity IN ('Normal', 'Personal', 'Private', 'Confidential')),
        organizer jsonb NOT NULL,
        required_attendees jsonb NOT NULL,
        optional_attendees jsonb NOT NULL,
        start_time_zone text NOT NULL,
        end_time_zone text NOT NULL,
        recurrence jsonb NULL,
        range_start timestamptz NOT NULL,
        range_end timestamptz NULL,
        change_key text NOT NULL,
        revision integer NOT NULL,
        created_at timestamptz NOT NULL,
        last_modified_at timestamptz NOT NULL,
        CONSTRAINT ck_calendar_item_span CHECK (end_time >= start_time)
      )`);
    await q.query(`CREATE INDEX ix_calendar_item_mailbox_range ON calendar_sync.calendar_item (mailbox, range_start)`);
    await q.query(`
      CREATE TABLE calendar_sync.calendar_item_exception (
        item_id uuid NOT NULL REFERENCES calendar_sync.calendar_item (id) ON DELETE CASCADE,
        original_start timestamptz NOT NULL,
        kind text NOT NULL CHECK (kind IN ('deleted', 'modified')),
        start_time timestamptz NULL,
        end_time timestamptz NULL,
        overrides jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT pk_calendar_item_exception PRIMARY KEY (item_id, original_start),
        CONSTRAINT ck_calendar_item_exception_span CHECK (kind = 'deleted' OR (start_time IS NOT NULL AND end_time IS NOT NULL AND end_time >= start_time))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_sync.calendar_item_exception`);
    await q.query(`DROP TABLE calendar_sync.calendar_item`);
  }
}
