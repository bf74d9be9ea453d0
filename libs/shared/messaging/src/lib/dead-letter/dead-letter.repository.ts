import { createServiceDataSource } from '@parley/persistence';
import { DataSource, EntityManager } from 'typeorm';
import { DeadLetterInit1764700000000 } from './dead-letter-init.migration';
import { DeadLetterError } from './dead-letter.exception';

/** Why a message was given up: it failed validation, the handler refused it, or retries ran out. */
export type DeadLetterKind = 'invalid' | 'permanent' | 'retries-exhausted';

export interface NewDeadLetter {
  /** The Kafka consumer group id of the handler (`<prefix>.<service>`, `<prefix>.embedded`). */
  consumerGroup: string;
  topic: string;
  key: string;
  /** The message as it arrived (valid or not), so that a replay delivers exactly that. */
  envelope: unknown;
  reason: string;
  kind: DeadLetterKind;
  /** Deliveries to the handler (0: it never saw the message, as with an invalid one). */
  attempts: number;
}

export interface StoredDeadLetter extends NewDeadLetter {
  id: string;
  failedAt: Date;
  replayRequestedAt: Date | null;
  replayedAt: Date | null;
  outcome: string | null;
}

/** Where the envelope consumer puts what it gives up on; resolves with the dead letter's id. */
export interface DeadLetterSink {
  record(letter: NewDeadLetter): Promise<string>;
}

/** The schema the messaging lib owns in every deployment's database (see docs/architecture.md). */
export const DEAD_LETTER_SCHEMA = 'messaging';

/** The dead-letter store's DataSource: schema `messaging`, no outbox (it publishes nothing). */
export function createDeadLetterDataSource(opts: { url: string; poolSize: number; service: string }): DataSource {
  return createServiceDataSource({
    service: opts.service,
    schema: DEAD_LETTER_SCHEMA,
    url: opts.url,
    poolSize: opts.poolSize,
    entities: [],
    migrations: [DeadLetterInit1764700000000],
    messaging: false,
  });
}

interface DeadLetterRow {
  id: string;
  consumer_group: string;
  topic: string;
  message_key: string;
  envelope: unknown;
  reason: string;
  kind: DeadLetterKind;
  attempts: number;
  failed_at: Date;
  replay_requested_at: Date | null;
  replayed_at: Date | null;
  outcome: string | null;
}

const COLUMNS =
  'id, consumer_group, topic, message_key, envelope, reason, kind, attempts, failed_at, replay_requested_at, replayed_at, outcome';

/** Dead letters in `messaging.dead_letter`: recorded by consumers, listed and replayed by operators. */
export class DeadLetterRepository implements DeadLetterSink {
  constructor(private readonly dataSource: DataSource) {}

