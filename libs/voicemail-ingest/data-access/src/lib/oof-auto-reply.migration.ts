import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OOF auto-replies: voicemail-ingest's read model of each mailbox's effective OOF state (from
 * calendar-sync's `calendar.oof.effective-changed.v1`) and the senders already answered in the
 * current OOF period (one reply per mailbox, period and sender: the primary key is the claim).
 */
export class OofAutoReplies1765400000000 implements MigrationInterface {
  name = 'OofAutoReplies1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE voicemail_ingest.oof_reply_state (
        mailbox text PRIMARY KEY,
        active boolean NOT NULL,
        internal_reply text NOT NULL,
        external_reply text NOT NULL,
        external_audience text NOT NULL CONSTRAINT oof_reply_state_audience_check CHECK (external_audience IN ('None', 'Known', 'All')),
        until timestamptz NULL,
        settings_revision bigint NOT NULL,
        sequence bigint NOT NULL,
        period bigint NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE voicemail_ingest.oof_reply_sent (
        mailbox text NOT NULL,
        period bigint NOT NULL,
        sender text NOT NULL,
        sent_at timestamptz NOT NULL,
        CONSTRAINT pk_oof_reply_sent PRIMARY KEY (mailbox, period, sender)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE voicemail_ingest.oof_reply_sent`);
    await q.query(`DROP TABLE voicemail_ingest.oof_reply_state`);
  }
}
