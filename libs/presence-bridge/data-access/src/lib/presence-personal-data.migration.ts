import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each user's contact list (groups), blocked watchers, hand-set state and personal note; and the
 * view last published for each user, which change detection compares the next one with.
 */
export class PresencePersonalData1764720000000 implements MigrationInterface {
  name = 'PresencePersonalData1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE presence_bridge.contact_group (
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX contact_group_owner_name_key ON presence_bridge.contact_group (owner, lower(name))`);
    await q.query(`
      CREATE TABLE presence_bridge.contact (
        owner text NOT NULL,
        contact text NOT NULL,
        group_id uuid NULL REFERENCES presence_bridge.contact_group (id),
        added_at timestamptz NOT NULL,
        PRIMARY KEY (owner, contact)
      )`);
    await q.query(`CREATE INDEX contact_group_id_idx ON presence_bridge.contact (group_id)`);
    await q.query(`
      CREATE TABLE presence_bridge.blocked_watcher (
        owner text NOT NULL,
        watcher text NOT NULL,
        blocked_at timestamptz NOT NULL,
        PRIMARY KEY (owner, watcher)
      )`);
    await q.query(`
      CREATE TABLE presence_bridge.presence_setting (
        mailbox text PRIMARY KEY,
        user_state text NULL,
        user_state_expires_at timestamptz NULL,
        personal_note text NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT presence_setting_expiry_needs_state CHECK (user_state IS NOT NULL OR user_state_expires_at IS NULL)
      )`);
    await q.query(`ALTER TABLE presence_bridge.user_presence ADD COLUMN published jsonb NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE presence_bridge.user_presence DROP COLUMN published`);
    await q.query(`DROP TABLE presence_bridge.presence_setting`);
    await q.query(`DROP TABLE presence_bridge.blocked_watcher`);
    await q.query(`DROP TABLE presence_bridge.contact`);
    await q.query(`DROP TABLE presence_bridge.contact_group`);
  }
}
