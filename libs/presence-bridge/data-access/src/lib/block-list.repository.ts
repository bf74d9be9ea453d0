import type { Transaction } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { BlockedWatcherEntity } from './blocked-watcher.entity';

/** The watchers each user blocked. */
export class BlockListRepository {
  constructor(private readonly dataSource: DataSource) {}

  async blocked(owner: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(BlockedWatcherEntity).find({ where: { owner }, order: { watcher: 'ASC' } });
    return rows.map((r) => r.watcher);
  }

  /** The same, inside `tx` (a republication in the transaction that changed the list sees the change). */
  async blockedIn(tx: Transaction, owner: string): Promise<string[]> {
    const rows: { watcher: string }[] = await tx.manager.query(
      `SELECT watcher FROM presence_bridge.blocked_watcher WHERE owner = $1 ORDER BY watcher`,
      [owner],
    );
    return rows.map((r) => r.watcher);
  }

  async isBlocked(owner: string, watcher: string): Promise<boolean> {
    return this.dataSource.getRepository(BlockedWatcherEntity).existsBy({ owner, watcher });
  }

  async count(tx: Transaction, owner: string): Promise<number> {
    return tx.manager.getRepository(BlockedWatcherEntity).countBy({ owner });
  }

  /** Of `owners`, those who blocked `watcher` (one query, for a batch read). */
  async ownersBlocking(watcher: string, owners: readonly string[]): Promise<Set<string>> {
    if (owners.length === 0) return new Set();
    const rows: { owner: string }[] = await this.dataSource.query(
      `SELECT owner FROM presence_bridge.blocked_watcher WHERE watcher = $1 AND owner = ANY($2)`,
      [watcher, owners],
    );
    return new Set(rows.map((r) => r.owner));
  }

  /** Blocks the watcher; blocking twice keeps the first time. True when the block is new. */
  async insert(tx: Transaction, owner: string, watcher: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      `INSERT INTO presence_bridge.blocked_watcher (owner, watcher, blocked_at) VALUES ($1, $2, $3) ON CONFLICT (owner, watcher) DO NOTHING
       RETURNING owner`,
      [owner, watcher, now],
    );
    return rows.length === 1;
  }

  /** Unblocks; false when the watcher was not blocked. */
  async delete(tx: Transaction, owner: string, watcher: string): Promise<boolean> {
    const result = await tx.manager.getRepository(BlockedWatcherEntity).delete({ owner, watcher });
    return (result.affected ?? 0) > 0;
  }
}
