import type { Transaction } from '@parley/persistence';
import type { BlobKey } from './blob-store';

/**
 * The lock and the reference check that keep blobs and rows consistent. A delivery takes each
 * blob's lock shared in the transaction that references it; the sweeper takes it exclusively
 * before it checks and removes one. Transaction-scoped advisory locks: released by the commit.
 */
export class BlobReferences {
  async lockShared(tx: Transaction, keys: readonly BlobKey[]): Promise<void> {
    const names = [...new Set(keys)].sort().map(lockName);
    if (names.length === 0) return;
    // One round trip for all of them, taken in key order.
    await tx.manager.query(
      `SELECT count(pg_advisory_xact_lock_shared(hashtext(name))) FROM (SELECT name FROM unnest($1::text[]) WITH ORDINALITY AS k(name, n) ORDER BY n) AS ordered`,
      [names],
    );
  }

  async lockForRemoval(tx: Transaction, key: BlobKey): Promise<void> {
    await tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [lockName(key)]);
  }

  /** The keys among `keys` that no row names now (a first cut, without locks; each is checked again under its lock). */
  async unreferencedAmong(tx: Transaction, keys: readonly BlobKey[]): Promise<BlobKey[]> {
    const rows = (await tx.manager.query(
      `SELECT k.key FROM unnest($1::text[]) AS k(key)
        WHERE NOT EXISTS (SELECT 1 FROM voicemail_ingest.message m WHERE m.mime_blob = k.key)
          AND NOT EXISTS (SELECT 1 FROM voicemail_ingest.message_attachment a WHERE a.content_blob = k.key)
          AND NOT EXISTS (SELECT 1 FROM voicemail_ingest.outbound_message o WHERE o.mime_blob = k.key)`,
      [keys],
    )) as { key: string }[];
    return rows.map((r) => r.key);
  }

  /** Whether a message (its MIME), an attachment or a queued outbound message names the blob, as committed (under the lock). */
  async isReferenced(tx: Transaction, key: BlobKey): Promise<boolean> {
    const rows = (await tx.manager.query(
      `SELECT 1 FROM voicemail_ingest.message WHERE mime_blob = $1
       UNION ALL SELECT 1 FROM voicemail_ingest.message_attachment WHERE content_blob = $1
       UNION ALL SELECT 1 FROM voicemail_ingest.outbound_message WHERE mime_blob = $1 LIMIT 1`,
      [key],
    )) as unknown[];
    return rows.length > 0;
  }
}

function lockName(key: BlobKey): string {
  return `parley-mailbox-blob:${key}`;
}
