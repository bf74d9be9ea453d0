import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Envelope, PresenceChanged, Topics } from '@parley/contracts';
import { DirectoryModule, DirectoryRepository } from '@parley/directory';
import { MessagingModule, MessagingTransport } from '@parley/messaging';
import { ObservabilityModule } from '@parley/observability';
import { PresenceBridgeDataAccessModule, PresenceBridgeDatabase } from '@parley/presence-bridge/data-access';
import { defaultPresencePolicy } from '@parley/presence-bridge/presence-engine';
import { createTestDatabase, testKafkaBrokers } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { EndpointRegistry } from '../src/lib/endpoint-registry';
import { InstantMessageRouter } from '../src/lib/instant-message.router';
import { PresenceCoreOptions } from '../src/lib/presence-core.options';
import { ImConversationTracker } from '../src/lib/im-conversation.tracker';
import { PresenceFeatureModule } from '../src/lib/presence-feature.module';
import { PresenceFeedConsumer } from '../src/lib/presence-feed.consumer';
import { InstantMessaging, PresenceEndpoints, PresenceReader, PresenceWatchers } from '../src/lib/presence-ports';
import { PresenceReevaluationPoller } from '../src/lib/presence-reevaluation.poller';
import { PresenceSettingsService } from '../src/lib/presence-settings.service';
import { PresenceSourcesService } from '../src/lib/presence-sources.service';
import { PresenceViewPublisher } from '../src/lib/presence-view.publisher';

/** Core options for tests: the production defaults with quick heartbeats and short receipts. */
export function testCoreOptions(instanceId: string, overrides: Partial<PresenceCoreOptions> = {}): PresenceCoreOptions {
  return {
    instanceId,
    policy: defaultPresencePolicy,
    timerPollMaxMs: 200,
    timerBatchSize: 50,
    leaseTtlMs: 3_000,
    leaseRenewMs: 500,
    maxEndpointsPerUser: 4,
    imMaxChars: 8_192,
    imReceiptTimeoutMs: 2_000,
    imMaxPending: 100,
    imConversationIdleMs: 600_000,
    ...overrides,
  };
}

export interface ReplicaOptions {
  databaseUrl: string;
  bus: 'inprocess' | 'kafka';
  /** Names this test run (consumer groups, client ids). */
  run: string;
  /** Whether this replica migrates the schemas (the first one of a database). */
  migrate: boolean;
  core: PresenceCoreOptions;
  /** On Kafka: also join the service's consumer group (the announced sources' handlers), as a deployed replica does. */
  serviceGroup?: boolean;
}

/** One presence-bridge replica as a Nest app: messaging, directory, presence-bridge's data access and core; no HTTP. */
export class PresenceReplica {
  private constructor(readonly app: INestApplication) {}

  static async start(opts: ReplicaOptions): Promise<PresenceReplica> {
    @Module({
      imports: [
        ObservabilityModule.forRoot({ service: 'presence-bridge', version: '0.0.0' }),
        MessagingModule.forRoot({
          bus: {
            kind: opts.bus,
            brokers: opts.bus === 'kafka' ? testKafkaBrokers() : [],
            clientId: `${opts.run}-${opts.core.instanceId}`,
            groupPrefix: opts.run,
            partitions: 3,
            replicationFactor: 1,
            requestTimeoutMs: 10_000,
          },
          consumerGroup: 'presence-bridge',
          instanceId: opts.core.instanceId,
          requestTopics: [],
          deadLetters: {
            maxAttempts: 3,
            initialBackoffMs: 20,
            retryBudgetMs: 1_000,
            replayPollMs: 60_000,
            databaseUrl: opts.databaseUrl,
            migrate: opts.migrate,
          },
        }),
        DirectoryModule.forRoot({ url: opts.databaseUrl, poolSize: 2, migrate: opts.migrate, service: 'presence-bridge' }),
        PresenceBridgeDataAccessModule.forRoot({
          url: opts.databaseUrl,
          poolSize: 6,
          migrate: opts.migrate,
          outboxPollMs: 50,
          outboxBatchSize: 200,
        }),
        PresenceFeatureModule.forRoot(opts.core),
      ],
    })
    class ReplicaModule {}

    const app = await NestFactory.create(ReplicaModule, { logger: ['error', 'warn'] });
    // On Kafka the feeds are per-replica readers and calendar-sync's topics are not needed here; the
    // in-process bus needs its server for every handler.
    if (opts.bus === 'inprocess' || opts.serviceGroup) app.connectMicroservice(app.get(MessagingTransport).microserviceOptions());
    try {
      await app.init();
      await app.startAllMicroservices();
      await app.get(PresenceFeedConsumer).whenFollowing();
    } catch (error) {
      // Whatever started (pollers, heartbeats) must stop, or it outlives the test file.
      await app.close().catch(() => undefined);
      throw error;
    }
    return new PresenceReplica(app);
  }

