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
    throw new Error(
      `PostgreSQL is not reachable at ${testDatabaseUrl()} (${String(error)}). Start it, or set PARLEY_TEST_DATABASE_URL.`,
      { cause: error },
    );
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

/** Creates a fresh database (for tests that run whole services, which pick their own schemas). */
export async function createTestDatabase(prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = uniqueSchemaName(prefix);
  await withTestClient((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withTestClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
