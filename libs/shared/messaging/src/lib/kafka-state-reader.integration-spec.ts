import { testKafkaBrokers } from '@parley/testing';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { KafkaStateReader } from './kafka-state-reader';
import { ensureTopics } from './topic-admin';

/** A state topic read whole by a replica's read model, and its compaction setting. */
describe('KafkaStateReader and compacted topics (Kafka)', () => {
  const run = `s${randomUUID().slice(0, 8)}`;
  const topic = `${run}.widget.changed.v1`;
  const kafka = new Kafka({ clientId: run, brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const readers: KafkaStateReader[] = [];

  const cleanupPolicy = async (name: string) => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'retention.ms'] }],
    });
    return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  };

  beforeAll(async () => {
    await admin.connect();
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(readers.map((r) => r.close()));
    await producer.disconnect();
    await admin.disconnect();
  });

  it('creates declared topics compacted, and compacts an existing topic without losing its other settings', async () => {
    const existing = `${run}.existing.changed.v1`;
    await ensureTopics(testKafkaBrokers(), [existing], {
      partitions: 1,
      replicationFactor: 1,
      configs: { [existing]: { 'retention.ms': '86400000' } },
    });
    await ensureTopics(testKafkaBrokers(), [topic, existing], {
      partitions: 3,
      replicationFactor: 1,
      configs: { [topic]: { 'cleanup.policy': 'compact' }, [existing]: { 'cleanup.policy': 'compact' } },
    });
    expect((await cleanupPolicy(topic))['cleanup.policy']).toBe('compact');
    expect(await cleanupPolicy(existing)).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '86400000' });
  });

  it('reads every key from the beginning, reports caught up, and keeps following', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    await producer.send({ topic, acks: -1, messages: keys.map((key, i) => ({ key, value: JSON.stringify({ key, n: i }) })) });
    const seen = new Map<string, number>();
    const reader = new KafkaStateReader({
      brokers: testKafkaBrokers(),
      clientId: run,
      groupId: `${run}.state`,
      topic,
      handle: async (raw) => {
        const { key, n } = raw as { key: string; n: number };
        seen.set(key, n);
      },
    });
    readers.push(reader);
    expect(reader.caughtUp).toBe(false);
    await reader.start();
    await reader.whenCaughtUp();
    expect(seen.size).toBe(30);

    await producer.send({ topic, acks: -1, messages: [{ key: 'k0', value: JSON.stringify({ key: 'k0', n: 100 }) }] });
    const deadline = Date.now() + 10_000;
    while (seen.get('k0') !== 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen.get('k0')).toBe(100);
  });

  it('is caught up at once on an empty topic', async () => {
    const empty = `${run}.empty.changed.v1`;
    await ensureTopics(testKafkaBrokers(), [empty], { partitions: 2, replicationFactor: 1 });
    const reader = new KafkaStateReader({
      brokers: testKafkaBrokers(),
      clientId: run,
      groupId: `${run}.empty`,
      topic: empty,
      handle: async () => undefined,
    });
    readers.push(reader);
    await reader.start();
    expect(reader.caughtUp).toBe(true);
  });

  it('as a change feed (from the end), skips the history and delivers everything published once it is live', async () => {
    const feed = `${run}.feed.changed.v1`;
    await ensureTopics(testKafkaBrokers(), [feed], { partitions: 3, replicationFactor: 1 });
    await producer.send({ topic: feed, acks: -1, messages: ['old1', 'old2'].map((v) => ({ key: v, value: JSON.stringify(v) })) });
    const seen: unknown[] = [];
    const reader = new KafkaStateReader({
      brokers: testKafkaBrokers(),
      clientId: run,
      groupId: `${run}.feed`,
      topic: feed,
      from: 'end',
      handle: async (raw) => void seen.push(raw),
    });
    readers.push(reader);
    expect(reader.caughtUp).toBe(false);
    await reader.start();
    await reader.whenCaughtUp();
    const fresh = Array.from({ length: 12 }, (_, i) => `new${i}`);
    await producer.send({ topic: feed, acks: -1, messages: fresh.map((v) => ({ key: v, value: JSON.stringify(v) })) });
    const deadline = Date.now() + 10_000;
    while (seen.length < fresh.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect([...seen].sort()).toEqual([...fresh].sort());
  });
});
