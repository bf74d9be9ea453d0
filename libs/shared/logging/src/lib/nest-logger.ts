import { Injectable, LoggerService } from '@nestjs/common';
import { Logger } from 'nestjs-pino';

/**
 * Contexts of Nest's own start-up lines (one per module, route and provider set: forty-odd per
 * start, all at `log`). They say nothing an operator acts on, so they are written at debug.
 */
export const nestBootContexts: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
]);

/** Nest's logger for Parley: nestjs-pino's, with Nest's boot chatter moved from info to debug. */
@Injectable()
export class NestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    // Nest passes the context last.
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && nestBootContexts.has(context)) this.pino.debug(message, ...optionalParams);
    else this.pino.log(message, ...optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.error(message, ...optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.warn(message, ...optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.debug(message, ...optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.verbose(message, ...optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.fatal(message, ...optionalParams);
  }
}
