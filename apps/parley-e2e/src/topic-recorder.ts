// What a test sees on Kafka topics, as any consumer would: a consumer group of its own, from the
// beginning, every record kept with the instant it arrived, so that a test can count events (by
// envelope id: the outbox relay delivers at least once, consumers dedupe by id) and time them.
import { randomUUID } from 'node:crypto';
import { Envelope } from '@parley/contracts';
import { waitFor } from '@parley/testing';
import { Consumer, Kafka, logLevel } from 'kafkajs';

export interface RecordedEvent<P = unknown> {
  topic: string;
  partition: number;
  offset: string;
  envelope: Envelope<P>;
  /** `Date.now()` when this process received it. */
  receivedAt: number;
}

export class TopicRecorder {
  private readonly events: RecordedEvent[] = [];

  private constructor(private readonly consumer: Consumer) {}

  /** Subscribes to `topics` from the beginning and records until `stop()`. Resolves once the consumer has its partitions. */
  static async start(brokers: string, topics: readonly string[], timeoutMs = 60_000): Promise<TopicRecorder> {
    const kafka = new Kafka({
      clientId: `e2e-recorder-${randomUUID().slice(0, 8)}`,
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({
      groupId: `e2e-recorder-${randomUUID()}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    const recorder = new TopicRecorder(consumer);
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const receivedAt = Date.now();
        const envelope = JSON.parse(message.value?.toString('utf8') ?? 'null') as Envelope;
        recorder.events.push({ topic, partition, offset: message.offset, envelope, receivedAt });
      },
    });
    await waitFor(() => joined, { timeoutMs, what: 'the recorder to join its consumer group' });
    return recorder;
  }

  /** Every record of `topic` keyed by `key` so far, duplicates included, in arrival order. */
  all<P>(topic: string, key: string): RecordedEvent<P>[] {
    return this.events.filter((e) => e.topic === topic && e.envelope.key === key) as RecordedEvent<P>[];
  }

  /** The distinct events (by envelope id) of `topic` keyed by `key`, in arrival order: what an idempotent consumer applies. */
  distinct<P>(topic: string, key: string): RecordedEvent<P>[] {
    const seen = new Set<string>();
    return this.all<P>(topic, key).filter((e) => !seen.has(e.envelope.id) && seen.add(e.envelope.id));
  }

  /** Waits until the distinct events of `topic` keyed by `key` include one that `matches`; returns it. */
  async next<P>(topic: string, key: string, matches: (payload: P) => boolean, timeoutMs: number): Promise<RecordedEvent<P>> {
    return waitFor(() => this.distinct<P>(topic, key).find((e) => matches(e.envelope.payload)), {
      timeoutMs,
      intervalMs: 10,
      what: `an event on ${topic} for ${key}`,
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
