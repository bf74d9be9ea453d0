import type { Transaction } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { modifiedRows } from './returned-rows';

export interface NewEndpoint {
  id: string;
  mailbox: string;
  instanceId: string;
  label: string;
  connectedAt: Date;
}

/** An endpoint as the presence engine takes it. */
export interface LiveEndpoint {
  endpointId: string;
  label: string;
  lastActivityAt: Date;
}

/**
 * Connected clients of every replica. An endpoint counts only while its replica's lease is valid,
 * so a replica that died stops contributing as soon as its lease expires, before anyone sweeps.
 */
export class EndpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tx: Transaction, endpoint: NewEndpoint): Promise<void> {
    await tx.manager.query(
      `INSERT INTO presence_bridge.endpoint (id, mailbox, instance_id, label, connected_at, last_activity_at) VALUES ($1, $2, $3, $4, $5, $5)`,
      [endpoint.id, endpoint.mailbox, endpoint.instanceId, endpoint.label, endpoint.connectedAt],
    );
  }

  /** Writes an endpoint again (its replica had lost its lease) unless its row is still there; the activity moves forward either way. */
  async insertIfAbsent(tx: Transaction, endpoint: NewEndpoint, lastActivityAt: Date): Promise<void> {
    await tx.manager.query(
      `INSERT INTO presence_bridge.endpoint (id, mailbox, instance_id, label, connected_at, last_activity_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET last_activity_at = GREATEST(presence_bridge.endpoint.last_activity_at, EXCLUDED.last_activity_at)`,
      [endpoint.id, endpoint.mailbox, endpoint.instanceId, endpoint.label, endpoint.connectedAt, lastActivityAt],
    );
  }

  /** Removes the endpoint; false when it was gone already. */
  async delete(tx: Transaction, id: string): Promise<boolean> {
    const rows = modifiedRows(await tx.manager.query(`DELETE FROM presence_bridge.endpoint WHERE id = $1 RETURNING id`, [id]));
    return rows.length === 1;
  }

  /** The user's endpoints on replicas whose lease is valid at `now`. */
  async liveOf(tx: Transaction, mailbox: string, now: Date): Promise<LiveEndpoint[]> {
    const rows: { id: string; label: string; last_activity_at: Date }[] = await tx.manager.query(
      `SELECT e.id, e.label, e.last_activity_at FROM presence_bridge.endpoint e
       JOIN presence_bridge.replica_lease l ON l.instance_id = e.instance_id AND l.expires_at > $2
       WHERE e.mailbox = $1 ORDER BY e.id`,
      [mailbox, now],
    );
    return rows.map((r) => ({ endpointId: r.id, label: r.label, lastActivityAt: r.last_activity_at }));
  }

  async countOf(tx: Transaction, mailbox: string, now: Date): Promise<number> {
    return (await this.liveOf(tx, mailbox, now)).length;
  }

  /** Moves the stored activity forward (never back); the mailbox when the endpoint exists. */
  async touch(tx: Transaction, id: string, lastActivityAt: Date): Promise<string | null> {
    const rows = modifiedRows<{ mailbox: string }>(
      await tx.manager.query(
        `UPDATE presence_bridge.endpoint SET last_activity_at = GREATEST(last_activity_at, $2) WHERE id = $1 RETURNING mailbox`,
        [id, lastActivityAt],
      ),
    );
    return rows[0]?.mailbox ?? null;
  }

  /**
   * Moves several endpoints' stored activity forward in one statement, outside any user's lock: only
   * for endpoints that are active by the stored value and stay so (nothing watchers see changes).
   */
  async touchMany(activity: readonly { id: string; at: Date }[]): Promise<void> {
    if (activity.length === 0) return;
    await this.dataSource.query(
      `UPDATE presence_bridge.endpoint e SET last_activity_at = GREATEST(e.last_activity_at, a.at)
       FROM unnest($1::uuid[], $2::timestamptz[]) AS a (id, at) WHERE e.id = a.id`,
      [activity.map((a) => a.id), activity.map((a) => a.at.toISOString())],
    );
  }

  /** Removes up to `limit` endpoints of a replica; returns their users (one per endpoint). */
  async deleteOfInstance(tx: Transaction, instanceId: string, limit: number): Promise<string[]> {
    const rows = modifiedRows<{ mailbox: string }>(
      await tx.manager.query(
        `DELETE FROM presence_bridge.endpoint WHERE id IN (SELECT id FROM presence_bridge.endpoint WHERE instance_id = $1 LIMIT $2)
         RETURNING mailbox`,
        [instanceId, limit],
      ),
    );
    return rows.map((r) => r.mailbox);
  }

  /** Removes up to `limit` endpoints whose replica holds no lease row at all; returns their users. */
  async deleteOrphans(tx: Transaction, limit: number): Promise<string[]> {
    const rows = modifiedRows<{ mailbox: string }>(
      await tx.manager.query(
        `DELETE FROM presence_bridge.endpoint WHERE id IN (
           SELECT e.id FROM presence_bridge.endpoint e
           WHERE NOT EXISTS (SELECT 1 FROM presence_bridge.replica_lease l WHERE l.instance_id = e.instance_id)
           LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING mailbox`,
        [limit],
      ),
    );
    return rows.map((r) => r.mailbox);
  }

  /**
   * Whether `to` has a live endpoint and has not blocked `from`, in one query: an IM or a typing
   * notice goes out only then.
   */
  async reachable(to: string, from: string, now: Date): Promise<boolean> {
    const rows: { reachable: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (
           SELECT 1 FROM presence_bridge.endpoint e
           JOIN presence_bridge.replica_lease l ON l.instance_id = e.instance_id AND l.expires_at > $3
           WHERE e.mailbox = $1)
         AND NOT EXISTS (SELECT 1 FROM presence_bridge.blocked_watcher b WHERE b.owner = $1 AND b.watcher = $2) AS reachable`,
      [to, from, now],
    );
    return rows[0]?.reachable === true;
  }

  /** The endpoints of a replica (for tests and an operator's eye). */
  async ofInstance(instanceId: string): Promise<{ id: string; mailbox: string }[]> {
    return this.dataSource.query(`SELECT id, mailbox FROM presence_bridge.endpoint WHERE instance_id = $1 ORDER BY id`, [instanceId]);
  }
}
