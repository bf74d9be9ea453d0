import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { BusConfig } from '@parley/config';
import { DirectoryModule, type DirectoryOptions } from '@parley/directory';
import { MessagingModule, MessagingTransport } from '@parley/messaging';
import { ObservabilityModule } from '@parley/observability';
import { PresenceBridgeDataAccessModule } from '@parley/presence-bridge/data-access';
import { type PresenceCoreOptions, PresenceFeatureModule, PresenceFeedConsumer } from '@parley/presence-bridge/feature-presence';
import { defaultPresencePolicy } from '@parley/presence-bridge/presence-engine';

/** Core options for tests: the production defaults with quick leases, heartbeats and receipts. */
export function presenceCoreTestOptions(instanceId: string, overrides: Partial<PresenceCoreOptions> = {}): PresenceCoreOptions {
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

export interface PresenceCoreTestImportsOptions {
  /** The test database: the directory, presence-bridge's tables and the dead letters all live in it. */
  databaseUrl: string;
  core: PresenceCoreOptions;
  /** Names the bus's client and consumer groups; the rest of `bus` defaults to one in-process partition. */
  bus: Partial<BusConfig> & Pick<BusConfig, 'clientId' | 'groupPrefix'>;
  /** Whether this app migrates the schemas (the first one on a database); default true. */
  migrate?: boolean;
  /** The version the observability labels carry; default `0.0.0`. */
  version?: string;
  directory?: Partial<DirectoryOptions>;
  /** presence-bridge's connection pool; default 6. */
  poolSize?: number;
}

/**
 * The modules presence-bridge composes its core from — observability, messaging, the directory,
 * presence-bridge's data access and `PresenceFeatureModule` — as a test app needs them; a spec adds
 * its front (and `AuthModule`) after them.
 */
export function presenceCoreTestImports(opts: PresenceCoreTestImportsOptions): DynamicModule[] {
  const migrate = opts.migrate ?? true;
  return [
    ObservabilityModule.forRoot({ service: 'presence-bridge', version: opts.version ?? '0.0.0' }),
    MessagingModule.forRoot({
      bus: { kind: 'inprocess', brokers: [], partitions: 1, replicationFactor: 1, requestTimeoutMs: 10_000, ...opts.bus },
      consumerGroup: 'presence-bridge',
      instanceId: opts.core.instanceId,
      requestTopics: [],
      deadLetters: {
        maxAttempts: 3,
        initialBackoffMs: 20,
        retryBudgetMs: 1_000,
        replayPollMs: 60_000,
        databaseUrl: opts.databaseUrl,
        migrate,
      },
    }),
    DirectoryModule.forRoot({ url: opts.databaseUrl, poolSize: 2, migrate, service: 'presence-bridge', ...opts.directory }),
    PresenceBridgeDataAccessModule.forRoot({
      url: opts.databaseUrl,
      poolSize: opts.poolSize ?? 6,
      migrate,
      outboxPollMs: 50,
      outboxBatchSize: 200,
    }),
    PresenceFeatureModule.forRoot(opts.core),
  ];
}

/**
 * Starts a test app composed with `presenceCoreTestImports`: the bus's handlers, the app, and waits
 * until the presence feed follows, so a spec's first change is seen. The caller closes the app if
 * this throws (whatever started must stop, or it outlives the test file).
 */
export async function startPresenceCore(app: INestApplication, opts: { busHandlers?: boolean } = {}): Promise<void> {
  if (opts.busHandlers ?? true) app.connectMicroservice(app.get(MessagingTransport).microserviceOptions());
  await app.init();
  await app.startAllMicroservices();
  await app.get(PresenceFeedConsumer).whenFollowing();
}
