import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Push callbacks: a claimed push subscription is leased to one replica while its callback is in
 * flight (`push_lease_until`), so an event arriving meanwhile marks it due without a second replica
 * sending the same events; a replica that dies mid-send loses the lease when it runs out.
 */
export class EwsPushLease1766100000000 implements MigrationInterface {
  name = 'EwsPushLease1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ews_gateway.notification_subscription ADD COLUMN push_lease_until timestamptz NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ews_gateway.notification_subscription DROP COLUMN push_lease_until`);
  }
}
