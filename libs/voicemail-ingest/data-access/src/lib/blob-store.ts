import type { Transaction } from '@parley/persistence';

/** A blob's name: the SHA-256 of its bytes, lower-case hex. */
export type BlobKey = string;

const BLOB_KEY = /^[0-9a-f]{64}$/;

export function isBlobKey(key: string): key is BlobKey {
  return BLOB_KEY.test(key);
}

/**
 * Where the store keeps message MIME and attachment bytes, by content (SHA-256). Blobs are
 * immutable; the rows that name them live in PostgreSQL, and this interface is what the delivery
 * and the orphan sweeper need of any backend (filesystem, PostgreSQL, later S3-compatible object
 * storage). The crash-safety protocol built on it is in docs/voicemail-ingest.md:
 * - `put` is durable when it resolves (fsync / commit), and refreshes the blob's written time
 *   when it already exists, so a sweeper will not take a blob that is about to be referenced;
 * - `confirm` runs inside the transaction that references the blob, under the blob's shared lock,
 *   and writes it again if a sweeper removed it in between;
 * - `listWrittenBefore` + `remove` let the sweeper remove blobs no row names after a grace period.
 */
export abstract class BlobStore {
  /** `filesystem` or `postgres`: for logs and the docs. */
  abstract readonly kind: string;

  /** Stores `content` under `key` (its SHA-256) durably; idempotent. */
  abstract put(key: BlobKey, content: Buffer): Promise<void>;

  /** Inside the transaction that will reference `key`: makes sure the blob exists before the commit, writing it again if it does not. */
  abstract confirm(tx: Transaction, key: BlobKey, content: Buffer): Promise<void>;

  /** Bytes [offset, offset + length) of the blob (fewer at its end); null when there is no such blob. */
  abstract read(key: BlobKey, offset: number, length: number): Promise<Buffer | null>;

  /** Blobs last written before `cutoff` whose key sorts after `after`, in key order, at most `limit` (the sweeper's candidates, page by page). */
  abstract listWrittenBefore(cutoff: Date, after: BlobKey | null, limit: number): Promise<BlobKey[]>;

  /** Removes the blob (nothing when absent). `tx` is the sweeper's transaction holding the blob's lock. */
  abstract remove(tx: Transaction, key: BlobKey): Promise<void>;

  /** Leftovers of writes a crash interrupted, older than `cutoff` (a backend without any does nothing); how many were removed. */
  abstract removeAbandonedWrites(cutoff: Date): Promise<number>;
}
