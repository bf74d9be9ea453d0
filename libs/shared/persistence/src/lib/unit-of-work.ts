import { createEnvelope, Envelope } from '@parley/contracts';
import { correlationIdOrNew } from '@parley/logging';
import { DataSource, EntityManager } from 'typeorm';

/** What a transaction exposes to a service: its EntityManager and the outbox. */
export class Transaction {
  private written = 0;
  /** Work to run once this transaction has committed (never on a rollback). */
  readonly committed: Array<() => void> = [];

  constructor(
    readonly manager: EntityManager,
    private readonly schema: string,
  ) {}

  /**
   * Queues an event or command for publication once this transaction commits. Update the aggregate
   * row before calling this: the row lock then orders outbox rows of one key by commit order.
   */
  async publish<P>(topic: string, key: string, payload: P, opts: { id?: string } = {}): Promise<Envelope<P>> {
    const envelope = createEnvelope({ type: topic, key, payload, correlationId: correlationIdOrNew(), id: opts.id });
    await this.manager.query(
      `INSERT INTO "${this.schema}".outbox_message (message_id, topic, message_key, envelope) VALUES ($1, $2, $3, $4)`,
      [envelope.id, topic, key, JSON.stringify(envelope)],
    );
    this.written++;
    return envelope;
  }

  /** `publish` for several messages in one statement (one round trip); their outbox order is the list's. */
  async publishAll(messages: readonly { topic: string; key: string; payload: unknown }[]): Promise<Envelope<unknown>[]> {
    if (messages.length === 0) return [];
    const envelopes = messages.map(({ topic, key, payload }) =>
      createEnvelope({ type: topic, key, payload, correlationId: correlationIdOrNew() }),
    );
    // VALUES rows take their serial numbers in list order.
    const rows = envelopes.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`).join(', ');
    await this.manager.query(
      `INSERT INTO "${this.schema}".outbox_message (message_id, topic, message_key, envelope) VALUES ${rows}`,
      envelopes.flatMap((e) => [e.id, e.type, e.key, JSON.stringify(e)]),
    );
    this.written += envelopes.length;
    return envelopes;
  }

  /** Records that `consumer` applied message `id`; false when it already had (a redelivery). */
  async claim(consumer: string, id: string, topic: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `INSERT INTO "${this.schema}".processed_message (consumer, message_id, topic) VALUES ($1, $2, $3)
       ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id`,
      [consumer, id, topic],
    );
    return rows.length === 1;
  }

  /**
   * Runs `work` inside a savepoint: should it throw, its writes are undone and the error rethrown,
   * while the transaction itself can go on (optional work that must not cost the caller its own,
   * such as an OOF auto-reply queued in a delivery's transaction). `afterCommit` listeners it added
   * still run after the commit, so they must be harmless on their own (a wake-up).
   */
  async savepoint<T>(name: string, work: () => Promise<T>): Promise<T> {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`invalid savepoint name: ${name}`);
    await this.manager.query(`SAVEPOINT ${name}`);
    let value: T;
    try {
      value = await work();
    } catch (error) {
      await this.manager.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
    await this.manager.query(`RELEASE SAVEPOINT ${name}`);
    return value;
  }

  /** Runs `listener` after the commit, e.g. to wake a poller for a row this transaction wrote; nothing on a rollback. */
  afterCommit(listener: () => void): void {
    this.committed.push(listener);
  }

  get outboxWrites(): number {
    return this.written;
  }
}

/** Where events go: a transaction's outbox, or a `PendingOutbox` that writes them to it in one statement. */
export interface OutboxSink {
  publish(topic: string, key: string, payload: unknown): Promise<unknown>;
}

/** Events held until `flush`, which writes them all with one INSERT (several events of one write, one round trip). */
export class PendingOutbox implements OutboxSink {
  private readonly pending: { topic: string; key: string; payload: unknown }[] = [];

  async publish(topic: string, key: string, payload: unknown): Promise<void> {
    this.pending.push({ topic, key, payload });
  }

  async flush(tx: Transaction): Promise<void> {
    await tx.publishAll(this.pending.splice(0));
  }
}

export type OnceResult<T> = { duplicate: true } | { duplicate: false; value: T };

/** Runs service work in one database transaction, with the outbox and the inbox in it. */
export class UnitOfWork {
  private readonly committedListeners: Array<() => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  /** Called after each commit that wrote to the outbox (the relay uses it to publish at once). */
  onOutboxCommit(listener: () => void): void {
    this.committedListeners.push(listener);
  }

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let tx: Transaction | undefined;
    const value = await this.dataSource.transaction(async (manager) => {
      tx = new Transaction(manager, this.schema);
      return work(tx);
    });
    if (tx && tx.outboxWrites > 0) for (const listener of this.committedListeners) listener();
    for (const listener of tx?.committed ?? []) listener();
    return value;
  }

  /**
   * Applies a consumed message at most once per consumer: the processed-message row and the
   * work's effects commit together, so a redelivery after a crash is recognised and skipped.
   */
  async runOnce<T>(consumer: string, message: { id: string; type: string }, work: (tx: Transaction) => Promise<T>): Promise<OnceResult<T>> {
    return this.run(async (tx) => {
      if (!(await tx.claim(consumer, message.id, message.type))) return { duplicate: true } as const;
      return { duplicate: false, value: await work(tx) } as const;
    });
  }
}
