import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server tests use: the developer's/CI's server, never a mock. */
export function testDatabaseUrl(): string {
  return process.env['PARLEY_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A schema name no other test file uses, so test files can run in parallel on one database. */
export function uniqueSchemaName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** Runs SQL on the test database with a short-lived connection. */
export async function withTestClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${testDatabaseUrl()} (${String(error)}). Start it, or set PARLEY_TEST_DATABASE_URL.`, {
      cause: error,
    });
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function dropSchemas(...schemas: string[]): Promise<void> {
  await withTestClient(async (c) => {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  });
}

/**
 * Names of test databases carry the pid of the process that created them
 * (`<prefix>_parley_test_pid<pid>_<hex>`, distinctive enough never to match anyone else's database),
 * so a later run can tell the ones whose creator is gone: a run cut off before its `drop()`
 * (Ctrl+C, a timeout, SIGKILL) leaves its database behind, and nothing else would remove it.
 */
const TEST_DATABASE_NAME = /^[a-z0-9_]+_parley_test_pid([0-9]+)_[0-9a-f]{8}$/;

export function testDatabaseName(prefix: string, pid = process.pid): string {
  return uniqueSchemaName(`${prefix}_parley_test_pid${pid}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids only mean something on the machine that runs the tests, so only a local server is swept. */
function isLocalServer(url: URL): boolean {
  return ['', 'localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** Drops the test databases whose creating process no longer exists; returns their names. */
export async function dropOrphanedTestDatabases(): Promise<string[]> {
  if (!isLocalServer(new URL(testDatabaseUrl()))) return [];
  return withTestClient(async (c) => {
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE NOT datistemplate');
    const orphans = rows
      .map((r) => r.datname)
      .filter((name) => {
        const pid = TEST_DATABASE_NAME.exec(name)?.[1];
        return pid !== undefined && !isAlive(Number(pid));
      });
    for (const name of orphans) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return orphans;
  });
}

/**
 * Creates a fresh database (for tests that run whole services, which pick their own schemas),
 * first dropping those that interrupted runs left behind.
 */
export async function createTestDatabase(prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  await dropOrphanedTestDatabases();
  const name = testDatabaseName(prefix);
  await withTestClient((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withTestClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
