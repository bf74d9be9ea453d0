import { MigrationInterface, QueryRunner } from 'typeorm';

export class DirectoryInit1763900100000 implements MigrationInterface {
  name = 'DirectoryInit1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS directory`);
    await q.query(`
      CREATE TABLE directory.mailbox_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        smtp_address text NOT NULL CHECK (smtp_address = lower(smtp_address)),
        display_name text NOT NULL,
        sip_uri text NULL,
        phone_extension text NULL,
        password_hash text NULL,
        roles text[] NOT NULL DEFAULT '{}',
        impersonation_scope text[] NULL,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX mailbox_user_smtp_address_key ON directory.mailbox_user (smtp_address)`);
    await q.query(
      `CREATE UNIQUE INDEX mailbox_user_phone_extension_key ON directory.mailbox_user (phone_extension) WHERE phone_extension IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directory.mailbox_user`);
  }
}
