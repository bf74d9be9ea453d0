import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthModule } from '@parley/auth';
import { ConfigError, RuntimeConfig, ServiceDefinition } from '@parley/config';
import { DirectoryModule } from '@parley/directory';
import { chooseLogFormat, correlationMiddleware, LoggingModule, NestLogger, ROOT_LOGGER } from '@parley/logging';
import { MessagingModule, MessagingTransport } from '@parley/messaging';
import { DirectRoutes, Metrics, MetricsListener, ObservabilityModule, ReadinessRegistry, serveDirectRoutes } from '@parley/observability';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { applyHttpLimits } from './http-limits';

export interface ParleyAppOptions {
  config: RuntimeConfig;
  services: readonly ServiceDefinition[];
  databaseUrl: string;
  /** Whether this process migrates schemas at start (the embedded app does; replicas do not). */
  migrate: boolean;
  /** Runs after every module is initialised and before HTTP accepts requests (e.g. demo data). */
  beforeListen?: (app: INestApplication) => Promise<void>;
}

@Module({})
class ParleyRootModule {}

/** Composes the shared infrastructure with one or more service modules into one Nest app. */
function rootModule(opts: ParleyAppOptions): DynamicModule {
  const { config } = opts;
  const database = {
    url: opts.databaseUrl,
    poolSize: config.database.poolSize,
    migrate: opts.migrate,
    outboxPollMs: config.database.outboxPollMs,
    outboxBatchSize: config.database.outboxBatchSize,
  };
  const names = opts.services.map((s) => s.name);
  return {
    module: ParleyRootModule,
    imports: [
      LoggingModule.forRoot({
        service: config.service,
        version: config.version,
        level: config.logLevel,
        format: chooseLogFormat(config.logFormat, process.stdout.isTTY === true),
      }),
      ObservabilityModule.forRoot({ service: config.service, version: config.version }),
      MessagingModule.forRoot({
        bus: config.bus,
        consumerGroup: names.length === 1 ? names[0] : 'embedded',
        instanceId: config.instanceId,
        requestTopics: opts.services.flatMap((s) => s.requestTopics),
        deadLetters: { ...config.deadLetters, databaseUrl: opts.databaseUrl, migrate: opts.migrate },
      }),
      DirectoryModule.forRoot({
        url: opts.databaseUrl,
        poolSize: Math.min(config.database.poolSize, 5),
        migrate: opts.migrate,
        service: config.service,
      }),
      ...authModules(opts),
      ...opts.services.map((s) => s.module({ database, config })),
    ],
  };
}

/**
 * The process's one sign-in (authenticator, throttle, client addresses), when any of its services
 * authenticates callers: in the embedded app EWS, Autodiscover and presence-bridge's fronts share
 * its budgets, so a guesser gets one budget per client, not one per protocol.
 */
function authModules({ config, services }: ParleyAppOptions): DynamicModule[] {
  const authenticating = services.filter((s) => s.authenticates).map((s) => s.name);
  if (authenticating.length === 0) return [];
  if (!config.auth) throw new ConfigError([`${authenticating.join(', ')}: the app was configured without the sign-in variables`]);
  return [AuthModule.forRoot(config.auth)];
}

/** Creates, initialises and starts the app: handlers consuming, HTTP listening. */
export async function startParleyApp(opts: ParleyAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule(opts), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(NestLogger));
  // Nest would hold every line until HTTP listens; a start waiting on its broker or database must say so as it waits.
  app.flushLogs();
  // Nothing about the stack in responses (Express would add `X-Powered-By: Express`).
  app.disable('x-powered-by');
  app.use(correlationMiddleware);
  const transport = app.get(MessagingTransport);
  app.get(ReadinessRegistry).register('bus', () => transport.isReady());
  if (opts.services.some((s) => s.consumes)) app.connectMicroservice(transport.microserviceOptions(), { inheritAppConfig: true });
  await app.init();
  const server = app.getHttpServer() as Server;
  serveDirectRoutes(server, app.get(DirectRoutes), { metrics: app.get(Metrics), logger: app.get(ROOT_LOGGER) });
  applyHttpLimits(server, opts.config.http, app.get(Metrics));
  await app.startAllMicroservices();
  await opts.beforeListen?.(app);
  await app.get(MetricsListener).listen(opts.config.metrics);
  await app.listen(opts.config.http.port, opts.config.http.host);
  return app;
}

/** Closes the app (and then `after`, e.g. the embedded database) on SIGINT/SIGTERM, then exits. */
export function closeOnSignals(app: INestApplication, after: () => Promise<void> = async () => undefined): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.get(Logger).log(`${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    app
      .close()
      .then(after)
      .then(
        () => process.exit(0),
        (error) => {
          process.stderr.write(`shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
