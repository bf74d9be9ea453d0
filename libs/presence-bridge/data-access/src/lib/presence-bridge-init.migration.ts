import { MigrationInterface, QueryRunner } from 'typeorm';

export class PresenceBridgeInit1763900300000 implements MigrationInterface {
  name = 'PresenceBridgeInit1763900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE presence_bridge.user_presence (
        mailbox text PRIMARY KEY,
        sequence bigint NOT NULL,
        availability integer NOT NULL,
        activity text NULL,
        note text NULL,
        oof boolean NOT NULL,
        oof_note text NULL,
        oof_revision integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE presence_bridge.user_presence`);
  }
}
