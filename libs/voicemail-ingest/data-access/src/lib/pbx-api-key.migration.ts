import { MigrationInterface, QueryRunner } from 'typeorm';

/** PBX API keys for the HTTP voicemail drop: a name, the key's SHA-256 (never the key), created / last used / revoked. */
export class PbxApiKeys1765100000000 implements MigrationInterface {
  name = 'PbxApiKeys1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE voicemail_ingest.pbx_api_key (
        id uuid PRIMARY KEY,
        name text NOT NULL CONSTRAINT pbx_api_key_name_check CHECK (length(name) BETWEEN 1 AND 100),
        key_hash bytea NOT NULL CONSTRAINT pbx_api_key_hash_check CHECK (length(key_hash) = 32),
        created_at timestamptz NOT NULL,
        last_used_at timestamptz NULL,
        revoked_at timestamptz NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX pbx_api_key_hash_key ON voicemail_ingest.pbx_api_key (key_hash)`);
    // Revoking by name must name one key: names are unique among the keys still in use.
    await q.query(`CREATE UNIQUE INDEX pbx_api_key_active_name_key ON voicemail_ingest.pbx_api_key (lower(name)) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE voicemail_ingest.pbx_api_key`);
  }
}
