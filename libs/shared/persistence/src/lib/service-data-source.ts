import { DataSource, MixedList, EntitySchema } from 'typeorm';
import { DatabaseLogger } from './database-logger';
import { MessagingTables1763900000000 } from './messaging-tables.migration';
import { OutboxMessageEntity } from './outbox-message.entity';
import { ProcessedMessageEntity } from './processed-message.entity';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityOrMigration = Function | string | EntitySchema;

export interface ServiceDataSourceOptions {
  /** Service name, used as the PostgreSQL application_name. */
  service: string;
  /** The service's own schema: its tables, outbox, processed messages and migrations table. */
  schema: string;
  url: string;
  poolSize: number;
  entities: EntityOrMigration[];
  migrations: EntityOrMigration[];
  /** Add the outbox and processed-message tables (default). The directory, which publishes nothing, opts out. */
  messaging?: boolean;
}

/**
 * A DataSource confined to one service's schema. Outbox and processed-message tables come with it,
 * so every service gets the same delivery guarantees from the same code.
 */
export function createServiceDataSource(opts: ServiceDataSourceOptions): DataSource {
  if (!/^[a-z][a-z0-9_]*$/.test(opts.schema)) throw new Error(`invalid schema name: ${opts.schema}`);
  const withMessaging = opts.messaging ?? true;
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    applicationName: `parley-${opts.service}`,
    entities: [
      ...(withMessaging ? [OutboxMessageEntity, ProcessedMessageEntity] : []),
      ...opts.entities,
    ] as MixedList<EntityOrMigration> as never,
    migrations: [...(withMessaging ? [MessagingTables1763900000000] : []), ...opts.migrations] as never,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: ['error', 'warn'],
    logger: new DatabaseLogger(opts.service),
    extra: { max: opts.poolSize, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 },
  });
}

/** Connects and, when asked, brings the schema up to date under a cluster-wide lock. */
export async function openServiceDataSource(dataSource: DataSource, opts: { migrate: boolean }): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  if (opts.migrate) await migrateServiceSchema(dataSource);
}

/**
 * Runs pending migrations. An advisory lock keyed by the schema makes concurrent starters (two
 * replicas, a Job and a developer) wait for each other instead of racing.
 */
export async function migrateServiceSchema(dataSource: DataSource): Promise<string[]> {
  const schema = (dataSource.options as { schema: string }).schema;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`parley-migrate:${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`parley-migrate:${schema}`]).catch(() => undefined);
    await runner.release();
  }
}

/** Reverts the last `steps` migrations (the `migration:revert` target). */
export async function revertServiceSchema(dataSource: DataSource, steps = 1): Promise<void> {
  for (let i = 0; i < steps; i++) await dataSource.undoLastMigration({ transaction: 'each' });
}
