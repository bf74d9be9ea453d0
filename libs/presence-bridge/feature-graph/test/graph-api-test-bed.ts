import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthModule, WebSessions } from '@parley/auth';
import type { AuthConfig } from '@parley/config';
import { DirectoryRepository } from '@parley/directory';
import { PresenceBridgeDatabase } from '@parley/presence-bridge/data-access';
import { PresenceEndpoints, PresenceSettingsService, PresenceSourcesService } from '@parley/presence-bridge/feature-presence';
import { presenceCoreTestImports, presenceCoreTestOptions, startPresenceCore } from '@parley/presence-bridge/testing';
import { createTestDatabase, testAuthConfig } from '@parley/testing';
import type { AddressInfo } from 'node:net';
import { GraphFeatureModule, type GraphApiOptions } from '../src';

/** Every user of the test bed signs in with this password. */
export const TEST_PASSWORD = 'graph-test-pw';

export interface GraphApiTestBed {
  /** `http://127.0.0.1:<port>`: Graph clients use `<base>/api` as their base URL. */
  readonly base: string;
  readonly directory: DirectoryRepository;
  /** The core's ways in, for specs that set what the Graph API reads. */
  readonly settings: PresenceSettingsService;
  readonly sources: PresenceSourcesService;
  readonly endpoints: PresenceEndpoints;
  readonly tokenKey: string;
  /** The process's web sessions (the web client's sign-in), for specs that call the API with the session cookie. */
  readonly webSessions: WebSessions;
  /** Empties presence-bridge's per-user tables (between tests). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface GraphApiTestBedOptions {
  api?: Partial<GraphApiOptions>;
  signIn?: Partial<AuthConfig['signIn']>;
}

/**
 * The Graph API in a real Nest app on a real HTTP port, composed as presence-bridge runs it: the
 * process's `AuthModule` and `DirectoryModule`, the in-process bus, presence-bridge's data access
 * and its core (`PresenceFeatureModule`: the real `PresenceReader`, settings, publisher), on a
 * fresh PostgreSQL database migrated by the services' own migrations.
 */
export async function startGraphApiTestBed(prefix: string, options: GraphApiTestBedOptions = {}): Promise<GraphApiTestBed> {
  const database = await createTestDatabase(prefix);
  const tokenKey = 't'.repeat(40);
  const base = testAuthConfig({ tokenKey });
  const auth: AuthConfig = { ...base, signIn: { ...base.signIn, ...options.signIn } };

  const api: GraphApiOptions = {
    limits: { maxBatchIds: 650, maxPreferredPresenceMs: 30 * 86_400_000 },
    maxBodyBytes: 256 * 1024,
    bodyTimeoutMs: 5_000,
    ...options.api,
  };

  @Module({
    imports: [
      ...presenceCoreTestImports({
        databaseUrl: database.url,
        core: presenceCoreTestOptions(`${prefix}-1`, { leaseTtlMs: 30_000, leaseRenewMs: 5_000 }),
        bus: { clientId: prefix, groupPrefix: prefix },
        poolSize: 4,
      }),
      AuthModule.forRoot(auth),
      // As in presence-bridge's service module: the core's ports come from PresenceFeatureModule, globally.
      GraphFeatureModule.forRoot(api),
    ],
  })
  class GraphTestAppModule {}

  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(GraphTestAppModule, { bodyParser: false, logger: ['error', 'warn'] });
    await startPresenceCore(app);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    // Whatever started (pollers, heartbeats) must stop, or it outlives the test file.
    await app?.close().catch(() => undefined);
    await database.drop();
    throw error;
  }
  const nest = app;
  const { port } = nest.getHttpServer().address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    directory: nest.get(DirectoryRepository),
    settings: nest.get(PresenceSettingsService),
    sources: nest.get(PresenceSourcesService),
    endpoints: nest.get(PresenceEndpoints),
    tokenKey,
    webSessions: nest.get(WebSessions),
    async reset() {
      await nest
        .get(PresenceBridgeDatabase)
        .dataSource.query(
          'TRUNCATE presence_bridge.blocked_watcher, presence_bridge.presence_setting, presence_bridge.user_presence, presence_bridge.presence_source, presence_bridge.endpoint, presence_bridge.processed_message',
        );
    },
    async close() {
      await nest.close();
      await database.drop();
    },
  };
}
