import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Everything presence-bridge needs to aggregate a user on any replica: the calendar and effective
 * OOF state calendar-sync last announced (`presence_source`, each guarded by its sequence), the
 * connected clients of every replica (`endpoint`) with the replicas' leases (`replica_lease`), and,
 * per user, when time alone changes the view next (`user_presence.reevaluate_at`). The OOF columns
 * of `user_presence` move to `presence_source`.
 */
export class PresenceAcrossReplicas1764800000000 implements MigrationInterface {
  name = 'PresenceAcrossReplicas1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE presence_bridge.presence_source (
        mailbox text PRIMARY KEY,
        oof_active boolean NOT NULL DEFAULT false,
        oof_message text NULL,
        oof_sequence bigint NOT NULL DEFAULT 0,
        calendar_state text NOT NULL DEFAULT 'free',
        calendar_until timestamptz NULL,
        calendar_sequence bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL,
        CONSTRAINT presence_source_calendar_state_check CHECK (calendar_state IN ('free', 'tentative', 'busy', 'out-of-office'))
      )`);
    // What the OOF events applied so far said: kept as the effective state (sequence 0, so any event replaces it).
    await q.query(`
      INSERT INTO presence_bridge.presence_source (mailbox, oof_active, oof_message, updated_at)
      SELECT mailbox, oof, oof_note, now() FROM presence_bridge.user_presence WHERE oof`);
    await q.query(`ALTER TABLE presence_bridge.user_presence DROP COLUMN oof_note, DROP COLUMN oof_revision`);
    await q.query(`ALTER TABLE presence_bridge.user_presence ADD COLUMN reevaluate_at timestamptz NULL`);
    await q.query(
      `CREATE INDEX user_presence_reevaluate_at_idx ON presence_bridge.user_presence (reevaluate_at) WHERE reevaluate_at IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE presence_bridge.replica_lease (
        instance_id text PRIMARY KEY,
        started_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX replica_lease_expires_at_idx ON presence_bridge.replica_lease (expires_at)`);
    await q.query(`
      CREATE TABLE presence_bridge.endpoint (
        id uuid PRIMARY KEY,
        mailbox text NOT NULL,
        instance_id text NOT NULL,
        label text NOT NULL,
        connected_at timestamptz NOT NULL,
        last_activity_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX endpoint_mailbox_idx ON presence_bridge.endpoint (mailbox)`);
    await q.query(`CREATE INDEX endpoint_instance_id_idx ON presence_bridge.endpoint (instance_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE presence_bridge.endpoint`);
    await q.query(`DROP TABLE presence_bridge.replica_lease`);
    await q.query(`DROP INDEX presence_bridge.user_presence_reevaluate_at_idx`);
    await q.query(`ALTER TABLE presence_bridge.user_presence DROP COLUMN reevaluate_at`);
    await q.query(
      `ALTER TABLE presence_bridge.user_presence ADD COLUMN oof_note text NULL, ADD COLUMN oof_revision integer NOT NULL DEFAULT 0`,
    );
    await q.query(`ALTER TABLE presence_bridge.user_presence ALTER COLUMN oof_revision DROP DEFAULT`);
    await q.query(`
      UPDATE presence_bridge.user_presence p SET oof_note = s.oof_message
      FROM presence_bridge.presence_source s WHERE s.mailbox = p.mailbox AND s.oof_active`);
    await q.query(`DROP TABLE presence_bridge.presence_source`);
  }
}
