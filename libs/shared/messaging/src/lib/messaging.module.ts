import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { CustomStrategy } from '@nestjs/microservices';
import { allTopics, TopicConfigs } from '@parley/contracts';
import type { BusConfig, DeadLetterConfig } from '@parley/config';
import { Metrics, ReadinessRegistry } from '@parley/observability';
import { OUTBOX_PUBLISHER, openServiceDataSource, OutboxPublisher } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { CommandBus } from './command-bus';
import { DeadLetterReplayer, EventRedelivery } from './dead-letter/dead-letter-replayer';
import { createDeadLetterDataSource, DeadLetterRepository } from './dead-letter/dead-letter.repository';
import { EnvelopeConsumer } from './envelope-consumer';
import { InProcessBroker } from './in-process-broker';
import { InProcessCommandBus, InProcessOutboxPublisher } from './in-process.adapters';
import { InProcessServer } from './in-process.server';
import {
  clientTuning,
  KafkaCommandBus,
  KafkaConnection,
  KafkaOutboxPublisher,
  kafkaServerOptions,
  ParleyServerKafka,
} from './kafka.adapters';
import { KafkaStateReader } from './kafka-state-reader';
import { kafkaClientSecurity, refuseUntrustedBrokers, type KafkaClientSecurity } from './kafka-security';
import { ensureTopics } from './topic-admin';

export interface MessagingOptions {
  bus: BusConfig;
  /** Consumer group of this process's handlers (one per service; the embedded process has one). */
  consumerGroup: string;
  instanceId: string;
  /** Command topics this process sends requests to. */
  requestTopics: readonly string[];
  /** The retry / dead-letter policy, and the database that holds the dead letters. */
  deadLetters: DeadLetterConfig & { databaseUrl: string; migrate: boolean };
}

const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
/** The kafkajs `ssl` / `sasl` options of every client of the process, made once from the bus's security settings. */
const KAFKA_CLIENT_SECURITY = Symbol('KAFKA_CLIENT_SECURITY');
/** Inserts from concurrent partitions, and a replay's transaction beside the insert its failure makes. */
const DEAD_LETTER_POOL_SIZE = 3;

/**
 * The process's connection to the bus: which Nest transport drives its handlers, where the outbox
 * relay publishes, and how it sends commands. Chosen by PARLEY_BUS; handlers never know which.
 */
@Injectable()
export class MessagingTransport implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  readonly broker: InProcessBroker | undefined;
  readonly publisher: OutboxPublisher;
  readonly commands: CommandBus;
  private readonly kafkaPublisher: KafkaOutboxPublisher | undefined;
  private readonly kafkaCommands: KafkaCommandBus | undefined;
  private server: InProcessServer | undefined;
  private kafkaServer: ParleyServerKafka | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
    @Inject(KAFKA_CLIENT_SECURITY) private readonly security: KafkaClientSecurity,
  ) {
    const { bus } = opts;
    if (bus.kind === 'inprocess') {
      this.broker = new InProcessBroker({
        onRetry: (topic, attempt, error) =>
          this.logger.warn(`handler for ${topic} failed (attempt ${attempt}), retrying: ${String(error)}`),
      });
      this.publisher = new InProcessOutboxPublisher(this.broker);
      this.commands = new InProcessCommandBus(this.broker, bus.requestTimeoutMs);
    } else {
      const conn = this.connection;
      this.kafkaPublisher = new KafkaOutboxPublisher(conn);
      this.publisher = this.kafkaPublisher;
      this.kafkaCommands = new KafkaCommandBus(
        conn,
        `${bus.groupPrefix}.${opts.consumerGroup}.replies.${opts.instanceId}`,
        opts.requestTopics,
        bus.requestTimeoutMs,
      );
      this.commands = this.kafkaCommands;
    }
  }

  /** Where and how this process's Kafka clients connect. */
  private get connection(): KafkaConnection {
    return { brokers: this.opts.bus.brokers, clientId: this.opts.bus.clientId, security: this.security };
  }

  get kind(): BusConfig['kind'] {
    return this.opts.bus.kind;
  }

  /** The Kafka consumer group id of this process's handlers (also on the in-process bus, for dead letters). */
  get consumerGroupId(): string {
    return `${this.opts.bus.groupPrefix}.${this.opts.consumerGroup}`;
  }

  /**
   * How to hand an event to this process's own handlers again (dead-letter replay); undefined when
   * the process consumes nothing. On the in-process bus it goes through the broker, in order with
   * the key's other messages.
   */
  redelivery(): EventRedelivery | undefined {
    const { broker, server, kafkaServer } = this;
    if (broker && server) {
      return async (topic, key, envelope) => {
        if (!server.hasHandler(topic)) return false;
        await broker.publish(topic, key, envelope);
        return true;
      };
    }
    if (kafkaServer) return (topic, _key, envelope) => kafkaServer.redeliver(topic, envelope);
    return undefined;
  }

  /** For `app.connectMicroservice(...)`. */
  microserviceOptions(): CustomStrategy {
    if (this.broker) {
      this.server ??= new InProcessServer(this.broker);
      return { strategy: this.server };
    }
    const { options } = kafkaServerOptions(this.connection, this.consumerGroupId);
    this.kafkaServer ??= new ParleyServerKafka(options ?? {});
    return { strategy: this.kafkaServer };
  }

  /**
   * A reader of a whole state topic for this process's own read model (every replica reads every
   * key), on Kafka; on the in-process bus there is no history to read, so undefined — there the
   * same handler is an @EventPattern, which the in-process server already gives every event.
   */
  stateReader(
    name: string,
    topic: string,
    handle: (raw: unknown) => Promise<void>,
    options: { from?: 'beginning' | 'end' } = {},
  ): KafkaStateReader | undefined {
    if (this.opts.bus.kind !== 'kafka') return undefined;
    const { bus } = this.opts;
    return new KafkaStateReader(
      {
        brokers: bus.brokers,
        clientId: bus.clientId,
        security: this.security,
        groupId: `${bus.groupPrefix}.${this.opts.consumerGroup}.${name}.${this.opts.instanceId}`,
        topic,
        handle,
        from: options.from,
      },
      clientTuning,
    );
  }

  async onModuleInit(): Promise<void> {
    if (this.opts.bus.kind !== 'kafka') return;
    await refuseUntrustedBrokers(this.opts.bus.brokers, this.security);
    const created = await ensureTopics(this.opts.bus.brokers, allTopics(), {
      partitions: this.opts.bus.partitions,
      replicationFactor: this.opts.bus.replicationFactor,
      configs: TopicConfigs,
      security: this.security,
    });
    if (created.length) this.logger.log(`created ${created.length} topics`);
    await this.kafkaPublisher?.connect();
    if (this.opts.requestTopics.length) await this.kafkaCommands?.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafkaCommands?.close().catch(() => undefined);
    await this.kafkaPublisher?.close().catch(() => undefined);
  }

  /** Readiness: can this process publish, and (if it sends commands) receive replies? */
  isReady(): boolean {
    if (this.broker) return this.broker.isAttached;
    const commandsReady = this.opts.requestTopics.length === 0 || this.commands.isReady();
    return (this.kafkaPublisher?.isConnected ?? false) && commandsReady;
  }
}

