import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthModule } from '@parley/auth';
import { ConfigError, RuntimeConfig, ServiceDefinition, type ShutdownConfig } from '@parley/config';
import { DirectoryModule } from '@parley/directory';
import { chooseLogFormat, correlationMiddleware, LoggingModule, NestLogger, ROOT_LOGGER } from '@parley/logging';
import { MessagingModule, MessagingTransport } from '@parley/messaging';
import { DirectRoutes, Metrics, MetricsListener, ObservabilityModule, ReadinessRegistry, serveDirectRoutes } from '@parley/observability';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { shutDownInOrder, type ShutdownSteps } from './graceful-shutdown';
import { HttpDrain } from './http-drain';
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

/** Each started app's HTTP drain: it must watch requests from the start to know which are in flight at shutdown. */
const httpDrains = new WeakMap<INestApplication, HttpDrain>();

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
        // Whatever runs presence-bridge (the embedded app seeds demo users) stores HA1s for its realm with each password.
        digestRealm: config.sip?.realm,
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
  httpDrains.set(app, new HttpDrain(server));
  await app.startAllMicroservices();
  await opts.beforeListen?.(app);
  await app.get(MetricsListener).listen(opts.config.metrics);
  await app.listen(opts.config.http.port, opts.config.http.host);
  return app;
}

/**
 * On SIGTERM or SIGINT, shuts the app down in order (docs/architecture.md, "Graceful shutdown"):
 * readiness fails at once, the listener closes after `timings.delayMs`, requests in flight are
 * answered, then the app closes (WebSockets, SMTP, consumers, outbox relay, databases) and then
 * `after` (the embedded database). Exits 0 when all of it fits in `timings.graceMs`; otherwise
 * logs what was still open and exits 1. A second SIGINT (Ctrl+C again) exits at once.
 */
export function closeOnSignals(app: INestApplication, timings: ShutdownConfig, after: () => Promise<void> = async () => undefined): void {
  const logger = app.get(Logger);
  const drain = httpDrains.get(app);
  let closing = false;
  const steps: ShutdownSteps = {
    failReadiness: () => app.get(ReadinessRegistry).beginShutdown(),
    stopAccepting: () => drain?.stopAccepting(),
    drainRequests: () => drain?.drained() ?? Promise.resolve(),
    abortRequests: () => drain?.abort(),
    closeApp: async () => {
      await app.close();
      await after();
    },
    stillOpen: () => describeOpen(drain),
  };
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      if (signal !== 'SIGINT') return;
      logger.warn('SIGINT again: exiting without finishing the shutdown');
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal} received, shutting down (grace ${timings.graceMs} ms)`);
    const log = { info: (line: string) => logger.log(line), warn: (line: string) => logger.warn(line) };
    const started = Date.now();
    void shutDownInOrder(steps, timings, log).then((outcome) => {
      switch (outcome.kind) {
        case 'clean':
          logger.log(`shut down in ${Date.now() - started} ms`);
          process.exit(0);
          break;
        case 'failed':
          logger.error(`shutdown failed during ${outcome.step}: ${errorText(outcome.error)}`);
          process.exit(1);
          break;
        case 'grace-exceeded':
          logger.error(`shutdown grace of ${timings.graceMs} ms ran out during ${outcome.step}; still open: ${outcome.stillOpen}`);
          process.exit(1);
      }
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** HTTP requests in flight and the process's open handles by kind (sockets, timers, …). */
function describeOpen(drain: HttpDrain | undefined): string {
  const kinds = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  const resources = [...kinds].map(([kind, n]) => `${kind}×${n}`).join(', ');
  return `${drain?.requestsInFlight ?? 0} HTTP request(s) in flight; open resources: ${resources || 'none'}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
