import { Controller, DynamicModule, INestMicroservice, LogLevel, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MicroserviceOptions, Payload } from '@nestjs/microservices';
import { createEnvelope } from '@parley/contracts';
import {
  EnvelopeConsumer,
  ensureTopics,
  InProcessBroker,
  InProcessOutboxPublisher,
  InProcessServer,
  KafkaOutboxPublisher,
  kafkaServerOptions,
} from '@parley/messaging';
import { migrateServiceSchema, OutboundMessage, OutboxPublisher, ServiceDatabase, UnitOfWork } from '@parley/persistence';
import { createTestDatabase, DedicatedKafkaBroker } from '@parley/testing';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { z } from 'zod';
import { format, formatTable, LatencySummary, summarize } from './stats';

/**
 * `bench bus`: events per second and end-to-end latency of Parley's event path — outbox commit →
 * relay → bus → Nest handler — on the real broker and on the embedded bus, beside a bare kafkajs
 * producer → consumer loop measured in the same run. Everything runs in this one process.
 */
export interface BusBenchOptions {
  /** Repository root (for scripts/kafka-test-broker.sh). */
  repoRoot: string;
  /** An existing cluster; without it a dedicated test broker is started and stopped. */
  kafkaBrokers: string[] | undefined;
  /** Events per full-speed run. */
  events: number;
  /** Events per second of the paced runs, and how long they last. */
  pacedRate: number;
  pacedSeconds: number;
  /** Concurrent writers, each committing one event per transaction. */
  writers: number;
  partitions: number;
  /** Progress lines (stderr); the results go to `out`. */
  log: (line: string) => void;
  out: (text: string) => void;
}

/** The targets. */
const TARGET_THROUGHPUT_RATIO = 0.5;
const TARGET_P99_MS = 50;
/**
 * The relay's batch size here (the recorded figures were measured with it; services default to
 * PARLEY_OUTBOX_BATCH_SIZE's 1000): the bare producer sends batches of the same size.
 */
const BATCH_SIZE = 500;
const WARM_UP_EVENTS = 300;
/** Service defaults (PARLEY_DB_POOL_SIZE, PARLEY_OUTBOX_POLL_MS). */
const POOL_SIZE = 10;
const OUTBOX_POLL_MS = 500;
const KEYS = 64;
const EVENT_BYTES = 200;
const HANDLED_TIMEOUT_MS = 120_000;
const NEST_LOG_LEVELS: LogLevel[] = ['error', 'warn'];

type Mode = 'full speed' | 'paced' | 'backlog';

interface PhaseResult {
  path: string;
  mode: Mode;
  events: number;
  eventsPerSecond: number;
  latency: LatencySummary | undefined;
  notes: string[];
}

/** The event every path carries: ~200 bytes of JSON. `sentAt` is only set by the bare producer. */
const benchEventSchema = z.object({
  phase: z.string(),
  seq: z.number().int().nonnegative(),
  sentAt: z.number().optional(),
  note: z.string(),
});
type BenchEvent = z.infer<typeof benchEventSchema>;

const NOTE = 'Out of office until Monday; for urgent matters call the front desk. '.repeat(4);

function eventOf(phase: string, seq: number, sentAt?: number): BenchEvent {
  const event: BenchEvent = { phase, seq, ...(sentAt === undefined ? {} : { sentAt }), note: '' };
  event.note = NOTE.slice(0, Math.max(0, EVENT_BYTES - JSON.stringify(event).length));
  return event;
}

function keyOf(seq: number): string {
  return `user${seq % KEYS}@bench.parley.test`;
}

/**
 * One measured run: when each event became available (committed, or handed to the bare
 * producer) and when its handler ran, on performance.now()'s clock.
 */
class Phase {
  readonly availableAt: Float64Array;
  readonly handledAt: Float64Array;
  handled = 0;
  startedAt = 0;
  private finish!: () => void;
  private readonly allHandled = new Promise<void>((resolve) => (this.finish = resolve));

  constructor(
    readonly name: string,
    readonly events: number,
  ) {
    this.availableAt = new Float64Array(events).fill(NaN);
    this.handledAt = new Float64Array(events).fill(NaN);
  }

  start(): void {
    this.startedAt = performance.now();
  }

