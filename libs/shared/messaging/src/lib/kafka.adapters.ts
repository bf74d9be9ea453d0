import { ClientKafka, KafkaOptions, ServerKafka, Transport } from '@nestjs/microservices';
import { Envelope, replyTopicOf } from '@parley/contracts';
import type { OutboundMessage, OutboxPublisher } from '@parley/persistence';
import { Kafka, KafkaConfig, logLevel, Producer } from 'kafkajs';
import { firstValueFrom, throwError, timeout } from 'rxjs';
import { CommandBus, CommandTimeoutError } from './command-bus';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
}

/** kafkajs settings tuned from measurement (see docs/operations.md): quick failover, quick shutdown. */
const consumerTuning = { sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500, allowAutoTopicCreation: false };
export const clientTuning: Partial<KafkaConfig> = { connectionTimeout: 3_000, retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 5_000 } };

/**
 * Nest's default serializer treats any reply object with a `key` or `value` property as a raw
 * Kafka message and sends only its `value`; replies are data, so always send them whole.
 */
const replySerializer = {
  serialize: (data: unknown) => ({ value: JSON.stringify(data ?? null), headers: {} as Record<string, string> }),
};

/** Nest's Kafka server transport for one service's consumer group. */
export function kafkaServerOptions(conn: KafkaConnection, groupId: string): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: { ...clientTuning, clientId: conn.clientId, brokers: conn.brokers, logLevel: logLevel.WARN },
      consumer: { ...consumerTuning, groupId },
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: 3 },
      producer: { allowAutoTopicCreation: false },
      serializer: replySerializer,
    },
  };
}

/**
 * Nest's Kafka server, with the handler lookup taking the topic as it is: the default tries
 * JSON.parse on every message's topic and throws, which cost ~16% of CPU under load.
 */
export class ParleyServerKafka extends ServerKafka {
  protected override getRouteFromPattern(pattern: string): string {
    return pattern;
  }
}

/** Replies come back on `x.reply.vN` rather than Nest's default `x.request.vN.reply`. */
class ParleyKafkaClient extends ClientKafka {
  protected override getResponsePatternName(pattern: string): string {
    return replyTopicOf(pattern);
  }
}

/**
 * Request/reply over Kafka. Every instance has its own consumer group so that replies reach the
 * replica that asked (a shared group would hand the reply partition to someone else).
 */
export class KafkaCommandBus extends CommandBus {
  private readonly client: ParleyKafkaClient;
  private ready = false;

  constructor(
    conn: KafkaConnection,
    instanceGroupId: string,
    private readonly requestTopics: readonly string[],
    private readonly defaultTimeoutMs: number,
  ) {
    super();
    this.client = new ParleyKafkaClient({
      postfixId: '',
      client: { ...clientTuning, clientId: `${conn.clientId}-commands`, brokers: conn.brokers, logLevel: logLevel.WARN },
      consumer: { ...consumerTuning, groupId: instanceGroupId },
      producer: { allowAutoTopicCreation: false },
    });
    for (const topic of requestTopics) this.client.subscribeToResponseOf(topic);
  }

  async connect(timeoutMs = 30_000): Promise<void> {
    await this.client.connect();
    // A request sent before the reply partitions are assigned cannot name where to answer.
    const deadline = Date.now() + timeoutMs;
    const replyTopics = this.requestTopics.map(replyTopicOf);
    while (!replyTopics.every((t) => this.client.getConsumerAssignments()[t] !== undefined)) {
      if (Date.now() > deadline) throw new Error('reply topics were not assigned in time');
      await new Promise((r) => setTimeout(r, 50));
    }
    this.ready = true;
  }

  async close(): Promise<void> {
    this.ready = false;
    await this.client.close();
  }

  protected send(topic: string, envelope: Envelope, timeoutMs?: number): Promise<unknown> {
    const message = { key: envelope.key, value: JSON.stringify(envelope), headers: headersOf(envelope) };
    const ms = timeoutMs ?? this.defaultTimeoutMs;
    // The timeout operator unsubscribes, which also drops Nest's pending-reply callback.
    return firstValueFrom(this.client.send(topic, message).pipe(timeout({ first: ms, with: () => throwError(() => new CommandTimeoutError(topic, ms)) })));
  }

  isReady(): boolean {
    return this.ready;
  }
}

/**
 * The outbox relay's Kafka producer: idempotent with one request in flight, so a retried batch
 * can neither duplicate nor reorder messages within a partition.
 */
export class KafkaOutboxPublisher implements OutboxPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(conn: KafkaConnection) {
    const kafka = new Kafka({ ...clientTuning, clientId: `${conn.clientId}-outbox`, brokers: conn.brokers, logLevel: logLevel.NOTHING });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async publish(messages: OutboundMessage[]): Promise<void> {
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((m) => ({ key: m.key, value: JSON.stringify(m.envelope), headers: headersOf(m.envelope) })),
      })),
    });
  }
}

/** Envelope fields mirrored into headers, for tooling that reads headers only. */
export function headersOf(envelope: Envelope): Record<string, string> {
  return {
    'event-id': envelope.id,
    'event-type': envelope.type,
    'correlation-id': envelope.correlationId,
    'occurred-at': envelope.occurredAt,
    'schema-version': String(envelope.version),
  };
}