  get instanceId(): string {
    return this.app.get(PresenceCoreOptions).instanceId;
  }
  get db(): PresenceBridgeDatabase {
    return this.app.get(PresenceBridgeDatabase);
  }
  get directory(): DirectoryRepository {
    return this.app.get(DirectoryRepository);
  }
  get settings(): PresenceSettingsService {
    return this.app.get(PresenceSettingsService);
  }
  get sources(): PresenceSourcesService {
    return this.app.get(PresenceSourcesService);
  }
  get publisher(): PresenceViewPublisher {
    return this.app.get(PresenceViewPublisher);
  }
  get poller(): PresenceReevaluationPoller {
    return this.app.get(PresenceReevaluationPoller);
  }
  get conversations(): ImConversationTracker {
    return this.app.get(ImConversationTracker);
  }
  get registry(): EndpointRegistry {
    return this.app.get(EndpointRegistry);
  }
  get router(): InstantMessageRouter {
    return this.app.get(InstantMessageRouter);
  }
  get reader(): PresenceReader {
    return this.app.get(PresenceReader);
  }
  get watchers(): PresenceWatchers {
    return this.app.get(PresenceWatchers);
  }
  get endpoints(): PresenceEndpoints {
    return this.app.get(PresenceEndpoints);
  }
  get messaging(): InstantMessaging {
    return this.app.get(InstantMessaging);
  }

  /** The `presence.presence.changed` payloads in the outbox (published or not), oldest first, of one user or all. */
  async presenceEvents(mailbox?: string): Promise<PresenceChanged[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT envelope FROM presence_bridge.outbox_message WHERE topic = $1 AND ($2::text IS NULL OR message_key = $2) ORDER BY seq`,
      [Topics.presenceChanged, mailbox ?? null],
    )) as { envelope: Envelope<PresenceChanged> }[];
    return rows.map((r) => r.envelope.payload);
  }

  /**
   * Empties every per-user table and the outbox (between tests); the leases stay. The replicas'
   * pollers and heartbeats keep running, so a TRUNCATE may meet them in a deadlock: try again.
   */
  async reset(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.dataSource.query(
          `TRUNCATE presence_bridge.contact, presence_bridge.contact_group, presence_bridge.blocked_watcher, presence_bridge.presence_setting,
             presence_bridge.user_presence, presence_bridge.presence_source, presence_bridge.endpoint, presence_bridge.outbox_message,
             presence_bridge.processed_message`,
        );
        return;
      } catch (error) {
        const deadlock = (error as { driverError?: { code?: string } }).driverError?.code === '40P01';
        if (!deadlock || attempt === 5) throw error;
      }
    }
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/** A fresh database and a run name, for a file's replicas. */
export async function presenceTestDatabase(prefix: string): Promise<{ url: string; run: string; drop: () => Promise<void> }> {
  const database = await createTestDatabase(prefix);
  return { url: database.url, run: `${prefix}-${randomUUID().slice(0, 8)}`, drop: database.drop };
}
