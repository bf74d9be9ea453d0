import type { Transaction } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { modifiedRows } from './returned-rows';

/** The leases of presence-bridge replicas: a live replica renews its own; any replica sweeps expired ones. */
export class ReplicaLeaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates or extends the replica's lease. */
  async register(instanceId: string, now: Date, expiresAt: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO presence_bridge.replica_lease (instance_id, started_at, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (instance_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      [instanceId, now, expiresAt],
    );
  }

  /**
   * Extends the replica's lease if it still holds one that has not expired; false when it had lost
   * it (expired, or already swept by another replica): the replica must then register its
   * endpoints again.
   */
  async renew(instanceId: string, now: Date, expiresAt: Date): Promise<boolean> {
    const rows = modifiedRows(
      await this.dataSource.query(
        `UPDATE presence_bridge.replica_lease SET expires_at = $3 WHERE instance_id = $1 AND expires_at > $2 RETURNING instance_id`,
        [instanceId, now, expiresAt],
      ),
    );
    return rows.length === 1;
  }

  /** Locks up to `limit` leases expired at `now`, skipping those another replica is sweeping. */
  async claimExpired(tx: Transaction, now: Date, limit: number): Promise<string[]> {
    const rows: { instance_id: string }[] = await tx.manager.query(
      `SELECT instance_id FROM presence_bridge.replica_lease WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((r) => r.instance_id);
  }

  /** Locks one lease if it is (still) expired at `now`; false when it was renewed or swept meanwhile, or another replica holds it. */
  async lockExpired(tx: Transaction, instanceId: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      `SELECT instance_id FROM presence_bridge.replica_lease WHERE instance_id = $1 AND expires_at <= $2 FOR UPDATE SKIP LOCKED`,
      [instanceId, now],
    );
    return rows.length === 1;
  }

  async delete(tx: Transaction, instanceId: string): Promise<void> {
    await tx.manager.query(`DELETE FROM presence_bridge.replica_lease WHERE instance_id = $1`, [instanceId]);
  }

  /** Ends the replica's lease at once (a clean shutdown, after its endpoints are gone). */
  async release(instanceId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM presence_bridge.replica_lease WHERE instance_id = $1`, [instanceId]);
  }
}
