import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@parley/auth';
import { DirectoryRepository } from '@parley/directory';
import { EndpointRegistry, InstantMessageRouter, type PresenceCoreOptions, PresenceFanout } from '@parley/presence-bridge/feature-presence';
import { presenceCoreTestImports, presenceCoreTestOptions, startPresenceCore } from '@parley/presence-bridge/testing';
import { createTestDatabase, testAuthConfig } from '@parley/testing';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { PresenceSocketServer, type PresenceSocketOptions, PresenceWebSocketModule } from '../src';
import { type ConnectOptions, defaultTestOptions, openTestClient, PASSWORD, type TestClient } from './presence-socket-test-bed';

/** The core's settings for these specs: production's, with quick leases and receipts. */
export const coreTestOptions: PresenceCoreOptions = presenceCoreTestOptions(`ws-core-${randomUUID().slice(0, 8)}`);

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
  /** `http://127.0.0.1:<port>`: the origin of a page served by this process. */
  readonly origin: string;
  connect(user: string, opts?: ConnectOptions): Promise<TestClient>;
  close(): Promise<void>;
}

export async function startCoreSocketTestBed(
  users: readonly string[],
  overrides: Partial<PresenceSocketOptions> = {},
  core: Partial<PresenceCoreOptions> = {},
): Promise<CoreSocketTestBed> {
  const database = await createTestDatabase('presence_ws');
  const options = { ...defaultTestOptions, maxConnectionsPerUser: 10, ...overrides };
  @Module({
    imports: [
      ...presenceCoreTestImports({
        databaseUrl: database.url,
        core: { ...coreTestOptions, ...core },
        bus: { clientId: 'presence-ws-spec', groupPrefix: 'presence-ws-spec', requestTimeoutMs: 5_000 },
        version: options.serverVersion,
      }),
      AuthModule.forRoot(testAuthConfig({ maxFailuresPerAccountAddress: 5, maxFailuresPerAddress: 5, trustedProxies: ['127.0.0.1'] })),
      PresenceWebSocketModule.forRoot(options),
    ],
  })
  class CoreSocketAppModule {}

  const app = await NestFactory.create(CoreSocketAppModule, { logger: ['error', 'warn'] });
  try {
    await startPresenceCore(app);
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
    origin: base.replace(/^ws:/, 'http:'),
    connect: (user, opts = {}) => openTestClient(base, user, opts, (clientNumber += 1)),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
