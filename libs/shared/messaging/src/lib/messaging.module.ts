import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CustomStrategy } from '@nestjs/microservices';
import { allTopics, TopicConfigs } from '@parley/contracts';
import type { BusConfig } from '@parley/config';
import { OUTBOX_PUBLISHER, OutboxPublisher } from '@parley/persistence';
import { CommandBus } from './command-bus';
import { EnvelopeConsumer } from './envelope-consumer';
import { InProcessBroker } from './in-process-broker';
import { InProcessCommandBus, InProcessOutboxPublisher } from './in-process.adapters';
import { InProcessServer } from './in-process.server';
import { clientTuning, KafkaCommandBus, KafkaOutboxPublisher, kafkaServerOptions, ParleyServerKafka } from './kafka.adapters';
import { KafkaStateReader } from './kafka-state-reader';
import { ensureTopics } from './topic-admin';

export interface MessagingOptions {
  bus: BusConfig;
  /** Consumer group of this process's handlers (one per service; the embedded process has one). */
  consumerGroup: string;
  instanceId: string;
  /** Command topics this process sends requests to. */
  requestTopics: readonly string[];
}

const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

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

  constructor(@Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions) {
    const { bus } = opts;
    if (bus.kind === 'inprocess') {
      this.broker = new InProcessBroker({
        onRetry: (topic, attempt, error) => this.logger.warn(`handler for ${topic} failed (attempt ${attempt}), retrying: ${String(error)}`),
      });
      this.publisher = new InProcessOutboxPublisher(this.broker);
      this.commands = new InProcessCommandBus(this.broker, bus.requestTimeoutMs);
    } else {
      const conn = { brokers: bus.brokers, clientId: bus.clientId };
      this.kafkaPublisher = new KafkaOutboxPublisher(conn);
      this.publisher = this.kafkaPublisher;
      this.kafkaCommands = new KafkaCommandBus(conn, `${bus.groupPrefix}.${opts.consumerGroup}.replies.${opts.instanceId}`, opts.requestTopics, bus.requestTimeoutMs);
      this.commands = this.kafkaCommands;
    }
  }

  get kind(): BusConfig['kind'] {
    return this.opts.bus.kind;
  }

  /** For `app.connectMicroservice(...)`. */
  microserviceOptions(): CustomStrategy {
    if (this.broker) {
      this.server ??= new InProcessServer(this.broker);
      return { strategy: this.server };
    }
    const { options } = kafkaServerOptions({ brokers: this.opts.bus.brokers, clientId: this.opts.bus.clientId }, `${this.opts.bus.groupPrefix}.${this.opts.consumerGroup}`);
    return { strategy: new ParleyServerKafka(options ?? {}) };
  }

  /**
   * A reader of a whole state topic for this process's own read model (every replica reads every
   * key), on Kafka; on the in-process bus there is no history to read, so undefined — there the
   * same handler is an @EventPattern, which the in-process server already gives every event.
   */
  stateReader(name: string, topic: string, handle: (raw: unknown) => Promise<void>, options: { from?: 'beginning' | 'end' } = {}): KafkaStateReader | undefined {
    if (this.opts.bus.kind !== 'kafka') return undefined;
    const { bus } = this.opts;
    return new KafkaStateReader(
      { brokers: bus.brokers, clientId: bus.clientId, groupId: `${bus.groupPrefix}.${this.opts.consumerGroup}.${name}.${this.opts.instanceId}`, topic, handle, from: options.from },
      clientTuning,
    );
  }

  async onModuleInit(): Promise<void> {
    if (this.opts.bus.kind !== 'kafka') return;
    const created = await ensureTopics(this.opts.bus.brokers, allTopics(), {
      partitions: this.opts.bus.partitions,
      replicationFactor: this.opts.bus.replicationFactor,
      configs: TopicConfigs,
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

@Global()
@Module({})
export class MessagingModule {
  static forRoot(opts: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: opts },
        MessagingTransport,
        { provide: OUTBOX_PUBLISHER, useFactory: (t: MessagingTransport) => t.publisher, inject: [MessagingTransport] },
        { provide: CommandBus, useFactory: (t: MessagingTransport) => t.commands, inject: [MessagingTransport] },
        {
          provide: EnvelopeConsumer,
          useFactory: (t: MessagingTransport) => {
            const logger = new Logger('DeadLetter');
            return new EnvelopeConsumer(t.publisher, (l) => logger.error(`dead-lettered a message from ${l.originalTopic}: ${l.reason}`));
          },
          inject: [MessagingTransport],
        },
      ],
      exports: [MessagingTransport, OUTBOX_PUBLISHER, CommandBus, EnvelopeConsumer],
    };
  }
}
