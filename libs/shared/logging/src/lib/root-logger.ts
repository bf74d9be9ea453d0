import pino, { DestinationStream, Logger, LevelWithSilent } from 'pino';
import { currentCorrelationId } from './correlation';

export interface RootLoggerOptions {
  service: string;
  version: string;
  level: LevelWithSilent;
}

/** Paths that must never reach a log line. */
export const redactedPaths = [
  'password',
  '*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'databaseUrl',
  '*.databaseUrl',
];

/** JSON logs with service, version and the ambient correlation id on every line. */
export function createRootLogger(opts: RootLoggerOptions, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    base: { service: opts.service, version: opts.version },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlationId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
