import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthModule } from '@parley/auth';
import type { AuthConfig } from '@parley/config';
import { DirectoryModule, DirectoryRepository } from '@parley/directory';
import { ObservabilityModule } from '@parley/observability';
import { migrateServiceSchema } from '@parley/persistence';
import {
  BlockListRepository,
  ContactListRepository,
  createPresenceBridgeDataSource,
  EndpointRepository,
  PresenceSourceRepository,
  UserPresenceRepository,
  PresenceBridgeDatabase,
  presenceBridgeSchema,
  PresenceSettingRepository,
} from '@parley/presence-bridge/data-access';
import { PresenceReader, PresenceSettingsService, PresenceViewPublisher } from '@parley/presence-bridge/feature-presence';
import { defaultPresencePolicy } from '@parley/presence-bridge/presence-engine';
import { createTestDatabase } from '@parley/testing';
import type { AddressInfo } from 'node:net';
import { GraphFeatureModule, type GraphApiOptions } from '../src';
import { InMemoryPresenceReader } from './in-memory-presence-reader';

/** Every user of the test bed signs in with this password. */
export const TEST_PASSWORD = 'graph-test-pw';

export interface GraphApiTestBed {
  /** `http://127.0.0.1:<port>`: Graph clients use `<base>/api` as their base URL. */
  readonly base: string;
  readonly directory: DirectoryRepository;
  readonly settings: PresenceSettingsService;
  readonly reader: InMemoryPresenceReader;
  readonly tokenKey: string;
  /** Empties presence-bridge's per-user tables and the reader's state (between tests). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface GraphApiTestBedOptions {
  api?: Partial<GraphApiOptions>;
  signIn?: Partial<AuthConfig['signIn']>;
}

/**
 * The Graph API in a real Nest app on a real HTTP port, over a fresh PostgreSQL database migrated
 * by the directory's and presence-bridge's own migrations: the process's `AuthModule` and
 * `DirectoryModule` as the bootstrap composes them, `PresenceSettingsService` on PostgreSQL, and
 * the in-memory `PresenceReader` standing in for the core.
 */
export async function startGraphApiTestBed(prefix: string, options: GraphApiTestBedOptions = {}): Promise<GraphApiTestBed> {
  const database = await createTestDatabase(prefix);
  const migrations = createPresenceBridgeDataSource(database.url);
  await migrations.initialize();
  await migrateServiceSchema(migrations);
  await migrations.destroy();
  const db = new PresenceBridgeDatabase(
    {
      service: 'presence-bridge',
      url: database.url,
      poolSize: 4,
      migrate: false,
      outboxPollMs: 60_000,
      outboxBatchSize: 100,
      ...presenceBridgeSchema,
    },
    { publish: async () => undefined },
  );
  await db.dataSource.initialize();
  const settings = new PresenceSettingsService(
    db,
    new ContactListRepository(db.dataSource),
    new BlockListRepository(db.dataSource),
    new PresenceSettingRepository(db.dataSource),
    // The core's real publisher; its events go nowhere here (the bus above drops them).
    new PresenceViewPublisher(
      new UserPresenceRepository(db.dataSource),
      new PresenceSourceRepository(),
      new PresenceSettingRepository(db.dataSource),
      new EndpointRepository(db.dataSource),
      {
        instanceId: 'graph-test-bed',
        policy: defaultPresencePolicy,
        timerPollMaxMs: 1000,
        timerBatchSize: 50,
        leaseTtlMs: 30_000,
        leaseRenewMs: 5_000,
        maxEndpointsPerUser: 4,
        imMaxChars: 8_192,
        imReceiptTimeoutMs: 2_000,
        imMaxPending: 100,
      },
    ),
  );

  @Module({
    providers: [
      { provide: PresenceSettingsService, useValue: settings },
      {
        provide: PresenceReader,
        useFactory: (directory: DirectoryRepository) => new InMemoryPresenceReader(settings, directory),
        inject: [DirectoryRepository],
      },
    ],
    exports: [PresenceReader, PresenceSettingsService],
  })
  class TestPresenceCoreModule {}

  const tokenKey = 't'.repeat(40);
  const auth: AuthConfig = {
    tokenKey,
    credentialCacheTtlMs: 60_000,
    signIn: {
      failureWindowMs: 60_000,
      maxFailuresPerAccountAddress: 5,
      maxFailuresPerAddress: 50,
      accountDelayStepMs: 0,
      accountMaxDelayMs: 0,
      trustedProxies: [],
      ...options.signIn,
    },
  };
  const api: GraphApiOptions = {
    limits: { maxBatchIds: 650, maxPreferredPresenceMs: 30 * 86_400_000 },
    maxBodyBytes: 256 * 1024,
    bodyTimeoutMs: 5_000,
    ...options.api,
  };

  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'graph-test', version: '0' }),
      DirectoryModule.forRoot({ url: database.url, poolSize: 2, migrate: true, service: 'graph-test' }),
      AuthModule.forRoot(auth),
      GraphFeatureModule.forRoot(api, TestPresenceCoreModule),
    ],
  })
  class GraphTestAppModule {}

  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(GraphTestAppModule, { bodyParser: false, logger: ['error'] });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app?.close();
    await db.dataSource.destroy();
    await database.drop();
    throw error;
  }
  const nest = app;
  const { port } = nest.getHttpServer().address() as AddressInfo;
  const directory = nest.get(DirectoryRepository);
  const reader = nest.get(PresenceReader) as InMemoryPresenceReader;
  return {
    base: `http://127.0.0.1:${port}`,
    directory,
    settings,
    reader,
    tokenKey,
    async reset() {
      reader.reset();
      await db.dataSource.query('TRUNCATE presence_bridge.blocked_watcher, presence_bridge.presence_setting');
    },
    async close() {
      await nest.close();
      await db.dataSource.destroy();
      await database.drop();
    },
  };
}
