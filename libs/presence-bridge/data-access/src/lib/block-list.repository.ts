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

  /**
   * Inside `tx`, each blocked watcher with the sequence of the publication that carried the block
   * (a republication in the transaction that changed the list sees the change).
   */
  async blockedIn(tx: Transaction, owner: string): Promise<{ watcher: string; since: number }[]> {
    const rows: { watcher: string; since: string }[] = await tx.manager.query(
      `SELECT watcher, since FROM presence_bridge.blocked_watcher WHERE owner = $1 ORDER BY watcher`,
      [owner],
    );
    return rows.map((r) => ({ watcher: r.watcher, since: Number(r.since) }));
  }

  async isBlocked(owner: string, watcher: string): Promise<boolean> {
    return this.dataSource.getRepository(BlockedWatcherEntity).existsBy({ owner, watcher });
  }

  async count(tx: Transaction, owner: string): Promise<number> {
    return tx.manager.getRepository(BlockedWatcherEntity).countBy({ owner });
  }

  /**
   * Blocks the watcher as of the owner's publication `since` (the one about to carry the block);
   * blocking twice keeps the first block. True when the block is new.
   */
  async insert(tx: Transaction, owner: string, watcher: string, since: number, now: Date): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      `INSERT INTO presence_bridge.blocked_watcher (owner, watcher, blocked_at, since) VALUES ($1, $2, $3, $4)
       ON CONFLICT (owner, watcher) DO NOTHING RETURNING owner`,
      [owner, watcher, now, since],
    );
    return rows.length === 1;
  }

  /** Unblocks; false when the watcher was not blocked. */
  async delete(tx: Transaction, owner: string, watcher: string): Promise<boolean> {
    const result = await tx.manager.getRepository(BlockedWatcherEntity).delete({ owner, watcher });
    return (result.affected ?? 0) > 0;
  }
}
