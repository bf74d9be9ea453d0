import { Controller, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { createEnvelope, replyTopicOf, Reply } from '@parley/contracts';
import { Metrics, ObservabilityModule } from '@parley/observability';
import { OUTBOX_PUBLISHER, OutboxPublisher } from '@parley/persistence';
import { createTestDatabase, testKafkaBrokers, waitFor } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CommandBus, CommandRefusedError } from './command-bus';
import { replyWith } from './command-reply';
import { DeadLetterRepository, StoredDeadLetter } from './dead-letter/dead-letter.repository';
import { PermanentMessageError } from './dead-letter/message-failure';
import { EnvelopeConsumer } from './envelope-consumer';
import { MessagingModule, MessagingTransport } from './messaging.module';
import { ensureTopics } from './topic-admin';

/**
 * One handler suite, two transports: the same @EventPattern / @MessagePattern handlers must see
 * the same semantics on the in-process bus and on Kafka, the retry and dead-letter policy
 * included. Topic names are unique per run so that a shared cluster's history cannot leak into
 * this test; dead letters go to a database of this file's own.
 */
const run = `t${randomUUID().slice(0, 8)}`;
const T = {
  changed: `${run}.widget.changed.v1`,
  request: `${run}.widget.get.request.v1`,
};
/** `failTimes`: transient failures before the handler succeeds; `refuse`: a permanent refusal until the n is accepted. */
const widgetSchema = z.object({ n: z.number().int(), failTimes: z.number().int().default(0), refuse: z.boolean().default(false) });
const widgetReplySchema = z.object({ key: z.string(), value: z.number() });

class Recorder {
  readonly events: Array<{ key: string; n: number; correlationId: string }> = [];
  readonly attempts = new Map<string, number>();
  /** Refused widgets that an operator has since "fixed". */
  readonly accepted = new Set<number>();
  reset(): void {
    this.events.length = 0;
    this.attempts.clear();
    this.accepted.clear();
  }
}
const recorder = new Recorder();

@Controller()
class WidgetConsumer {
  constructor(private readonly consumer: EnvelopeConsumer) {}

  @EventPattern(T.changed)
  onChanged(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(T.changed, raw, widgetSchema, async (event) => {
      const attempt = (recorder.attempts.get(event.id) ?? 0) + 1;
      recorder.attempts.set(event.id, attempt);
      if (attempt <= event.payload.failTimes) throw new Error(`transient failure ${attempt}`);
      if (event.payload.refuse && !recorder.accepted.has(event.payload.n))
        throw new PermanentMessageError(`widget ${event.payload.n} refused`);
      recorder.events.push({ key: event.key, n: event.payload.n, correlationId: event.correlationId });
    });
  }

  @MessagePattern(T.request)
  get(@Payload() raw: unknown): Promise<Reply<{ key: string; value: number }>> {
    // The reply deliberately has `key` and `value` fields: they must not be taken for Kafka's.
    return this.consumer.command(T.request, raw, z.object({ n: z.number() }), async (q) =>
      replyWith(async () => ({ key: q.key, value: q.payload.n * 2 })),
    );
  }
}

function appModule(bus: 'inprocess' | 'kafka', databaseUrl: string) {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'widgets', version: '0.0.0' }),
      MessagingModule.forRoot({
        bus: {
          kind: bus,
          brokers: bus === 'kafka' ? testKafkaBrokers() : [],
          clientId: `${run}-${bus}`,
          groupPrefix: `${run}-${bus}`,
          partitions: 3,
          replicationFactor: 1,
          requestTimeoutMs: 20_000,
        },
        consumerGroup: 'widgets',
        instanceId: 'suite',
        requestTopics: [T.request],
        deadLetters: { maxAttempts: 4, initialBackoffMs: 20, retryBudgetMs: 2_000, replayPollMs: 100, databaseUrl, migrate: true },
      }),
    ],
    controllers: [WidgetConsumer],
  })
  class WidgetAppModule {}
  return WidgetAppModule;
}

