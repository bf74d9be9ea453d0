import type { Envelope } from '@parley/contracts';
import { DataSource } from 'typeorm';

export interface OutboundMessage {
  topic: string;
  key: string;
  envelope: Envelope;
}

/** Where the relay hands messages: the Kafka producer or the in-process bus. */
export interface OutboxPublisher {
  /** Resolves once every message is durably accepted, in the given order per key; rejects otherwise. */
  publish(messages: OutboundMessage[]): Promise<void>;
}

export const OUTBOX_PUBLISHER = Symbol('OUTBOX_PUBLISHER');

export interface OutboxRelayOptions {
  schema: string;
  /** How often to look for rows committed by other replicas (own commits wake the relay at once). */
  pollMs: number;
  /** Most rows published per transaction (PARLEY_OUTBOX_BATCH_SIZE). */
  batchSize: number;
  /** How long published rows are kept for inspection before they are purged. */
  retentionMs?: number;
  /** How long processed-message ids are kept: must exceed any redelivery horizon. */
  dedupeWindowMs?: number;
  onError?: (error: unknown) => void;
}

export interface OutboxRelayStats {
  published: number;
  failures: number;
  lastPublishedAt: Date | null;
}

const MAX_BACKOFF_MS = 5_000;
const PURGE_EVERY_MS = 60_000;

/**
 * Publishes committed outbox rows in commit-sequence order and marks them sent.
 *
 * One relay per service schema is active at a time (a transaction-scoped advisory lock), because
 * two relays taking alternate batches could reorder one key's messages. Publication is
 * at-least-once: a crash between publish and mark re-sends, and consumers dedupe by message id.
 */
export class OutboxRelay {
  readonly stats: OutboxRelayStats = { published: 0, failures: 0, lastPublishedAt: null };
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private pendingWake = false;
  private lastPurge = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly opts: OutboxRelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Ask for an immediate pass (after a local commit). */
  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Publishes up to one batch; returns how many rows were published (0 if another relay holds the lock). */
  async drainOnce(): Promise<number> {
    const s = `"${this.opts.schema}"`;
    const batchSize = this.opts.batchSize;
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
        `parley-outbox:${this.opts.schema}`,
      ]);
      if (!locked) return 0;
      const rows: Array<{ seq: string; topic: string; message_key: string; envelope: Envelope }> = await manager.query(
        `SELECT seq, topic, message_key, envelope FROM ${s}.outbox_message
         WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      await this.publisher.publish(rows.map((r) => ({ topic: r.topic, key: r.message_key, envelope: r.envelope })));
      await manager.query(
        `UPDATE ${s}.outbox_message SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE seq = ANY($1::bigint[])`,
        [rows.map((r) => r.seq)],
      );
      return rows.length;
    });
  }

  /** Rows still waiting, for readiness and metrics. */
  async pendingCount(): Promise<number> {
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM "${this.opts.schema}".outbox_message WHERE published_at IS NULL`,
    );
    return count;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        this.pendingWake = false;
        const published = await this.drainOnce();
        backoff = 100;
        if (published > 0) {
          this.stats.published += published;
          this.stats.lastPublishedAt = new Date();
          // A full batch may have more behind it. After a partial one, the table held nothing more
          // when it was read: a local commit since then has called wake() (the sleep below returns
          // at once), so an extra pass that finds nothing is saved on every commit.
          if (published >= this.opts.batchSize) continue;
        }
        await this.maybePurge();
        await this.sleep(this.opts.pollMs);
      } catch (error) {
        this.stats.failures++;
        this.opts.onError?.(error);
        await this.recordFailure(error);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async recordFailure(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.dataSource
      .query(
        `UPDATE "${this.opts.schema}".outbox_message SET attempts = attempts + 1, last_error = $1
         WHERE seq = (SELECT min(seq) FROM "${this.opts.schema}".outbox_message WHERE published_at IS NULL)`,
        [message.slice(0, 1000)],
      )
      .catch(() => undefined);
  }

  private async maybePurge(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    const s = `"${this.opts.schema}"`;
    const retention = `${Math.floor((this.opts.retentionMs ?? 3_600_000) / 1000)} seconds`;
    const dedupe = `${Math.floor((this.opts.dedupeWindowMs ?? 7 * 86_400_000) / 1000)} seconds`;
    await this.dataSource.query(`DELETE FROM ${s}.outbox_message WHERE published_at < now() - $1::interval`, [retention]);
    await this.dataSource.query(`DELETE FROM ${s}.processed_message WHERE processed_at < now() - $1::interval`, [dedupe]);
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.pendingWake) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }
}
