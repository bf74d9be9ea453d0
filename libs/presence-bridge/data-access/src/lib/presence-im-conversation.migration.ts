import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IM conversations in progress: one row per pair of users (`first_party` < `second_party`) with
 * the instant it ends unless another IM comes (`ends_at`, the due-queue the conversation poller
 * claims), and the IMs kept so far (within `IM_CONVERSATION_LIMITS`; `message_count` counts every
 * IM, kept or not). A conversation's rows go when its end is announced.
 */
export class PresenceImConversation1765100000000 implements MigrationInterface {
  name = 'PresenceImConversation1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE presence_bridge.im_conversation (
        id uuid PRIMARY KEY,
        first_party text NOT NULL,
        second_party text NOT NULL,
        started_at timestamptz NOT NULL,
        last_message_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        message_count integer NOT NULL,
        kept_messages integer NOT NULL DEFAULT 0,
        kept_characters integer NOT NULL DEFAULT 0,
        CONSTRAINT im_conversation_pair_key UNIQUE (first_party, second_party),
        CONSTRAINT im_conversation_pair_order_check CHECK (first_party < second_party)
      )`);
    await q.query(`CREATE INDEX im_conversation_ends_at_idx ON presence_bridge.im_conversation (ends_at)`);
    await q.query(`
      CREATE TABLE presence_bridge.im_conversation_message (
        conversation_id uuid NOT NULL REFERENCES presence_bridge.im_conversation (id) ON DELETE CASCADE,
        position integer NOT NULL,
        sender text NOT NULL,
        recipient text NOT NULL,
        sent_at timestamptz NOT NULL,
        text text NOT NULL,
        delivered boolean NOT NULL,
        CONSTRAINT im_conversation_message_pkey PRIMARY KEY (conversation_id, position)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE presence_bridge.im_conversation_message`);
    await q.query(`DROP TABLE presence_bridge.im_conversation`);
  }
}