async function startApp(bus: 'inprocess' | 'kafka', databaseUrl: string): Promise<INestApplication> {
  if (bus === 'kafka') {
    await ensureTopics(testKafkaBrokers(), [T.changed, T.request, replyTopicOf(T.request)], { partitions: 3, replicationFactor: 1 });
  }
  const app = await NestFactory.create(appModule(bus, databaseUrl), { logger: ['error'] });
  app.connectMicroservice(app.get(MessagingTransport).microserviceOptions());
  await app.init();
  await app.startAllMicroservices();
  return app;
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase('transports');
});

afterAll(async () => {
  await db?.drop();
});

describe.each(['inprocess', 'kafka'] as const)('handlers on the %s transport', (bus) => {
  let app: INestApplication;
  let publisher: OutboxPublisher;
  let deadLetters: DeadLetterRepository;
  const lettersOf = async (key: string): Promise<StoredDeadLetter[]> =>
    (await deadLetters.list({ topic: T.changed, consumerGroup: `${run}-${bus}.widgets`, limit: 100 }))
      .filter((l) => l.key === key)
      .reverse();

  const publish = (key: string, payload: unknown, correlationId = 'corr-1') =>
    publisher.publish([{ topic: T.changed, key, envelope: createEnvelope({ type: T.changed, key, payload, correlationId }) }]);

  beforeAll(async () => {
    app = await startApp(bus, db.url);
    publisher = app.get<OutboxPublisher>(OUTBOX_PUBLISHER);
    deadLetters = app.get(DeadLetterRepository);
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => recorder.reset());

  it('delivers every event once, in order per key, with its correlation id', async () => {
    const keys = ['a@x.test', 'b@x.test', 'c@x.test'];
    await publisher.publish(
      Array.from({ length: 60 }, (_, i) => {
        const key = keys[i % 3];
        return { topic: T.changed, key, envelope: createEnvelope({ type: T.changed, key, payload: { n: i }, correlationId: `c-${i}` }) };
      }),
    );
    await waitFor(() => recorder.events.length >= 60, { timeoutMs: 60_000, what: '60 events' });
    for (const key of keys) {
      const ns = recorder.events.filter((e) => e.key === key).map((e) => e.n);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
      expect(ns).toHaveLength(20);
    }
    expect(recorder.events.find((e) => e.n === 7)?.correlationId).toBe('c-7');
  });

  it('answers a command with the handler’s reply', async () => {
    const value = await app.get(CommandBus).request(T.request, 'a@x.test', { n: 21 }, widgetReplySchema);
    expect(value).toEqual({ key: 'a@x.test', value: 42 });
  });

  it('answers an invalid command with an InvalidRequest refusal', async () => {
    const refusal = app.get(CommandBus).request(T.request, 'a@x.test', { n: 'many' }, widgetReplySchema);
    await expect(refusal).rejects.toBeInstanceOf(CommandRefusedError);
    await expect(refusal).rejects.toMatchObject({ topic: T.request, code: 'InvalidRequest' });
  });

  it('applies an event that fails transiently twice exactly once, not dead-lettered, and what follows it waits its turn', async () => {
    await publish('d@x.test', { n: 1, failTimes: 2 });
    await publish('d@x.test', { n: 2 });
    await waitFor(() => recorder.events.length >= 2, { timeoutMs: 60_000, what: 'both events after retries' });
    expect(recorder.events.map((e) => e.n)).toEqual([1, 2]);
    expect([...recorder.attempts.values()]).toEqual([3, 1]);
    expect(await lettersOf('d@x.test')).toEqual([]);
  });

  it('dead-letters an always-refused event once, with its reason, and processes the events behind it; other keys are not held up', async () => {
    await publish('p@x.test', { n: 10, refuse: true }, 'corr-poison');
    await publish('p@x.test', { n: 11 });
    await publish('q@x.test', { n: 12 });
    await waitFor(() => recorder.events.length >= 2, { timeoutMs: 60_000, what: 'the events behind the poison one' });
    expect(recorder.events.map((e) => e.n).sort()).toEqual([11, 12]);
    const letters = await lettersOf('p@x.test');
    expect(letters).toEqual([
      expect.objectContaining({
        consumerGroup: `${run}-${bus}.widgets`,
        topic: T.changed,
        kind: 'permanent',
        attempts: 1,
        reason: 'PermanentMessageError: widget 10 refused',
        envelope: expect.objectContaining({
          type: T.changed,
          key: 'p@x.test',
          correlationId: 'corr-poison',
          payload: { n: 10, refuse: true },
        }),
        replayRequestedAt: null,
      }),
    ]);
    expect([...recorder.attempts.values()]).toEqual([1, 1, 1]);
    const counted = await app.get(Metrics).deadLetters.get();
    expect(counted.values).toContainEqual(
      expect.objectContaining({
        labels: expect.objectContaining({ topic: T.changed, consumer_group: `${run}-${bus}.widgets`, kind: 'permanent' }),
        value: 1,
      }),
    );
  });

  it('dead-letters an event whose transient failures outlast the attempts, and goes on', async () => {
    await publish('r@x.test', { n: 20, failTimes: 99 });
    await publish('r@x.test', { n: 21 });
    await waitFor(() => recorder.events.length >= 1, { timeoutMs: 60_000, what: 'the event behind the failing one' });
    expect(recorder.events.map((e) => e.n)).toEqual([21]);
    expect(await lettersOf('r@x.test')).toEqual([
      expect.objectContaining({ kind: 'retries-exhausted', attempts: 4, reason: 'Error: transient failure 4' }),
    ]);
  });

  it('replays a dead letter to its consumer group once asked: applied once when the cause is fixed, a new dead letter when not', async () => {
    await publish('s@x.test', { n: 30, refuse: true });
    await publish('s@x.test', { n: 31, refuse: true });
    await waitFor(async () => (await lettersOf('s@x.test')).length >= 2, { timeoutMs: 60_000, what: 'two dead letters' });
    const [fixed, still] = await lettersOf('s@x.test');
    recorder.accepted.add(30);
    await deadLetters.requestReplay(fixed.id);
    await deadLetters.requestReplay(still.id);
    await waitFor(
      async () => (await deadLetters.get(still.id))?.replayedAt != null && (await deadLetters.get(fixed.id))?.replayedAt != null,
      { timeoutMs: 30_000, what: 'both replays' },
    );
    expect((await deadLetters.get(fixed.id))?.outcome).toBe('applied');
    expect(recorder.events.map((e) => e.n)).toEqual([30]);
    const again = (await lettersOf('s@x.test')).filter((l) => l.id !== fixed.id && l.id !== still.id);
    expect(again).toEqual([
      expect.objectContaining({ kind: 'permanent', reason: 'PermanentMessageError: widget 31 refused', envelope: still.envelope }),
    ]);
    expect((await deadLetters.get(still.id))?.outcome).toBe(`failed again: dead letter ${again[0].id}`);
    await expect(deadLetters.requestReplay(fixed.id)).rejects.toThrow(/was replayed/);
  });

  it('dead-letters an invalid event with the reason and goes on with the next', async () => {
    await publish('e@x.test', { n: 'not a number' });
    await publish('e@x.test', { n: 3 });
    await waitFor(async () => recorder.events.length >= 1 && (await lettersOf('e@x.test')).length >= 1, {
      timeoutMs: 60_000,
      what: 'dead letter and next event',
    });
    expect(await lettersOf('e@x.test')).toEqual([
      expect.objectContaining({ kind: 'invalid', attempts: 0, reason: expect.stringMatching(/invalid payload/) }),
    ]);
    expect(recorder.events).toEqual([expect.objectContaining({ key: 'e@x.test', n: 3 })]);
  });
});
