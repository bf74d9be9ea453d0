import { Consumer, Kafka, KafkaConfig } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { kafkaClientLogLevel, kafkaLogCreator } from './kafka-log';
import type { KafkaClientSecurity } from './kafka-security';

export interface KafkaStateReaderOptions {
  brokers: string[];
  clientId: string;
  /** TLS / SASL, as the process's other clients (`kafkaClientSecurity`). */
  security?: KafkaClientSecurity;
  /** Group id prefix; a random suffix is added per start, so every start reads from the beginning. */
  groupId: string;
  topic: string;
  /** The same handler the in-process transport drives (it receives the parsed envelope). */
  handle: (raw: unknown) => Promise<void>;
  /**
   * `beginning` (default): the whole topic, for a read model of its state. `end`: only what is
   * published from now on (a change feed); caught up once the first fetch has set the offsets.
   */
  from?: 'beginning' | 'end';
}

/**
 * Reads a whole (compacted) state topic into a local read model — or, with `from: 'end'`, follows
 * a topic as a change feed from now on — in every replica: a consumer
 * group of its own per process start, from the beginning, never committing (the model lives in
 * memory, so a restart must read everything again). `caughtUp` turns true once every partition
 * has been read up to the end offset it had when the reader started.
 *
 * A handler that throws is retried by kafkajs; past its retries the consumer restarts, and with
 * nothing committed it starts over from the beginning (read models must be revision-guarded).
 */
export class KafkaStateReader {
  private readonly consumer: Consumer;
  private readonly kafka: Kafka;
  /** Partition → offset to reach; a partition leaves the map once reached. */
  private readonly pending = new Map<number, bigint>();
  private caught = false;
  private readonly waiters: (() => void)[] = [];
  readonly groupId: string;

  constructor(
    private readonly opts: KafkaStateReaderOptions,
    tuning: Partial<KafkaConfig> = {},
  ) {
    this.groupId = `${opts.groupId}.${randomBytes(4).toString('hex')}`;
    this.kafka = new Kafka({
      ...tuning,
      ...opts.security,
      clientId: `${opts.clientId}-state`,
      brokers: opts.brokers,
      logLevel: kafkaClientLogLevel,
      logCreator: kafkaLogCreator,
    });
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic === opts.topic) this.reached(payload.partition, BigInt(payload.lastOffset) + 1n);
    });
    // A new group starting at the end resolves its offsets in its first fetch after joining; from
    // then on every message published reaches the handler.
    if (opts.from === 'end') this.consumer.on(this.consumer.events.FETCH, () => this.checkCaughtUp());
  }

  get caughtUp(): boolean {
    return this.caught;
  }

  /** Resolves once caught up (for tests and tools; the app uses readiness instead). */
  whenCaughtUp(): Promise<void> {
    return this.caught ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  async start(): Promise<void> {
    if (this.opts.from === 'end') {
      await this.consumer.connect();
      await this.consumer.subscribe({ topic: this.opts.topic, fromBeginning: false });
      await this.run();
      return;
    }
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(this.opts.topic)) {
        if (BigInt(high) > BigInt(low)) this.pending.set(partition, BigInt(high));
      }
    } finally {
      await admin.disconnect();
    }
    this.checkCaughtUp();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.opts.topic, fromBeginning: true });
    await this.run();
  }

  private async run(): Promise<void> {
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        await this.opts.handle(parseValue(message.value));
      },
    });
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }

  private reached(partition: number, next: bigint): void {
    const target = this.pending.get(partition);
    if (target !== undefined && next >= target) {
      this.pending.delete(partition);
      this.checkCaughtUp();
    }
  }

  private checkCaughtUp(): void {
    if (this.caught || this.pending.size > 0) return;
    this.caught = true;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

/** As Nest's Kafka transport does: JSON if it parses, else the text (the handler dead-letters it). */
function parseValue(value: Buffer | null): unknown {
  if (value === null) return null;
  const text = value.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
