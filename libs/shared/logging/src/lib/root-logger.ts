import pino, { DestinationStream, Logger, LevelWithSilent } from 'pino';
import type PinoPretty from 'pino-pretty';
import { currentCorrelationId } from './correlation';

/** `json`: one JSON object a line (for log collectors); `pretty`: readable lines (for a person at a terminal). */
export type LogFormat = 'json' | 'pretty';

export interface RootLoggerOptions {
  service: string;
  version: string;
  level: LevelWithSilent;
  /** Default `json`. */
  format?: LogFormat;
}

/** The format PARLEY_LOG_FORMAT asks for: `auto` is pretty on a terminal and JSON everywhere else (files, pipes, collectors). */
export function chooseLogFormat(setting: LogFormat | 'auto', stdoutIsTty: boolean): LogFormat {
  if (setting !== 'auto') return setting;
  return stdoutIsTty ? 'pretty' : 'json';
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

/**
 * pino-pretty writing to `destination` (stdout by default), loaded only when chosen. Synchronous,
 * so its lines and the embedded start banner (written straight to stdout) keep their order.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  // A require at call time: JSON-only deployments never load the pretty printer.
  const pretty = require('pino-pretty') as typeof PinoPretty;
  return pretty({
    destination: destination ?? 1,
    sync: true,
    // Colours only on a terminal (and never with NO_COLOR): pino-pretty's own check reads
    // FORCE_COLOR, which CI sets to 0 and which its colour library takes as "forced".
    colorize: destination === undefined && process.stdout.isTTY === true && !('NO_COLOR' in process.env),
    translateTime: 'SYS:HH:MM:ss.l',
    // One line per entry (an error's stack excepted): service and version are the same on every
    // line of a process, the context leads the message, and a request line reads
    // "request completed POST /EWS/Exchange.asmx 200 in 12 ms"; other fields follow as JSON.
    singleLine: true,
    ignore: 'pid,hostname,service,version,context,req,res,responseTime',
    messageFormat:
      '{if context}[{context}] {end}{msg}{if req.method} {req.method} {req.url}{end}{if res.statusCode} {res.statusCode}{end}{if responseTime} in {responseTime} ms{end}',
  });
}

/**
 * Logs with service, version and the ambient correlation id on every line, to `destination`
 * (stdout by default): JSON, or readable lines when `format` is `pretty`.
 */
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
  const stream = opts.format === 'pretty' ? prettyStream(destination) : destination;
  return stream ? pino(options, stream) : pino(options);
}
