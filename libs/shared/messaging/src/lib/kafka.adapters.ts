import { ClientKafka, KafkaOptions, ServerKafka, Transport } from '@nestjs/microservices';
import { Envelope, QUERY_TOPICS, REPLICA_FEED_TOPICS, replyTopicOf } from '@parley/contracts';
import type { OutboundMessage, OutboxPublisher } from '@parley/persistence';
import { Consumer, EachMessagePayload, Kafka, KafkaConfig, Producer } from 'kafkajs';
import { firstValueFrom, lastValueFrom, throwError, timeout } from 'rxjs';
import { withCoalescingProducers } from './coalescing-producer';
import { CommandBus, CommandTimeoutError } from './command-bus';
import { ReplayContext } from './dead-letter/dead-letter-replayer';
import type { KafkaClientSecurity } from './kafka-security';
import { kafkaClientLogLevel, kafkaLogCreator } from './kafka-log';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  /** TLS / SASL of every client made for this connection (`kafkaClientSecurity`); absent: plaintext. */
  security?: KafkaClientSecurity;
}

/** kafkajs settings tuned from measurement (see docs/operations.md): quick failover, quick shutdown. */
const consumerTuning = { sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500, allowAutoTopicCreation: false };
export const clientTuning: Partial<KafkaConfig> = {
  connectionTimeout: 3_000,
  retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 5_000 },
};

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
      client: {
        ...clientTuning,
        ...conn.security,
        clientId: conn.clientId,
        brokers: conn.brokers,
        logLevel: kafkaClientLogLevel,
        logCreator: kafkaLogCreator,
      },
      consumer: { ...consumerTuning, groupId },
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: 3 },
      producer: { allowAutoTopicCreation: false },
      serializer: replySerializer,
    },
  };
}

/** How many queries one process answers at once; past that, its consumer waits for a slot. */
export const MAX_CONCURRENT_QUERIES = 32;

/**
 * Nest's Kafka server, with two changes:
 * - the handler lookup takes the topic as it is (the default tries JSON.parse on every message's
 *   topic and throws, which cost ~16% of CPU under load);
 * - the group does not subscribe to `REPLICA_FEED_TOPICS`: every replica reads those with a reader
 *   of its own (`MessagingTransport.stateReader`), which calls the same handlers;
 * - queries (`QUERY_TOPICS`) are answered concurrently. Nest awaits each handler before kafkajs
 *   hands over the partition's next message, and kafkajs fetches again only once every batch of
 *   the previous fetch is done, so one read at a time per partition left calendar-sync mostly
 *   idle while requests queued. Commands stay one at a time per partition, in order, and their
 *   offsets are committed only once applied. A query's offset may be committed before it is
 *   answered: should the process die in between, the requester times out, as it does when a reply
 *   is lost; the query changed nothing, so nothing is lost.
 */
export class ParleyServerKafka extends ServerKafka {
  private readonly querySlots = new Slots(MAX_CONCURRENT_QUERIES);

  protected override getRouteFromPattern(pattern: string): string {
    return pattern;
  }

  override createClient<T = Kafka>(): T {
    return withCoalescingProducers(super.createClient<Kafka>()) as T;
  }

  /** As Nest's, minus the per-replica feeds (their handlers stay registered, for the readers and replays). */
  override async bindEvents(consumer: Consumer): Promise<void> {
    const topics = [...this.messageHandlers.keys()].filter((topic) => !REPLICA_FEED_TOPICS.has(topic));
    if (topics.length > 0) await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics });
    await consumer.run({ ...(this.options.run ?? {}), eachMessage: this.getMessageHandler() });
  }

  override getMessageHandler(): (payload: EachMessagePayload) => Promise<void> {
    return async (payload) => {
      if (!QUERY_TOPICS.has(payload.topic)) return void (await this.handleMessage(payload));
      await this.querySlots.acquire();
      this.handleMessage(payload)
        .catch((error: unknown) =>
          this.logger.error(`query on ${payload.topic} failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => this.querySlots.release());
    };
  }

  /**
   * Shutdown: the consumer stops first (kafkajs lets the message in hand finish and commits the
   * offsets of every message handled), then the queries still being answered send their replies,
   * and only then does the producer close.
   */
  override async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.disconnect();
    await this.querySlots.idle();
    await super.close();
  }

  /**
   * Runs this process's handlers of an event topic on `data`, as a delivery from the topic would
   * (a dead-letter replay); false when the process has none for the topic.
   */
  async redeliver(topic: string, data: unknown): Promise<boolean> {
    const handler = this.getHandlerByPattern(topic);
    if (!handler?.isEventHandler) return false;
    await lastValueFrom(this.transformToObservable(await handler(data, new ReplayContext([topic]))), { defaultValue: undefined });
    return true;
  }
}

/** A counting semaphore: `acquire` waits while all slots are taken. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else {
      this.free++;
      if (this.free === this.size) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Resolves once every slot is free again. */
  idle(): Promise<void> {
    if (this.free === this.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/** Replies come back on `x.reply.vN` rather than Nest's default `x.request.vN.reply`. */
class ParleyKafkaClient extends ClientKafka {
  protected override getResponsePatternName(pattern: string): string {
    return replyTopicOf(pattern);
  }

  override createClient<T = Kafka>(): T {
    return withCoalescingProducers(super.createClient<Kafka>()) as T;
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
      client: {
        ...clientTuning,
        ...conn.security,
        clientId: `${conn.clientId}-commands`,
        brokers: conn.brokers,
        logLevel: kafkaClientLogLevel,
        logCreator: kafkaLogCreator,
      },
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
    return firstValueFrom(
      this.client.send(topic, message).pipe(timeout({ first: ms, with: () => throwError(() => new CommandTimeoutError(topic, ms)) })),
    );
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
    const kafka = new Kafka({
      ...clientTuning,
      ...conn.security,
      clientId: `${conn.clientId}-outbox`,
      brokers: conn.brokers,
      logLevel: kafkaClientLogLevel,
      logCreator: kafkaLogCreator,
    });
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