  markHandled(seq: number, at: number): void {
    if (seq >= this.events || !Number.isNaN(this.handledAt[seq])) return; // a redelivery
    this.handledAt[seq] = at;
    if (++this.handled === this.events) this.finish();
  }

  async waitUntilHandled(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name}: only ${this.handled} of ${this.events} events handled after ${HANDLED_TIMEOUT_MS / 1000} s`)),
        HANDLED_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.allHandled, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Throughput from start to the last handler call; latency from availability to handler. */
  result(path: string, mode: Mode, opts: { latency: boolean }): PhaseResult {
    const last = this.handledAt.reduce((a, b) => Math.max(a, b), 0);
    const latencies = opts.latency ? Array.from(this.handledAt, (at, i) => at - this.availableAt[i]) : [];
    return {
      path,
      mode,
      events: this.events,
      eventsPerSecond: this.events / ((last - this.startedAt) / 1000),
      latency: opts.latency ? summarize(latencies) : undefined,
      notes: [],
    };
  }

  /** When the last event became available (the writers' commit rate). */
  lastAvailable(): number {
    return this.availableAt.reduce((a, b) => (Number.isNaN(b) ? a : Math.max(a, b)), 0);
  }
}

/** Where the consumer reports: the run in progress (messages of earlier runs are ignored). */
interface Sink {
  phase?: Phase;
}

function handledBy(sink: Sink, event: BenchEvent, at: number): void {
  if (sink.phase?.name === event.phase) sink.phase.markHandled(event.seq, at);
}

function sleepUntil(at: number): Promise<void> {
  const ms = at - performance.now();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Counts what the relay hands the bus: batches, their size, and time spent publishing. */
class MeasuredPublisher implements OutboxPublisher {
  calls = 0;
  messages = 0;
  busyMs = 0;

  constructor(private readonly inner: OutboxPublisher) {}

  async publish(messages: OutboundMessage[]): Promise<void> {
    const started = performance.now();
    try {
      await this.inner.publish(messages);
    } finally {
      this.calls++;
      this.messages += messages.length;
      this.busyMs += performance.now() - started;
    }
  }

  reset(): void {
    this.calls = this.messages = this.busyMs = 0;
  }

  describe(phaseMs: number): string {
    if (this.calls === 0) return 'relay published nothing';
    return `relay: ${format.count(this.calls)} batches, mean ${(this.messages / this.calls).toFixed(1)} events, mean publish ${(this.busyMs / this.calls).toFixed(1)} ms, publishing ${format.percent(this.busyMs / phaseMs)} of the time`;
  }
}

/** A Nest module with one @EventPattern handler that goes through EnvelopeConsumer, as services' consumers do. */
function benchConsumerModule(topic: string, envelopes: EnvelopeConsumer, sink: Sink): DynamicModule {
  @Controller()
  class BenchConsumer {
    @EventPattern(topic)
    onEvent(@Payload() raw: unknown): Promise<void> {
      return envelopes.event(topic, raw, benchEventSchema, async (event) => handledBy(sink, event.payload, performance.now()));
    }
  }
  @Module({ controllers: [BenchConsumer] })
  class BenchConsumerModule {}
  return { module: BenchConsumerModule };
}

/** A service database of the benchmark's own (the same DataSource, unit of work and relay wiring as every service). */
class BenchDatabase extends ServiceDatabase {}

interface BenchContext {
  opts: BusBenchOptions;
  runId: string;
  brokers: string[];
  databaseUrl: string;
}

// --- bare kafkajs -------------------------------------------------------------------------------

async function benchBareKafka(ctx: BenchContext): Promise<PhaseResult[]> {
  const { opts, brokers, runId } = ctx;
  const path = 'bare kafkajs';
  const topic = `bench.${runId}.bare.v1`;
  await ensureTopics(brokers, [topic], { partitions: opts.partitions, replicationFactor: 1 });
  const kafka = new Kafka({ clientId: `parley-bench-bare`, brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  // The same consumer settings as the Parley consumer below (kafkaServerOptions).
  const consumer = kafka.consumer({
    groupId: `parley-bench-${runId}-bare`,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 500,
  });
  const sink: Sink = {};
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ message }) => {
      const at = performance.now();
      const event = JSON.parse(message.value?.toString() ?? 'null') as BenchEvent;
      if (sink.phase?.name === event.phase && event.sentAt !== undefined) sink.phase.availableAt[event.seq] = event.sentAt;
      handledBy(sink, event, at);
    },
  });
  const send = (phase: Phase, from: number, to: number) => {
    const sentAt = performance.now();
    const messages = [];
    for (let seq = from; seq < to; seq++) messages.push({ key: keyOf(seq), value: JSON.stringify(eventOf(phase.name, seq, sentAt)) });
    return producer.send({ topic, acks: -1, messages });
  };
  // Full speed: batches of the relay's size, one in flight, as the relay sends a backlog.
  const fullSpeed = async (phase: Phase) => {
    sink.phase = phase;
    phase.start();
    for (let seq = 0; seq < phase.events; seq += BATCH_SIZE) await send(phase, seq, Math.min(phase.events, seq + BATCH_SIZE));
    await phase.waitUntilHandled();
  };
  try {
    await fullSpeed(new Phase('warm-up', WARM_UP_EVENTS));
    opts.log(`${path}: full speed, ${format.count(opts.events)} events`);
    const full = new Phase('full', opts.events);
    await fullSpeed(full);
    // Paced: each event sent on its own the moment it is due (the best case for latency).
    const paced = new Phase('paced', opts.pacedRate * opts.pacedSeconds);
    opts.log(`${path}: ${format.count(opts.pacedRate)} events/s for ${opts.pacedSeconds} s`);
    sink.phase = paced;
    paced.start();
    const sends: Array<Promise<unknown>> = [];
    for (let seq = 0; seq < paced.events; seq++) {
      await sleepUntil(paced.startedAt + (seq * 1000) / opts.pacedRate);
      sends.push(send(paced, seq, seq + 1));
    }
    await Promise.all(sends);
    await paced.waitUntilHandled();
    return [full.result(path, 'full speed', { latency: true }), paced.result(path, 'paced', { latency: true })];
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

// --- Parley: outbox → relay → bus → Nest handler ------------------------------------------------

interface ParleyBus {
  path: string;
  schema: string;
  topic: string;
  /** The relay's target. */
  publisher: OutboxPublisher;
  /** Starts the Nest consumer of `topic`. */
  startConsumer(module: DynamicModule): Promise<INestMicroservice>;
  close(): Promise<void>;
}

async function kafkaBus(ctx: BenchContext): Promise<ParleyBus> {
  const conn = { brokers: ctx.brokers, clientId: 'parley-bench' };
  const topic = `bench.${ctx.runId}.relayed.v1`;
  await ensureTopics(ctx.brokers, [topic], { partitions: ctx.opts.partitions, replicationFactor: 1 });
  const publisher = new KafkaOutboxPublisher(conn);
  await publisher.connect();
  return {
    path: 'Parley → Kafka',
    schema: 'bench_kafka',
    topic,
    publisher,
    startConsumer: async (module) => {
      const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
        ...kafkaServerOptions(conn, `parley-bench-${ctx.runId}`),
        logger: NEST_LOG_LEVELS,
      });
      await app.listen();
      return app;
    },
    close: () => publisher.close(),
  };
}

function embeddedBus(ctx: BenchContext): ParleyBus {
  const broker = new InProcessBroker({
    onRetry: (topic, attempt, error) => ctx.opts.log(`embedded handler for ${topic} failed (attempt ${attempt}): ${String(error)}`),
  });
  return {
    path: 'Parley embedded',
    schema: 'bench_embedded',
    topic: `bench.${ctx.runId}.embedded.v1`,
    publisher: new InProcessOutboxPublisher(broker),
    startConsumer: async (module) => {
      const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
        strategy: new InProcessServer(broker),
        logger: NEST_LOG_LEVELS,
      });
      await app.listen();
      return app;
    },
    close: async () => undefined,
  };
}

/** Commits each event in a transaction of its own from `writers` concurrent writers; paced when `rate` is given. */
async function commitEvents(uow: UnitOfWork, topic: string, phase: Phase, writers: number, rate?: number): Promise<void> {
  let next = 0;
  const writer = async () => {
    for (let seq = next++; seq < phase.events; seq = next++) {
      if (rate) await sleepUntil(phase.startedAt + (seq * 1000) / rate);
      await uow.run((tx) => tx.publish(topic, keyOf(seq), eventOf(phase.name, seq)));
      phase.availableAt[seq] = performance.now();
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
}

async function benchParley(ctx: BenchContext, bus: ParleyBus): Promise<PhaseResult[]> {
  const { opts } = ctx;
  const sink: Sink = {};
  const measured = new MeasuredPublisher(bus.publisher);
  const db = new BenchDatabase(
    {
      service: 'bench',
      schema: bus.schema,
      url: ctx.databaseUrl,
      poolSize: POOL_SIZE,
      entities: [],
      migrations: [],
      migrate: true,
      outboxPollMs: OUTBOX_POLL_MS,
      outboxBatchSize: BATCH_SIZE,
      onRelayError: (error) => opts.log(`${bus.path}: relay error: ${String(error)}`),
    },
    measured,
  );
  let app: INestMicroservice | undefined;
  try {
    await db.dataSource.initialize();
    await migrateServiceSchema(db.dataSource);
    app = await bus.startConsumer(
      benchConsumerModule(
        bus.topic,
        new EnvelopeConsumer(
          // Nothing should fail here; if something does, say so rather than skew the figures silently.
          { record: async (letter) => (ctx.opts.log(`bench handler gave up on an event (${letter.kind}): ${letter.reason}`), 'bench') },
          { consumerGroup: 'bench' },
        ),
        sink,
      ),
    );

    // Warm-up straight through the publisher: the consumer joins its group, the producer learns the partitions.
    const warmUp = new Phase('warm-up', WARM_UP_EVENTS);
    sink.phase = warmUp;
    const envelopes = Array.from({ length: warmUp.events }, (_, seq) => {
      const key = keyOf(seq);
      return {
        topic: bus.topic,
        key,
        envelope: createEnvelope({ type: bus.topic, key, payload: eventOf(warmUp.name, seq), correlationId: 'bench-warm-up' }),
      };
    });
    await bus.publisher.publish(envelopes);
    await warmUp.waitUntilHandled();

    // Backlog: rows committed while the relay is stopped, then drained (relay → bus → handler alone).
    const backlog = new Phase('backlog', opts.events);
    opts.log(`${bus.path}: committing a backlog of ${format.count(backlog.events)} events, then starting the relay`);
    for (let seq = 0; seq < backlog.events; seq += BATCH_SIZE) {
      await db.unitOfWork.run(async (tx) => {
        for (let s = seq; s < Math.min(backlog.events, seq + BATCH_SIZE); s++)
          await tx.publish(bus.topic, keyOf(s), eventOf(backlog.name, s));
      });
    }
    sink.phase = backlog;
    backlog.start();
    await db.onModuleInit(); // starts the relay (the schema is already migrated)
    await backlog.waitUntilHandled();
    const backlogResult = backlog.result(bus.path, 'backlog', { latency: false });
    backlogResult.notes.push(measured.describe(performance.now() - backlog.startedAt));
    measured.reset();

    // Full speed: concurrent writers, one event per transaction.
    const full = new Phase('full', opts.events);
    opts.log(`${bus.path}: full speed, ${format.count(full.events)} events from ${opts.writers} writers`);
    sink.phase = full;
    full.start();
    await commitEvents(db.unitOfWork, bus.topic, full, opts.writers);
    await full.waitUntilHandled();
    const fullResult = full.result(bus.path, 'full speed', { latency: true });
    const fullMs = performance.now() - full.startedAt;
    fullResult.notes.push(
      `writers committed ${format.count(full.events / ((full.lastAvailable() - full.startedAt) / 1000))} events/s`,
      measured.describe(fullMs),
    );
    measured.reset();

    // Paced: the target rate.
    const paced = new Phase('paced', opts.pacedRate * opts.pacedSeconds);
    opts.log(`${bus.path}: ${format.count(opts.pacedRate)} events/s for ${opts.pacedSeconds} s`);
    sink.phase = paced;
    paced.start();
    await commitEvents(db.unitOfWork, bus.topic, paced, opts.writers, opts.pacedRate);
    await paced.waitUntilHandled();
    const pacedResult = paced.result(bus.path, 'paced', { latency: true });
    pacedResult.notes.push(measured.describe(performance.now() - paced.startedAt));

    return [fullResult, pacedResult, backlogResult];
  } finally {
    sink.phase = undefined;
    await db.onApplicationShutdown(); // stops the relay, closes the pool
    await app?.close();
    await bus.close();
  }
}

// --- the run ------------------------------------------------------------------------------------

export async function runBusBench(opts: BusBenchOptions): Promise<void> {
  const started = performance.now();
  const runId = randomBytes(3).toString('hex');
  // Undone in reverse order at the end, or on Ctrl-C (a dedicated broker would outlive us).
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse())
      await Promise.resolve(step()).catch((error: unknown) => opts.log(`clean-up failed: ${String(error)}`));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    opts.log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const database = await createTestDatabase('parley_bench');
    cleanups.push(() => database.drop());
    let brokers = opts.kafkaBrokers;
    let brokerNote = `Kafka at ${brokers?.join(',')}`;
    if (!brokers) {
      opts.log('starting a dedicated Kafka test broker (scripts/kafka-test-broker.sh)');
      const broker = await DedicatedKafkaBroker.start(opts.repoRoot);
      cleanups.push(() => broker.stop());
      brokers = [broker.brokers];
      brokerNote = `dedicated Kafka test broker at ${broker.brokers}`;
    }
    const ctx: BenchContext = { opts, runId, brokers, databaseUrl: database.url };
    const pg = await pgVersion(database.url);

    const results = [
      ...(await benchBareKafka(ctx)),
      ...(await benchParley(ctx, await kafkaBus(ctx))),
      ...(await benchParley(ctx, embeddedBus(ctx))),
    ];
    await cleanUp();
    opts.out(
      report(results, opts, [
        `${os.cpus().length} cores, Node ${process.version}, ${pg}, ${brokerNote}`,
        `run took ${((performance.now() - started) / 1000).toFixed(0)} s`,
      ]),
    );
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function pgVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return `PostgreSQL ${rows[0].v.split(' ')[0]}`;
  } finally {
    await client.end();
  }
}

function report(results: PhaseResult[], opts: BusBenchOptions, context: string[]): string {
  const bare = results.find((r) => r.path === 'bare kafkajs' && r.mode === 'full speed');
  const ratio = (r: PhaseResult) => (r.mode === 'paced' || !bare ? undefined : r.eventsPerSecond / bare.eventsPerSecond);
  const modeLabel = (r: PhaseResult) =>
    r.mode === 'paced' ? `${format.count(opts.pacedRate)}/s` : r.mode === 'backlog' ? 'relay drain' : r.mode;
  const order: Mode[] = ['full speed', 'paced', 'backlog'];
  const sorted = [...results].sort((a, b) => order.indexOf(a.mode) - order.indexOf(b.mode));
  const table = formatTable(
    ['path', 'run', 'events', 'events/s', 'p50 ms', 'p99 ms', 'max ms', 'vs bare'],
    sorted.map((r) => [
      r.path,
      modeLabel(r),
      format.count(r.events),
      format.count(r.eventsPerSecond),
      format.ms(r.latency?.p50),
      format.ms(r.latency?.p99),
      format.ms(r.latency?.max),
      format.percent(ratio(r)),
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const kafkaFull = results.find((r) => r.path === 'Parley → Kafka' && r.mode === 'full speed');
  const kafkaPaced = results.find((r) => r.path === 'Parley → Kafka' && r.mode === 'paced');
  const throughput = kafkaFull ? ratio(kafkaFull) : undefined;
  const p99 = kafkaPaced?.latency?.p99;
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  return [
    '',
    'Parley event path: outbox commit → consumer handler',
    ...context.map((c) => `  ${c}`),
    `  full speed: ${format.count(opts.events)} events (Parley: ${opts.writers} writers, one event per transaction); paced: ${format.count(opts.pacedRate)} events/s for ${opts.pacedSeconds} s; relay drain: a committed backlog, no latency`,
    `  latency: Parley from commit to handler, bare kafkajs from producer.send to eachMessage`,
    '',
    table,
    '',
    ...results.flatMap((r) => r.notes.map((n) => `${r.path}, ${modeLabel(r)}: ${n}`)),
    '',
    `target: Parley → Kafka throughput ≥ ${format.percent(TARGET_THROUGHPUT_RATIO)} of bare kafkajs (full speed): ${format.percent(throughput)} — ${verdict((throughput ?? 0) >= TARGET_THROUGHPUT_RATIO)}`,
    `target: Parley → Kafka p99 < ${TARGET_P99_MS} ms at ${format.count(opts.pacedRate)} events/s: ${format.ms(p99)} ms — ${verdict((p99 ?? Infinity) < TARGET_P99_MS)}`,
    '',
  ].join('\n');
}
