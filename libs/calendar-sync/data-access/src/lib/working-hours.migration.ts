import { MigrationInterface, QueryRunner } from 'typeorm';

/** Working hours per mailbox (free/busy's WorkingHours). No row, or a row with null hours: the default applies. */
export class WorkingHours1764200000000 implements MigrationInterface {
  name = 'WorkingHours1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_sync.working_hours (
        mailbox text PRIMARY KEY,
        time_zone text NULL,
        days text[] NULL CHECK (cardinality(days) BETWEEN 1 AND 7 AND days <@ ARRAY['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']),
        start_minutes smallint NULL CHECK (start_minutes BETWEEN 0 AND 1439),
        end_minutes smallint NULL CHECK (end_minutes BETWEEN 1 AND 1440),
        revision integer NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT ck_working_hours_span CHECK (start_minutes < end_minutes),
        CONSTRAINT ck_working_hours_all_or_none CHECK (
          (time_zone IS NULL) = (days IS NULL) AND (days IS NULL) = (start_minutes IS NULL) AND (start_minutes IS NULL) = (end_minutes IS NULL)
        )
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_sync.working_hours`);
  }
}