  async record(letter: NewDeadLetter): Promise<string> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO messaging.dead_letter (consumer_group, topic, message_key, envelope, reason, kind, attempts) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        letter.consumerGroup,
        letter.topic,
        letter.key,
        JSON.stringify(letter.envelope ?? null),
        letter.reason,
        letter.kind,
        letter.attempts,
      ],
    );
    return String(rows[0].id);
  }

  /** Newest first, at most `limit`. */
  async list(filter: { topic?: string; consumerGroup?: string; limit: number }): Promise<StoredDeadLetter[]> {
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM messaging.dead_letter
       WHERE ($1::text IS NULL OR topic = $1) AND ($2::text IS NULL OR consumer_group = $2)
       ORDER BY id DESC LIMIT $3`,
      [filter.topic ?? null, filter.consumerGroup ?? null, filter.limit],
    );
    return rows.map(toDeadLetter);
  }

  async count(filter: { topic?: string; consumerGroup?: string }): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM messaging.dead_letter WHERE ($1::text IS NULL OR topic = $1) AND ($2::text IS NULL OR consumer_group = $2)`,
      [filter.topic ?? null, filter.consumerGroup ?? null],
    );
    return Number(rows[0].n);
  }

  async get(id: string): Promise<StoredDeadLetter | null> {
    if (!/^[1-9][0-9]{0,18}$/.test(id)) return null;
    const rows: DeadLetterRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM messaging.dead_letter WHERE id = $1`, [id]);
    return rows.length ? toDeadLetter(rows[0]) : null;
  }

  /**
   * Asks the letter's consumer group to deliver it again. A letter is replayed once: if the replay
   * fails, the failure is a new dead letter, which can be replayed in turn.
   */
  async requestReplay(id: string): Promise<StoredDeadLetter> {
    return this.dataSource.transaction(async (manager) => {
      const rows: DeadLetterRow[] = /^[1-9][0-9]{0,18}$/.test(id)
        ? await manager.query(`SELECT ${COLUMNS} FROM messaging.dead_letter WHERE id = $1 FOR UPDATE`, [id])
        : [];
      if (rows.length === 0) throw new DeadLetterError('NoSuchDeadLetter', `no dead letter ${id}`);
      const letter = toDeadLetter(rows[0]);
      if (letter.replayedAt)
        throw new DeadLetterError(
          'AlreadyReplayed',
          `dead letter ${id} was replayed at ${letter.replayedAt.toISOString()} (${letter.outcome ?? 'no outcome'})`,
        );
      if (letter.replayRequestedAt)
        throw new DeadLetterError(
          'ReplayPending',
          `dead letter ${id} is already waiting for its replay (requested ${letter.replayRequestedAt.toISOString()})`,
        );
      await manager.query(`UPDATE messaging.dead_letter SET replay_requested_at = now() WHERE id = $1`, [id]);
      return { ...letter, replayRequestedAt: new Date() };
    });
  }

  /**
   * Takes the group's oldest requested replay (one replica gets it: FOR UPDATE SKIP LOCKED), runs
   * `replay`, and records the outcome it resolves with in the same transaction. Resolves false when
   * nothing was waiting; if `replay` throws, the row stays requested and is tried on a later poll.
   */
  async replayNext(consumerGroup: string, replay: (letter: StoredDeadLetter, manager: EntityManager) => Promise<string>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows: DeadLetterRow[] = await manager.query(
        `SELECT ${COLUMNS} FROM messaging.dead_letter
         WHERE consumer_group = $1 AND replay_requested_at IS NOT NULL AND replayed_at IS NULL
         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [consumerGroup],
      );
      if (rows.length === 0) return false;
      const letter = toDeadLetter(rows[0]);
      const outcome = await replay(letter, manager);
      await manager.query(`UPDATE messaging.dead_letter SET replayed_at = now(), outcome = $2 WHERE id = $1`, [letter.id, outcome]);
      return true;
    });
  }

  /**
   * Dead letters recorded for the same message by the same group since `manager`'s transaction
   * began (PostgreSQL's now() is the transaction's start): what a replay run inside it produced.
   */
  async failuresSinceTransactionStart(manager: EntityManager, letter: StoredDeadLetter): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM messaging.dead_letter WHERE consumer_group = $1 AND topic = $2 AND envelope = $3::jsonb AND id <> $4 AND failed_at >= now() ORDER BY id`,
      [letter.consumerGroup, letter.topic, JSON.stringify(letter.envelope ?? null), letter.id],
    );
    return rows.map((r) => String(r.id));
  }
}

function toDeadLetter(row: DeadLetterRow): StoredDeadLetter {
  return {
    id: String(row.id),
    consumerGroup: row.consumer_group,
    topic: row.topic,
    key: row.message_key,
    envelope: row.envelope,
    reason: row.reason,
    kind: row.kind,
    attempts: row.attempts,
    failedAt: row.failed_at,
    replayRequestedAt: row.replay_requested_at,
    replayedAt: row.replayed_at,
    outcome: row.outcome,
  };
}
