import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@parley/auth';
import { DirectoryModule } from '@parley/directory';
import { MessagingModule } from '@parley/messaging';
import { DirectRoutes, Metrics, ObservabilityModule, serveDirectRoutes } from '@parley/observability';
import { createTestDatabase, testAuthConfig } from '@parley/testing';
import { VoicemailIngestDataAccessModule } from '@parley/voicemail-ingest/data-access';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { HttpDropModule, PbxApiKeyService, type VoicemailDropOptions } from '../src';
import { inMemoryDelivery, InMemoryMailboxStoreModule } from './in-memory-mailbox-delivery';

/** Small limits, so every refusal is quick to provoke. */
export const dropTestOptions: VoicemailDropOptions = {
  maxAudioBytes: 64 * 1024,
  maxMetadataBytes: 2048,
  maxParts: 4,
  maxRecipients: 3,
  requestsPerMinute: 1000,
  bodyTimeoutMs: 5_000,
};

/** Failed keys one client address may present before it is refused (the shared sign-in throttle). */
export const MAX_FAILED_KEYS_PER_ADDRESS = 4;

export interface DropTestBed {
  readonly app: INestApplication;
  readonly url: string;
  readonly databaseUrl: string;
  readonly keys: PbxApiKeyService;
  close(): Promise<void>;
}

/**
 * voicemail-ingest's HTTP drop as a process serves it: a real HTTP server with the direct routes,
 * voicemail-ingest's schema on a fresh PostgreSQL database (its own migrations), the process's
 * sign-in throttle trusting 127.0.0.1 as a proxy (so each spec picks its client address with
 * X-Forwarded-For), and the in-memory delivery port in place of the mailbox store.
 */
export async function startDropTestBed(overrides: Partial<VoicemailDropOptions> = {}): Promise<DropTestBed> {
  const database = await createTestDatabase('voicemail_drop');
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'voicemail-ingest', version: '0.0.0' }),
      MessagingModule.forRoot({
        bus: {
          kind: 'inprocess',
          brokers: [],
          clientId: 'voicemail-drop-spec',
          groupPrefix: 'voicemail-drop-spec',
          partitions: 1,
          replicationFactor: 1,
          requestTimeoutMs: 5_000,
        },
        consumerGroup: 'voicemail-ingest',
        instanceId: 'voicemail-drop-spec',
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
      DirectoryModule.forRoot({ url: database.url, poolSize: 2, migrate: true, service: 'voicemail-ingest' }),
      AuthModule.forRoot(
        testAuthConfig({
          maxFailuresPerAccountAddress: MAX_FAILED_KEYS_PER_ADDRESS,
          maxFailuresPerAddress: MAX_FAILED_KEYS_PER_ADDRESS,
          trustedProxies: ['127.0.0.1'],
        }),
      ),
      VoicemailIngestDataAccessModule.forRoot(
        { url: database.url, poolSize: 4, migrate: true, outboxPollMs: 50, outboxBatchSize: 100 },
        // The drop stores nothing itself (the in-memory store below takes the mail): no blobs are written.
        { kind: 'postgres' },
      ),
      HttpDropModule.forRoot({ ...dropTestOptions, ...overrides }, InMemoryMailboxStoreModule),
    ],
  })
  class DropTestModule {}

  inMemoryDelivery.reset();
  const app = await NestFactory.create(DropTestModule, { logger: ['error'], bodyParser: false });
  try {
    await app.init();
    serveDirectRoutes(app.getHttpServer() as Server, app.get(DirectRoutes), {
      metrics: app.get(Metrics),
      logger: pino({ level: 'silent' }),
    });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    await database.drop();
    throw error;
  }
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    url: `http://127.0.0.1:${port}/api/v1.0/voicemail`,
    databaseUrl: database.url,
    keys: app.get(PbxApiKeyService),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
