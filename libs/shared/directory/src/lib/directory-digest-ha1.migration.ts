import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-realm SIP digest HA1s (docs/sip.md, "Digest credentials"); users whose password predates it get theirs when it is next set. */
export class DirectoryDigestHa11765300000000 implements MigrationInterface {
  name = 'DirectoryDigestHa11765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE directory.digest_ha1 (
        user_id uuid NOT NULL REFERENCES directory.mailbox_user (id) ON DELETE CASCADE,
        realm text NOT NULL,
        algorithm text NOT NULL CHECK (algorithm IN ('SHA-256', 'MD5')),
        ha1 bytea NOT NULL CHECK (octet_length(ha1) = CASE algorithm WHEN 'MD5' THEN 16 ELSE 32 END),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT digest_ha1_pkey PRIMARY KEY (user_id, realm, algorithm)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directory.digest_ha1`);
  }
}
