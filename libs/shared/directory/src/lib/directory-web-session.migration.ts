import { MigrationInterface, QueryRunner } from 'typeorm';

/** The web client's sign-in sessions (docs/architecture.md, "Directory decision" and "Authentication"). */
export class DirectoryWebSession1766000000000 implements MigrationInterface {
  name = 'DirectoryWebSession1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE directory.web_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
        user_id uuid NOT NULL REFERENCES directory.mailbox_user (id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX web_session_token_hash_key ON directory.web_session (token_hash)`);
    await q.query(`CREATE INDEX web_session_user_id_idx ON directory.web_session (user_id)`);
    await q.query(`CREATE INDEX web_session_expires_at_idx ON directory.web_session (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directory.web_session`);
  }
}
