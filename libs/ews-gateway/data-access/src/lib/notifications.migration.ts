import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * EWS notifications: each mailbox's event journal (what GetEvents, streaming and push read after a
 * watermark, and what survives a gateway restart), its per-mailbox sequence, and the subscriptions.
 */
export class EwsNotifications1766000000000 implements MigrationInterface {
  name = 'EwsNotifications1766000000000';

  async up(q: QueryRunner): Promise<void> {
    const eventTypes = `'NewMail', 'Created', 'Deleted', 'Modified', 'Moved', 'Copied'`;
    // The row lock on a mailbox's counter orders its journal: a sequence commits in the order it was taken.
    await q.query(`
      CREATE TABLE ews_gateway.mailbox_event_counter (
        mailbox text PRIMARY KEY,
        last_seq bigint NOT NULL CHECK (last_seq >= 0),
        purged_through bigint NOT NULL DEFAULT 0 CHECK (purged_through >= 0)
      )`);
    await q.query(`
      CREATE TABLE ews_gateway.mailbox_event (
        mailbox text NOT NULL,
        seq bigint NOT NULL,
        event_type text NOT NULL CHECK (event_type IN (${eventTypes})),
        item_id text NOT NULL,
        change_key text NULL,
        folder text NOT NULL,
        old_item_id text NULL,
        old_folder text NULL,
        occurred_at timestamptz NOT NULL,
        PRIMARY KEY (mailbox, seq)
      )`);
    await q.query(`CREATE INDEX mailbox_event_occurred_at_idx ON ews_gateway.mailbox_event (occurred_at)`);
    await q.query(`
      CREATE TABLE ews_gateway.notification_subscription (
        id uuid PRIMARY KEY,
        mailbox text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('pull', 'push', 'streaming')),
        folders text[] NULL,
        event_types text[] NOT NULL,
        watermark bigint NOT NULL CHECK (watermark >= 0),
        timeout_minutes integer NULL,
        status_frequency_minutes integer NULL,
        callback_url text NULL,
        caller_data text NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        push_due_at timestamptz NULL,
        push_failures integer NOT NULL DEFAULT 0,
        push_status_due_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX notification_subscription_mailbox_idx ON ews_gateway.notification_subscription (mailbox)`);
    await q.query(`CREATE INDEX notification_subscription_expires_idx ON ews_gateway.notification_subscription (expires_at)`);
    await q.query(
      `CREATE INDEX notification_subscription_push_due_idx ON ews_gateway.notification_subscription (push_due_at) WHERE kind = 'push'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ews_gateway.notification_subscription`);
    await q.query(`DROP TABLE ews_gateway.mailbox_event`);
    await q.query(`DROP TABLE ews_gateway.mailbox_event_counter`);
  }
}
