import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mailbox's voicemail counts as voicemail-ingest last announced them (`mailbox.message-waiting.changed.v1`),
 * kept with calendar-sync's sources: they are one more input of the owner's view. `message_waiting_revision`
 * is voicemail-ingest's revision of the counts applied (0: none yet); an older or equal one is ignored.
 */
export class PresenceMessageWaiting1765000000000 implements MigrationInterface {
  name = 'PresenceMessageWaiting1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE presence_bridge.presence_source
        ADD COLUMN new_messages integer NOT NULL DEFAULT 0 CONSTRAINT presence_source_new_messages_check CHECK (new_messages >= 0),
        ADD COLUMN old_messages integer NOT NULL DEFAULT 0 CONSTRAINT presence_source_old_messages_check CHECK (old_messages >= 0),
        ADD COLUMN message_waiting_revision bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE presence_bridge.presence_source
        DROP COLUMN message_waiting_revision, DROP COLUMN old_messages, DROP COLUMN new_messages`);
  }
}
