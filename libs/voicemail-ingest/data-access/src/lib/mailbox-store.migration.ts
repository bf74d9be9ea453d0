import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mailbox message store: messages (one row per recipient's copy), their attachments, each
 * mailbox's running totals, and the PostgreSQL blob store's tables (empty when blobs live on the
 * filesystem). Blobs are named by the SHA-256 of their bytes; rows name them, never own them.
 */
export class MailboxStore1765000000000 implements MigrationInterface {
  name = 'MailboxStore1765000000000';

  async up(q: QueryRunner): Promise<void> {
    const folders = `'inbox', 'deleteditems', 'sentitems', 'drafts', 'outbox', 'junkemail', 'notes', 'journal', 'conversationhistory'`;
    await q.query(`
      CREATE TABLE voicemail_ingest.message (
        id uuid PRIMARY KEY,
        mailbox text NOT NULL,
        folder text NOT NULL CHECK (folder IN (${folders})),
        item_class text NOT NULL,
        subject text NOT NULL,
        from_address jsonb NULL,
        to_addresses jsonb NOT NULL,
        cc_addresses jsonb NOT NULL,
        received_at timestamptz NOT NULL,
        sent_at timestamptz NULL,
        size bigint NOT NULL CHECK (size >= 0),
        is_read boolean NOT NULL,
        has_attachments boolean NOT NULL,
        internet_message_id text NULL,
        importance text NOT NULL CHECK (importance IN ('Low', 'Normal', 'High')),
        body_type text NULL CHECK (body_type IN ('Text', 'HTML')),
        body text NULL,
        headers jsonb NOT NULL,
        voicemail jsonb NULL,
        mime_blob text NOT NULL,
        change_key text NOT NULL,
        last_modified_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_message_mailbox_folder_received ON voicemail_ingest.message (mailbox, folder, received_at, id)`);
    await q.query(`CREATE INDEX ix_message_mime_blob ON voicemail_ingest.message (mime_blob)`);
    await q.query(`
      CREATE TABLE voicemail_ingest.message_attachment (
        message_id uuid NOT NULL REFERENCES voicemail_ingest.message (id) ON DELETE CASCADE,
        index smallint NOT NULL CHECK (index >= 0),
        name text NOT NULL,
        content_type text NOT NULL,
        size bigint NOT NULL CHECK (size >= 0),
        is_inline boolean NOT NULL,
        content_id text NULL,
        content_blob text NOT NULL,
        PRIMARY KEY (message_id, index)
      )`);
    await q.query(`CREATE INDEX ix_message_attachment_content_blob ON voicemail_ingest.message_attachment (content_blob)`);
    await q.query(`
      CREATE TABLE voicemail_ingest.mailbox_state (
        mailbox text PRIMARY KEY,
        used_bytes bigint NOT NULL CHECK (used_bytes >= 0),
        waiting_new integer NOT NULL,
        waiting_old integer NOT NULL,
        waiting_revision integer NOT NULL,
        last_modified_at timestamptz NULL
      )`);
    await q.query(`
      CREATE TABLE voicemail_ingest.blob (
        key text PRIMARY KEY,
        size bigint NOT NULL,
        written_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_blob_written_at ON voicemail_ingest.blob (written_at)`);
    await q.query(`
      CREATE TABLE voicemail_ingest.blob_chunk (
        key text NOT NULL REFERENCES voicemail_ingest.blob (key) ON DELETE CASCADE,
        seq integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (key, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE voicemail_ingest.blob_chunk`);
    await q.query(`DROP TABLE voicemail_ingest.blob`);
    await q.query(`DROP TABLE voicemail_ingest.mailbox_state`);
    await q.query(`DROP TABLE voicemail_ingest.message_attachment`);
    await q.query(`DROP TABLE voicemail_ingest.message`);
  }
}
