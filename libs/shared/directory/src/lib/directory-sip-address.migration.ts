import { MigrationInterface, QueryRunner } from 'typeorm';
import { sipAddressOf } from './sip-address';

/**
 * The SIP front finds users by their SIP URI (docs/sip.md, "Identities"): `sip_address` holds the comparison key of
 * each user's URI (`sipAddressOf`), unique, so two users can never answer to one URI. Existing users get the key of
 * their `sip_uri`, or of `sip:<smtp address>` when it is empty; if two rows would share a key the older keeps it and
 * the other is left NULL (found by its SMTP address only) rather than failing the upgrade.
 */
export class DirectorySipAddress1765400000000 implements MigrationInterface {
  name = 'DirectorySipAddress1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directory.mailbox_user ADD COLUMN sip_address text NULL`);
    const rows: { id: string; smtp_address: string; sip_uri: string | null }[] = await q.query(
      `SELECT id, smtp_address, sip_uri FROM directory.mailbox_user ORDER BY created_at, id`,
    );
    const taken = new Set<string>();
    for (const row of rows) {
      const key = sipAddressOf(row.sip_uri ?? '') ?? row.smtp_address;
      if (taken.has(key)) continue;
      taken.add(key);
      await q.query(`UPDATE directory.mailbox_user SET sip_address = $1 WHERE id = $2`, [key, row.id]);
    }
    await q.query(`CREATE UNIQUE INDEX mailbox_user_sip_address_key ON directory.mailbox_user (sip_address)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX directory.mailbox_user_sip_address_key`);
    await q.query(`ALTER TABLE directory.mailbox_user DROP COLUMN sip_address`);
  }
}
