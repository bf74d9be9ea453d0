import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `blocked_watcher.since`: the sequence of the owner's publication that carried the block. A blocked
 * watcher is shown Offline under that sequence and handed nothing after it, so their view of the
 * owner stands still as a really offline user's does. A block made before this migration counts
 * from the owner's current sequence (at least 1, the first sequence a publication can have).
 */
export class PresenceBlockSequence1764900000000 implements MigrationInterface {
  name = 'PresenceBlockSequence1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE presence_bridge.blocked_watcher ADD COLUMN since bigint NULL`);
    await q.query(`
      UPDATE presence_bridge.blocked_watcher b
      SET since = GREATEST(COALESCE((SELECT p.sequence FROM presence_bridge.user_presence p WHERE p.mailbox = b.owner), 0), 1)`);
    await q.query(`ALTER TABLE presence_bridge.blocked_watcher ALTER COLUMN since SET NOT NULL`);
    await q.query(`ALTER TABLE presence_bridge.blocked_watcher ADD CONSTRAINT blocked_watcher_since_check CHECK (since > 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE presence_bridge.blocked_watcher DROP COLUMN since`);
  }
}
