import { MigrationInterface, QueryRunner } from 'typeorm';

/** The `messaging.dead_letter` table: every consumer group's dead letters, in both modes. */
export class DeadLetterInit1764700000000 implements MigrationInterface {
  name = 'DeadLetterInit1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messaging.dead_letter (
        id bigserial PRIMARY KEY,
        consumer_group text NOT NULL,
        topic text NOT NULL,
        message_key text NOT NULL,
        envelope jsonb NOT NULL,
        reason text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('invalid', 'permanent', 'retries-exhausted')),
        attempts integer NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now(),
        replay_requested_at timestamptz NULL,
        replayed_at timestamptz NULL,
        outcome text NULL
      )`);
    // What each group's replayer polls for: requested and not yet done.
    await queryRunner.query(
      `CREATE INDEX dead_letter_replay_pending_idx ON messaging.dead_letter (consumer_group, id) WHERE replay_requested_at IS NOT NULL AND replayed_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX dead_letter_topic_idx ON messaging.dead_letter (topic, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE messaging.dead_letter`);
  }
}
