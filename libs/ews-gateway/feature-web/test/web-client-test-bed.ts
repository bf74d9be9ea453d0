import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthModule } from '@parley/auth';
import { DirectoryModule, DirectoryRepository } from '@parley/directory';
import { ObservabilityModule } from '@parley/observability';
import { createTestDatabase, testAuthConfig } from '@parley/testing';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { WebFeatureModule } from '../src';

export interface WebClientTestBed {
  readonly port: number;
  readonly directory: DirectoryRepository;
  /** Runs SQL on the test database (to age or inspect sessions). */
  query<T>(sql: string, params?: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/**
 * The gateway's web feature in a real Nest app on a real port, composed as the gateway runs it: the process's
 * `AuthModule` (the real throttle; clients say who they are in X-Forwarded-For from the trusted 127.0.0.1), the
 * directory on a fresh PostgreSQL database migrated by its own migrations, and `webRoot` as the web client's build.
 */
export async function startWebClientTestBed(webRoot: string, opts: { failuresBeforeThrottle: number }): Promise<WebClientTestBed> {
  const database = await createTestDatabase('web_client');
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'ews-gateway', version: '0.0.0' }),
      DirectoryModule.forRoot({ url: database.url, poolSize: 2, migrate: true, service: 'ews-gateway' }),
      AuthModule.forRoot(
        testAuthConfig({
          maxFailuresPerAccountAddress: opts.failuresBeforeThrottle,
          maxFailuresPerAddress: 100,
          trustedProxies: ['127.0.0.1'],
          web: { allowedOrigins: ['https://chat.example.com'] },
        }),
      ),
      WebFeatureModule.forRoot({ webRoot, bodyTimeoutMs: 2_000 }),
    ],
  })
  class WebClientTestModule {}

  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(WebClientTestModule, { bodyParser: false, logger: ['error', 'warn'] });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.drop();
    throw error;
  }
  const nest = app;
  const sql = new DataSource({ type: 'postgres', url: database.url });
  await sql.initialize();
  return {
    port: (nest.getHttpServer().address() as AddressInfo).port,
    directory: nest.get(DirectoryRepository),
    query: (text, params) => sql.query(text, params),
    async close() {
      await sql.destroy();
      await nest.close();
      await database.drop();
    },
  };
}

/** One HTTP request with exactly the target and headers given (no URL normalization, unlike fetch). */
export function call(
  port: number,
  method: string,
  target: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: target, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
