import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { adminEnvSchema } from '@parley/config';
import type { z } from 'zod';

export { adminEnvSchema };
export type AdminEnv = z.infer<typeof adminEnvSchema>;

export interface DatabaseTarget {
  url: string;
  /** True when the URL was derived from the embedded mode's files rather than DATABASE_URL. */
  embedded: boolean;
  /** host:port, for messages (never the URL: it holds the password). */
  where: string;
}

/** No database to talk to: DATABASE_URL unset and no embedded database running. */
export class DatabaseUnavailableError extends Error {
  constructor(reason: string) {
    super(`${reason}: start Parley (npm start) or set DATABASE_URL`);
  }
}

/**
 * DATABASE_URL if set; otherwise the embedded mode's PostgreSQL (what `npm start` runs), using the
 * credentials it keeps beside its data directory.
 */
export async function resolveDatabase(env: AdminEnv): Promise<DatabaseTarget> {
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    return { url: env.DATABASE_URL, embedded: false, where: `${url.hostname}:${url.port || '5432'}` };
  }
  const file = path.resolve(env.PARLEY_DATA_DIR, 'postgres.credentials.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DatabaseUnavailableError(`DATABASE_URL is not set and ${file} does not exist`);
    throw error;
  }
  const credentials = parseCredentials(text);
  if (!credentials) throw new Error(`${file} must hold {"user": string, "password": string}`);
  const where = `127.0.0.1:${env.PARLEY_EMBEDDED_PG_PORT}`;
  return {
    url: `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@${where}/parley`,
    embedded: true,
    where,
  };
}

function parseCredentials(text: string): { user: string; password: string } | undefined {
  try {
    const parsed = JSON.parse(text) as { user?: unknown; password?: unknown } | null;
    return typeof parsed?.user === 'string' && typeof parsed.password === 'string'
      ? { user: parsed.user, password: parsed.password }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Did connecting fail because nothing listens there (the embedded database is not running)? */
export function isConnectionRefused(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return true;
  return error instanceof AggregateError && error.errors.some(isConnectionRefused);
}
