import { MigrationInterface, QueryRunner } from 'typeorm';

export class CalendarSyncInit1763900200000 implements MigrationInterface {
  name = 'CalendarSyncInit1763900200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_sync.oof_settings (
        mailbox text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('Disabled', 'Enabled', 'Scheduled')),
        external_audience text NOT NULL CHECK (external_audience IN ('None', 'Known', 'All')),
        start_time timestamptz NULL,
        end_time timestamptz NULL,
        internal_reply text NOT NULL,
        external_reply text NOT NULL,
        active boolean NOT NULL,
        revision integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_sync.oof_settings`);
  }
}