const DEAD_LETTER_DATA_SOURCE = Symbol('DEAD_LETTER_DATA_SOURCE');

/**
 * The dead-letter store's lifecycle: its DataSource (schema `messaging`, migrated by the process
 * that migrates), and the replayer of this process's consumer group, started once the process
 * consumes and stopped before its consumers are.
 */
@Injectable()
class DeadLetterStore implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('DeadLetter');
  private replayer: DeadLetterReplayer | undefined;

  constructor(
    @Inject(DEAD_LETTER_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
    private readonly repository: DeadLetterRepository,
    private readonly transport: MessagingTransport,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await openServiceDataSource(this.dataSource, { migrate: this.opts.deadLetters.migrate });
    // The table, not just the connection: a service started before `migrate` could not store one.
    this.readiness.register('dead-letters', () => this.dataSource.query('SELECT 1 FROM messaging.dead_letter LIMIT 1').then(() => true));
  }

  onApplicationBootstrap(): void {
    const redelivery = this.transport.redelivery();
    if (!redelivery) return;
    this.replayer = new DeadLetterReplayer(this.repository, redelivery, {
      consumerGroup: this.transport.consumerGroupId,
      pollMs: this.opts.deadLetters.replayPollMs,
      onError: (error) => this.logger.warn(`replaying dead letters failed, trying again: ${String(error)}`),
      onReplayed: (letter, outcome) => this.logger.log(`replayed dead letter ${letter.id} (${letter.topic}): ${outcome}`),
    });
    this.replayer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.replayer?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(opts: MessagingOptions): DynamicModule {
    // Read here, as the app is composed: an unusable certificate file stops the start with the variable's name.
    const security = opts.bus.kind === 'kafka' ? kafkaClientSecurity(opts.bus.security) : {};
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: opts },
        { provide: KAFKA_CLIENT_SECURITY, useValue: security },
        MessagingTransport,
        { provide: OUTBOX_PUBLISHER, useFactory: (t: MessagingTransport) => t.publisher, inject: [MessagingTransport] },
        { provide: CommandBus, useFactory: (t: MessagingTransport) => t.commands, inject: [MessagingTransport] },
        {
          provide: DEAD_LETTER_DATA_SOURCE,
          useFactory: () =>
            createDeadLetterDataSource({ url: opts.deadLetters.databaseUrl, poolSize: DEAD_LETTER_POOL_SIZE, service: opts.consumerGroup }),
        },
        { provide: DeadLetterRepository, useFactory: (ds: DataSource) => new DeadLetterRepository(ds), inject: [DEAD_LETTER_DATA_SOURCE] },
        DeadLetterStore,
        {
          provide: EnvelopeConsumer,
          useFactory: (t: MessagingTransport, deadLetters: DeadLetterRepository, metrics: Metrics) => {
            const logger = new Logger('DeadLetter');
            const { maxAttempts, initialBackoffMs, retryBudgetMs } = opts.deadLetters;
            return new EnvelopeConsumer(deadLetters, {
              consumerGroup: t.consumerGroupId,
              retry: { maxAttempts, initialBackoffMs, retryBudgetMs },
              onRetry: (topic, attempt, delayMs, error) =>
                logger.warn(`handler for ${topic} failed (attempt ${attempt}), retrying in ${delayMs} ms: ${String(error)}`),
              onDeadLetter: (l) => {
                metrics.deadLetters.inc({ topic: l.topic, consumer_group: l.consumerGroup, kind: l.kind });
                logger.error(
                  `dead letter ${l.id}: a message from ${l.topic} (key ${l.key || '-'}) after ${l.attempts} attempt(s), ${l.kind}: ${l.reason}`,
                );
              },
            });
          },
          inject: [MessagingTransport, DeadLetterRepository, Metrics],
        },
      ],
      exports: [MessagingTransport, OUTBOX_PUBLISHER, CommandBus, EnvelopeConsumer, DeadLetterRepository],
    };
  }
}
