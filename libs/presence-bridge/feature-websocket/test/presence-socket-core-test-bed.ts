import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@parley/auth';
import { DirectoryModule, DirectoryRepository } from '@parley/directory';
import { MessagingModule, MessagingTransport } from '@parley/messaging';
import { ObservabilityModule } from '@parley/observability';
import { PresenceBridgeDataAccessModule } from '@parley/presence-bridge/data-access';
import {
  EndpointRegistry,
  InstantMessageRouter,
  type PresenceCoreOptions,
  PresenceFanout,
  PresenceFeatureModule,
  PresenceFeedConsumer,
} from '@parley/presence-bridge/feature-presence';
import { defaultPresencePolicy } from '@parley/presence-bridge/presence-engine';
import { createTestDatabase, testAuthConfig } from '@parley/testing';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { PresenceSocketServer, type PresenceSocketOptions, PresenceWebSocketModule } from '../src';
import { type ConnectOptions, defaultTestOptions, openTestClient, PASSWORD, type TestClient } from './presence-socket-test-bed';

/** The core's settings for these specs: production's, with quick leases and receipts. */
export const coreTestOptions: PresenceCoreOptions = {
  instanceId: `ws-core-${randomUUID().slice(0, 8)}`,
  policy: defaultPresencePolicy,
  timerPollMaxMs: 200,
  timerBatchSize: 50,
  leaseTtlMs: 3_000,
  leaseRenewMs: 500,
  maxEndpointsPerUser: 4,
  imMaxChars: 8_192,
  imReceiptTimeoutMs: 2_000,
  imMaxPending: 100,
};

/**
 * The presence WebSocket over the real presence core: PostgreSQL (a fresh test database, migrated by
 * the services' own migrations), the directory with real password hashes, the in-process bus,
 * `@parley/auth`, presence-bridge's core — one presence-bridge on a real HTTP server.
 */
export interface CoreSocketTestBed {
  readonly app: INestApplication;
  readonly server: PresenceSocketServer;
  readonly endpoints: EndpointRegistry;
  readonly fanout: PresenceFanout;
  readonly ims: InstantMessageRouter;
  connect(user: string, opts?: ConnectOptions): Promise<TestClient>;
  close(): Promise<void>;
}

export async function startCoreSocketTestBed(
  users: readonly string[],
  overrides: Partial<PresenceSocketOptions> = {},
): Promise<CoreSocketTestBed> {
  const database = await createTestDatabase('presence_ws');
  const options = { ...defaultTestOptions, maxConnectionsPerUser: 10, ...overrides };
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'presence-bridge', version: options.serverVersion }),
      MessagingModule.forRoot({
        bus: {
          kind: 'inprocess',
          brokers: [],
          clientId: 'presence-ws-spec',
          groupPrefix: 'presence-ws-spec',
          partitions: 1,
          replicationFactor: 1,
          requestTimeoutMs: 5_000,
        },
        consumerGroup: 'presence-bridge',
        instanceId: coreTestOptions.instanceId,
        requestTopics: [],
        deadLetters: {
          maxAttempts: 3,
          initialBackoffMs: 20,
          retryBudgetMs: 1_000,
          replayPollMs: 60_000,
          databaseUrl: database.url,
          migrate: true,
        },
      }),
      DirectoryModule.forRoot({ url: database.url, poolSize: 2, migrate: true, service: 'presence-bridge' }),
      AuthModule.forRoot(testAuthConfig({ maxFailuresPerAccountAddress: 5, maxFailuresPerAddress: 5, trustedProxies: ['127.0.0.1'] })),
      PresenceBridgeDataAccessModule.forRoot({ url: database.url, poolSize: 6, migrate: true, outboxPollMs: 50, outboxBatchSize: 200 }),
      PresenceFeatureModule.forRoot(coreTestOptions),
      PresenceWebSocketModule.forRoot(options),
    ],
  })
  class CoreSocketAppModule {}

  const app = await NestFactory.create(CoreSocketAppModule, { logger: ['error', 'warn'] });
  try {
    app.connectMicroservice(app.get(MessagingTransport).microserviceOptions());
    await app.init();
    await app.startAllMicroservices();
    await app.get(PresenceFeedConsumer).whenFollowing();
    const directory = app.get(DirectoryRepository);
    for (const user of users) await directory.add({ smtpAddress: user, displayName: user, password: PASSWORD });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    await database.drop();
    throw error;
  }
  const base = `ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  let clientNumber = 0;
  return {
    app,
    server: app.get(PresenceSocketServer),
    endpoints: app.get(EndpointRegistry),
    fanout: app.get(PresenceFanout),
    ims: app.get(InstantMessageRouter),
    connect: (user, opts = {}) => openTestClient(base, user, opts, (clientNumber += 1)),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
