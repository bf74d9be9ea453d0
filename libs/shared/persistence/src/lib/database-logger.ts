import { Logger as NestLogger } from '@nestjs/common';
import type { LoggerOptions, Logger as TypeOrmLogger, QueryRunner } from 'typeorm';

/** Longest query text put in a log line. */
const MAX_QUERY_CHARS = 500;

/**
 * TypeORM's log through Nest's logger, which the services back with pino: failed queries become
 * one JSON line like every other (TypeORM's own console logger prints multi-line plain text).
 * Parameters are never logged (they can hold password hashes and message contents); the query
 * text is. Successful queries are not logged at all.
 */
export class DatabaseLogger implements TypeOrmLogger {
  private readonly logger: NestLogger;

  constructor(service: string) {
    this.logger = new NestLogger(`Database:${service}`);
  }

  logQuery(): void {
    // Every query: far too much for a log; the metrics and PostgreSQL's own statistics cover it.
  }

  logQueryError(error: string | Error, query: string, _parameters?: unknown, queryRunner?: QueryRunner): void {
    if (!enabled('error', queryRunner)) return;
    this.logger.error(`query failed: ${typeof error === 'string' ? error : error.message} (${truncate(query)})`);
  }

  logQuerySlow(time: number, query: string, _parameters?: unknown, queryRunner?: QueryRunner): void {
    if (!enabled('warn', queryRunner)) return;
    this.logger.warn(`slow query (${time} ms): ${truncate(query)}`);
  }

  logSchemaBuild(): void {
    // synchronize is off; nothing is built.
  }

  logMigration(message: string, queryRunner?: QueryRunner): void {
    if (enabled('migration', queryRunner)) this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown, queryRunner?: QueryRunner): void {
    if (level === 'warn' && enabled('warn', queryRunner)) this.logger.warn(String(message));
  }
}

/** The DataSource's `logging` option still decides (a CLI sets it to `[]` to keep its output to one line). */
function enabled(kind: 'error' | 'warn' | 'migration', queryRunner: QueryRunner | undefined): boolean {
  const logging: LoggerOptions | undefined = queryRunner?.connection.options.logging;
  if (logging === undefined || logging === true || logging === 'all') return true;
  return Array.isArray(logging) && logging.includes(kind);
}

function truncate(query: string): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_QUERY_CHARS ? `${oneLine.slice(0, MAX_QUERY_CHARS)}…` : oneLine;
}
