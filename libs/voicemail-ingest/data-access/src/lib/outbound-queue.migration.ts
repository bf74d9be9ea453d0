import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbound mail queue: one row per message (its envelope sender, the MIME as a blob of the
 * store, when to try next) and one per recipient with its own state and last reply.
 */
export class OutboundQueue1765300000000 implements MigrationInterface {
  name = 'OutboundQueue1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE voicemail_ingest.outbound_message (
        id uuid PRIMARY KEY,
        envelope_from text NULL,
        mime_blob text NOT NULL,
        size integer NOT NULL,
        submitted_by text NULL,
        queued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NULL,
        last_attempt_at timestamptz NULL
      )`);
    // The poller's look: due rows only (finished messages have no next attempt).
    await q.query(
      `CREATE INDEX ix_outbound_message_due ON voicemail_ingest.outbound_message (next_attempt_at) WHERE next_attempt_at IS NOT NULL`,
    );
    // The orphan-blob sweeper's reference check.
    await q.query(`CREATE INDEX ix_outbound_message_mime_blob ON voicemail_ingest.outbound_message (mime_blob)`);
    await q.query(`
      CREATE TABLE voicemail_ingest.outbound_recipient (
        message_id uuid NOT NULL REFERENCES voicemail_ingest.outbound_message (id) ON DELETE CASCADE,
        address text NOT NULL,
        state text NOT NULL CONSTRAINT outbound_recipient_state_check CHECK (state IN ('pending', 'sent', 'failed')),
        last_reply text NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT outbound_recipient_pkey PRIMARY KEY (message_id, address)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE voicemail_ingest.outbound_recipient`);
    await q.query(`DROP TABLE voicemail_ingest.outbound_message`);
  }
}
