import { DynamicModule, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runWithCorrelation, sanitizeCorrelationId } from './correlation';
import { createRootLogger, RootLoggerOptions } from './root-logger';

export const CORRELATION_HEADER = 'x-correlation-id';

/** Reads the caller's correlation id (or makes one), echoes it, and scopes the request with it. */
export function correlationMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const id =
    sanitizeCorrelationId(req.headers[CORRELATION_HEADER]) ?? sanitizeCorrelationId(req.headers['x-request-id']) ?? randomUUID();
  (req as IncomingMessage & { id?: string }).id = id;
  res.setHeader(CORRELATION_HEADER, id);
  runWithCorrelation(id, next);
}

@Module({})
export class LoggingModule {
  static forRoot(opts: RootLoggerOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: createRootLogger(opts),
            genReqId: (req) => (req as IncomingMessage & { id?: string }).id ?? randomUUID(),
            // Health and metrics probes would drown everything else.
            autoLogging: { ignore: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? '') },
            customProps: (req) => ({ correlationId: (req as IncomingMessage & { id?: string }).id }),
          },
        }),
      ],
    };
  }
}
