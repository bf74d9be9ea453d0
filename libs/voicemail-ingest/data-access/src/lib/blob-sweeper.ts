import type { UnitOfWork } from '@parley/persistence';
import { BlobReferences } from './blob-references.repository';
import { BlobStore } from './blob-store';

export interface BlobSweeperSettings {
  /** How old an unreferenced blob must be before it is removed: longer than any delivery takes from its first put to its commit. */
  graceMs: number;
  /** Candidates listed at a time (a sweep goes through all of them, page by page). */
  batchSize: number;
}

export interface SweepResult {
  examined: number;
  removed: number;
  abandonedWrites: number;
}

/**
 * Removes blobs no row names once they are older than the grace period: the MIME and attachments
 * of deleted messages, and blobs of deliveries that failed or crashed after their put. Each
 * removal is its own transaction under the blob's exclusive lock (see `BlobReferences`).
 */
export class BlobSweeper {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly blobs: BlobStore,
    private readonly references: BlobReferences,
    private readonly settings: BlobSweeperSettings,
  ) {}

  async sweep(now = new Date()): Promise<SweepResult> {
    const cutoff = new Date(now.getTime() - this.settings.graceMs);
    let examined = 0;
    let removed = 0;
    // A whole pass, page by page in key order: referenced blobs stay candidates and must not hide the orphans after them.
    for (let after: string | null = null; ;) {
      const candidates = await this.blobs.listWrittenBefore(cutoff, after, this.settings.batchSize);
      const orphans = candidates.length === 0 ? [] : await this.unitOfWork.run((tx) => this.references.unreferencedAmong(tx, candidates));
      for (const key of orphans) {
        const gone = await this.unitOfWork.run(async (tx) => {
          await this.references.lockForRemoval(tx, key);
          if (await this.references.isReferenced(tx, key)) return false;
          await this.blobs.remove(tx, key);
          return true;
        });
        if (gone) removed++;
      }
      examined += candidates.length;
      if (candidates.length < this.settings.batchSize) break;
      after = candidates[candidates.length - 1];
    }
    const abandonedWrites = await this.blobs.removeAbandonedWrites(cutoff);
    return { examined, removed, abandonedWrites };
  }
}
