import type { Transaction } from '@parley/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { BlobKey, BlobStore } from './blob-store';

/** Bytes per `blob_chunk` row: the bus's content chunk size, so one content read is one or two rows. */
export const POSTGRES_BLOB_CHUNK_BYTES = 256 * 1024;

/**
 * Blobs in voicemail-ingest's own schema (`blob`, `blob_chunk` of bytea rows): the cluster
 * default. A put is its own transaction, durable at commit like every other row (WAL); backups,
 * replication and failover take the blobs along with the rows that name them.
 */
export class PostgresBlobStore extends BlobStore {
  readonly kind = 'postgres';

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async put(key: BlobKey, content: Buffer): Promise<void> {
    await this.dataSource.transaction((manager) => this.write(manager, key, content));
  }

  async confirm(tx: Transaction, key: BlobKey, content: Buffer): Promise<void> {
    // Only a read when it is there (concurrent deliveries of one attachment do not queue on its row);
    // written in the referencing transaction itself when a sweeper took it, so blob and rows commit together.
    const found = (await tx.manager.query(`SELECT 1 FROM voicemail_ingest.blob WHERE key = $1`, [key])) as unknown[];
    if (found.length === 0) await this.write(tx.manager, key, content);
  }

  async read(key: BlobKey, offset: number, length: number): Promise<Buffer | null> {
    const head = (await this.dataSource.query(`SELECT size FROM voicemail_ingest.blob WHERE key = $1`, [key])) as { size: string }[];
    if (head.length === 0) return null;
    const size = Number(head[0].size);
    const end = Math.min(size, offset + length);
    if (end <= offset) return Buffer.alloc(0);
    const first = Math.floor(offset / POSTGRES_BLOB_CHUNK_BYTES);
    const last = Math.floor((end - 1) / POSTGRES_BLOB_CHUNK_BYTES);
    const rows = (await this.dataSource.query(
      `SELECT seq, data FROM voicemail_ingest.blob_chunk WHERE key = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
      [key, first, last],
    )) as { seq: number; data: Buffer }[];
    const joined = Buffer.concat(rows.map((r) => r.data));
    const start = offset - first * POSTGRES_BLOB_CHUNK_BYTES;
    return joined.subarray(start, start + (end - offset));
  }

  async listWrittenBefore(cutoff: Date, after: BlobKey | null, limit: number): Promise<BlobKey[]> {
    const rows = (await this.dataSource.query(
      `SELECT key FROM voicemail_ingest.blob WHERE written_at < $1 AND key > $2 ORDER BY key LIMIT $3`,
      [cutoff, after ?? '', limit],
    )) as { key: string }[];
    return rows.map((r) => r.key);
  }

  async remove(tx: Transaction, key: BlobKey): Promise<void> {
    await tx.manager.query(`DELETE FROM voicemail_ingest.blob WHERE key = $1`, [key]);
  }

  async removeAbandonedWrites(): Promise<number> {
    // A put is one transaction: a crash rolls it back whole.
    return 0;
  }

  /** Inserts the blob with its chunks, or refreshes the written time of one already there (waiting for a concurrent writer of the same key). */
  private async write(manager: EntityManager, key: BlobKey, content: Buffer): Promise<void> {
    const rows = (await manager.query(
      `INSERT INTO voicemail_ingest.blob (key, size, written_at) VALUES ($1, $2, now())
       ON CONFLICT (key) DO UPDATE SET written_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [key, content.length],
    )) as { inserted: boolean }[];
    if (!rows[0].inserted) return;
    for (let seq = 0; seq * POSTGRES_BLOB_CHUNK_BYTES < content.length || seq === 0; seq++) {
      const data = content.subarray(seq * POSTGRES_BLOB_CHUNK_BYTES, (seq + 1) * POSTGRES_BLOB_CHUNK_BYTES);
      await manager.query(`INSERT INTO voicemail_ingest.blob_chunk (key, seq, data) VALUES ($1, $2, $3)`, [key, seq, data]);
    }
  }
}
