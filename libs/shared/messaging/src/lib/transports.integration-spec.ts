import { Controller, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { createEnvelope, deadLetterTopicOf, replyTopicOf, Reply } from '@parley/contracts';
import { OUTBOX_PUBLISHER, OutboxPublisher } from '@parley/persistence';
import { testKafkaBrokers, waitFor } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CommandBus } from './command-bus';
import { EnvelopeConsumer } from './envelope-consumer';
import { MessagingModule, MessagingTransport } from './messaging.module';
import { ensureTopics } from './topic-admin';

/**
 * One handler suite, two transports: the same @EventPattern / @MessagePattern handlers must see
 * the same semantics on the in-process bus and on Kafka. Topic names are unique per run so that
 * a shared cluster's history cannot leak into this test.
 */
const run = `t${randomUUID().slice(0, 8)}`;
const T = {
  changed: `${run}.widget.changed.v1`,
  request: `${run}.widget.get.request.v1`,
};
const widgetSchema = z.object({ n: z.number().int(), failTimes: z.number().int().default(0) });
const widgetReplySchema = z.object({ key: z.string(), value: z.number() });

class Recorder {
  readonly events: Array<{ key: string; n: number; correlationId: string }> = [];
  readonly deadLetters: unknown[] = [];
  readonly attempts = new Map<string, number>();
  reset(): void {
    this.events.length = 0;
    this.deadLetters.length = 0;
    this.attempts.clear();
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
      recorder.events.push({ key: event.key, n: event.payload.n, correlationId: event.correlationId });
    });
  }

  @EventPattern(deadLetterTopicOf(T.changed))
  onDeadLetter(@Payload() raw: unknown): void {
    recorder.deadLetters.push(raw);
  }

  @MessagePattern(T.request)
  get(@Payload() raw: unknown): Promise<Reply<{ key: string; value: number }>> {
    // The reply deliberately has `key` and `value` fields: they must not be taken for Kafka's.
    return this.consumer.command(T.request, raw, z.object({ n: z.number() }), async (q) => ({ ok: true, value: { key: q.key, value: q.payload.n * 2 } }));
  }
}

function appModule(bus: 'inprocess' | 'kafka') {
  @Module({
    imports: [
      MessagingModule.forRoot({
        bus: {
          kind: bus,
          brokers: bus === 'kafka' ? testKafkaBrokers() : [],
          clientId: `${run}-${bus}`,
          groupPrefix: run,
          partitions: 3,
          replicationFactor: 1,
          requestTimeoutMs: 20_000,
        },
        consumerGroup: 'widgets',
        instanceId: 'suite',
        requestTopics: [T.request],
      }),
    ],
    controllers: [WidgetConsumer],
  })
  class WidgetAppModule {}
  return WidgetAppModule;
}

async function startApp(bus: 'inprocess' | 'kafka'): Promise<INestApplication> {
  if (bus === 'kafka') {
    await ensureTopics(testKafkaBrokers(), [T.changed, deadLetterTopicOf(T.changed), T.request, replyTopicOf(T.request)], { partitions: 3, replicationFactor: 1 });
  }
  const app = await NestFactory.create(appModule(bus), { logger: ['error'] });
  app.connectMicroservice(app.get(MessagingTransport).microserviceOptions());
  await app.init();
  await app.startAllMicroservices();
  return app;
}

describe.each(['inprocess', 'kafka'] as const)('handlers on the %s transport', (bus) => {
  let app: INestApplication;
  let publisher: OutboxPublisher;

  const publish = (key: string, payload: unknown, correlationId = 'corr-1') =>
    publisher.publish([{ topic: T.changed, key, envelope: createEnvelope({ type: T.changed, key, payload, correlationId }) }]);

  beforeAll(async () => {
    app = await startApp(bus);
    publisher = app.get<OutboxPublisher>(OUTBOX_PUBLISHER);
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
    const reply = await app.get(CommandBus).request(T.request, 'a@x.test', { n: 21 }, widgetReplySchema);
    expect(reply).toEqual({ ok: true, value: { key: 'a@x.test', value: 42 } });
  });

  it('answers an invalid command with an InvalidRequest reply', async () => {
    const reply = await app.get(CommandBus).request(T.request, 'a@x.test', { n: 'many' }, widgetReplySchema);
    expect(reply).toMatchObject({ ok: false, error: { code: 'InvalidRequest' } });
  });

  it('redelivers an event whose handler failed, and what follows it waits its turn', async () => {
    await publish('d@x.test', { n: 1, failTimes: 2 });
    await publish('d@x.test', { n: 2 });
    await waitFor(() => recorder.events.length >= 2, { timeoutMs: 60_000, what: 'both events after retries' });
    expect(recorder.events.map((e) => e.n)).toEqual([1, 2]);
    expect([...recorder.attempts.values()]).toEqual([3, 1]);
  });

  it('dead-letters an invalid event with the reason and goes on with the next', async () => {
    await publish('e@x.test', { n: 'not a number' });
    await publish('e@x.test', { n: 3 });
    await waitFor(() => recorder.deadLetters.length >= 1 && recorder.events.length >= 1, { timeoutMs: 60_000, what: 'dead letter and next event' });
    expect(recorder.deadLetters[0]).toMatchObject({ type: deadLetterTopicOf(T.changed), payload: { originalTopic: T.changed, reason: expect.stringMatching(/invalid payload/) } });
    expect(recorder.events).toEqual([expect.objectContaining({ key: 'e@x.test', n: 3 })]);
  });
});
