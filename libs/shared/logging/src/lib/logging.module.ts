import { DynamicModule, Global, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runWithCorrelation, sanitizeCorrelationId } from './correlation';
import type { Logger } from 'pino';
import { NestLogger } from './nest-logger';
import { createRootLogger, RootLoggerOptions } from './root-logger';

export const CORRELATION_HEADER = 'x-correlation-id';

/** Reads the caller's correlation id (or makes one), echoes it, and scopes the request with it. */
export function correlationMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const id = sanitizeCorrelationId(req.headers[CORRELATION_HEADER]) ?? sanitizeCorrelationId(req.headers['x-request-id']) ?? randomUUID();
  (req as IncomingMessage & { id?: string }).id = id;
  res.setHeader(CORRELATION_HEADER, id);
  runWithCorrelation(id, next);
}

type PinoHttpOptions = Extract<NonNullable<Params['pinoHttp']>, { autoLogging?: unknown }>;

/** Levels at which pino-http's per-request line (always written at `info`) is written at all. */
const requestLineLevels: readonly string[] = ['trace', 'debug', 'info'];

/**
 * pino-http's options. It writes its per-request line at `info`; above that level the line is
 * never written, yet pino-http would still build a child logger per request that serializes and
 * redacts the whole request (~14% of the CPU of a small EWS request, measured with
 * `bench:ews`). So above `info` the request logger only binds the request's id, method and URL
 * (what a warning or error logged during the request needs; the correlation id comes from the
 * root logger's mixin).
 */
export function requestLoggerOptions(opts: RootLoggerOptions, logger: Logger = createRootLogger(opts)): PinoHttpOptions {
  const genReqId = (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? randomUUID();
  if (!requestLineLevels.includes(opts.level)) {
    return {
      logger,
      genReqId,
      autoLogging: false,
      wrapSerializers: false,
      serializers: { req: (req: IncomingMessage & { id?: string }) => ({ id: req.id, method: req.method, url: req.url }) },
    };
  }
  return {
    logger,
    genReqId,
    // Health and metrics probes would drown everything else.
    autoLogging: { ignore: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? '') },
    // Called again when the response is logged, by which time authentication has resolved the client address.
    customProps: (req) => ({
      correlationId: (req as IncomingMessage & { id?: string }).id,
      clientAddress: (req as WithClientAddress).clientAddress,
    }),
  };
}

type WithClientAddress = IncomingMessage & { clientAddress?: string };

/**
 * The request's client address (the peer, or the client a trusted proxy forwarded for), computed
 * by `resolve` on first use and kept on the request, so that its log line shows the same one.
 */
export function withClientAddress(req: IncomingMessage, resolve: () => string): string {
  const r = req as WithClientAddress;
  return (r.clientAddress ??= resolve());
}

/** The process's root pino logger (the one behind Nest's logger and pino-http). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** Milliseconds since `startedAt` (a `process.hrtime.bigint()` reading), as pino-http reports them. */
function elapsedMs(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e6;
}

/**
 * For requests answered outside Express (see `DirectRoutes`): writes the line pino-http would
 * write, at `info` and with the same fields, when the response finishes. Above `info` it does
 * nothing, like pino-http there.
 */
export function logRequestLine(logger: Logger, req: IncomingMessage, res: ServerResponse): void {
  if (!logger.isLevelEnabled('info')) return;
  const startedAt = process.hrtime.bigint();
  res.once('close', () => {
    const completed = res.writableFinished;
    logger.info(
      {
        req: {
          id: (req as { id?: unknown }).id,
          method: req.method,
          url: req.url,
          remoteAddress: req.socket.remoteAddress,
          clientAddress: (req as WithClientAddress).clientAddress,
        },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(elapsedMs(startedAt)),
      },
      completed ? 'request completed' : 'request aborted',
    );
  });
}

@Global()
@Module({})
export class LoggingModule {
  static forRoot(opts: RootLoggerOptions): DynamicModule {
    const logger = createRootLogger(opts);
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: requestLoggerOptions(opts, logger) })],
      providers: [{ provide: ROOT_LOGGER, useValue: logger }, NestLogger],
      exports: [ROOT_LOGGER, NestLogger],
    };
  }
}
