import { ConfigError, parleyVersion, parseEnv, serviceEnvSchema, ServiceDefinition, toRuntimeConfig } from '@parley/config';
import { createDirectoryDataSource } from '@parley/directory';
import { createDeadLetterDataSource } from '@parley/messaging';
import { migrateServiceSchema } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { closeOnSignals, startParleyApp } from './parley-app';

/** Prints a configuration error the way an operator needs it and exits non-zero. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee the configuration table in README.md.\n`);
    process.exit(1);
  }
  throw error;
}

/** Runs migrations for the given DataSources one after another, closing each. */
export async function migrateAll(dataSources: DataSource[], log: (line: string) => void): Promise<void> {
  for (const ds of dataSources) {
    await ds.initialize();
    try {
      const applied = await migrateServiceSchema(ds);
      log(`${(ds.options as { schema: string }).schema}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
    } finally {
      await ds.destroy();
    }
  }
}

/**
 * Entry point of a service running as its own process (distributed mode):
 *   main.js          run the service
 *   main.js migrate  bring its schema (and the directory's and messaging's) up to date, then exit
 */
export async function runService(service: ServiceDefinition, argv = process.argv.slice(2)): Promise<void> {
  let config;
  try {
    const env = parseEnv(serviceEnvSchema(service.name));
    config = toRuntimeConfig(service.name, parleyVersion, env, { services: [service.name], requireDatabaseUrl: true });
  } catch (error) {
    exitOnConfigError(error);
  }
  const databaseUrl = config.database.url as string;
  if (argv[0] === 'migrate') {
    const sources = [
      createDirectoryDataSource({ url: databaseUrl, poolSize: 2, service: service.name }),
      createDeadLetterDataSource({ url: databaseUrl, poolSize: 2, service: service.name }),
    ];
    if (service.createDataSource) sources.push(service.createDataSource(databaseUrl));
    await migrateAll(sources, (line) => process.stdout.write(`${line}\n`));
    return;
  }
  if (argv.length > 0) {
    process.stderr.write(`unknown command: ${argv.join(' ')} (expected nothing, or "migrate")\n`);
    process.exit(2);
  }
  const app = await startParleyApp({ config, services: [service], databaseUrl, migrate: config.database.migrate });
  closeOnSignals(app, config.shutdown);
}
