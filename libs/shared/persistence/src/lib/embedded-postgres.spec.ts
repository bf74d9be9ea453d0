import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres';
import { isProcessRunning, readPostmasterPid, stopStaleServer } from './embedded-postgres/stale-server';

// Real PostgreSQL: initdb + start take about a second, the rest is milliseconds.
jest.setTimeout(60_000);

const handles: EmbeddedPostgresHandle[] = [];
const dataDirs: string[] = [];

afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.stop()));
  for (const dataDir of dataDirs.splice(0)) {
    // A failed test may leave a server behind (the orphan test on purpose); stop it first.
    await stopStaleServer(dataDir, () => undefined).catch(() => undefined);
    rmSync(path.dirname(path.dirname(dataDir)), { recursive: true, force: true });
  }
});

function tempDataDir(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'parley-embedded-pg-'));
  // mkdtemp makes 0700 dirs; as root the server runs as 'postgres', which must enter it.
  chmodSync(root, 0o755);
  const dataDir = path.join(root, 'data', 'postgres');
  dataDirs.push(dataDir);
  return dataDir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function start(dataDir: string, port: number): Promise<EmbeddedPostgresHandle> {
  const handle = await startEmbeddedPostgres({ dataDir, port });
  handles.push(handle);
  return handle;
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function seed(url: string): Promise<void> {
  await query(url, 'CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL)');
  await query(url, 'INSERT INTO note VALUES ($1, $2)', [1, 'survives restarts']);
}

async function notes(url: string): Promise<unknown[]> {
  return query(url, 'SELECT id, body FROM note ORDER BY id');
}

/**
 * Starts the launcher in a separate Node process (TypeScript via tools/ts-register.cjs) and resolves
 * with that process and the URL it prints once the server is up.
 */
async function startInChild(dataDir: string, port: number) {
  const script = [
    'const [modulePath, dataDir, port] = process.argv.slice(1);',
    'require(modulePath).startEmbeddedPostgres({ dataDir, port: Number(port) })',
    '  .then((h) => console.log(h.url), (err) => { console.error(err); process.exit(1); });',
  ].join('\n');
  const child = spawn(
    process.execPath,
    [
      '-r',
      path.join(__dirname, '../../../../../tools/ts-register.cjs'),
      '-e',
      script,
      path.join(__dirname, 'embedded-postgres.ts'),
      dataDir,
      String(port),
    ],
    {
      env: { ...process.env, SWC_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing a URL:\n${stderr}`)));
  });
  return { child, url };
}

describe('startEmbeddedPostgres', () => {
  it('keeps data across a stop and a restart, on 127.0.0.1 only', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();

    const first = await start(dataDir, port);
    expect(first.url).toMatch(new RegExp(`^postgres://parley:[^@]+@127\\.0\\.0\\.1:${port}/parley$`));
    await seed(first.url);
    expect(await query(first.url, 'SHOW listen_addresses')).toEqual([{ listen_addresses: '127.0.0.1' }]);
    await first.stop();

    const second = await start(dataDir, port);
    expect(second.url).toBe(first.url);
    expect(await notes(second.url)).toEqual([{ id: 1, body: 'survives restarts' }]);
  });

  it('stops the orphaned server of a SIGKILLed process and starts on the same data', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();

    const { child, url } = await startInChild(dataDir, port);
    await seed(url);
    const orphanPid = await readPostmasterPid(dataDir);
    expect(orphanPid).toBeDefined();

    const childGone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await childGone;
    expect(await isProcessRunning(orphanPid as number)).toBe(true);

    const handle = await start(dataDir, port);
    expect(await isProcessRunning(orphanPid as number)).toBe(false);
    expect(await readPostmasterPid(dataDir)).not.toBe(orphanPid);
    expect(handle.url).toBe(url);
    expect(await notes(handle.url)).toEqual([{ id: 1, body: 'survives restarts' }]);
  });

  it('starts over a stale postmaster.pid whose server died with SIGKILL', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    const crashed = await start(dataDir, port);
    await seed(crashed.url);
    const pid = (await readPostmasterPid(dataDir)) as number;

    process.kill(pid, 'SIGKILL'); // like the OOM killer: no shutdown, pid file left behind
    while (await isProcessRunning(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await readPostmasterPid(dataDir)).toBe(pid);

    const handle = await start(dataDir, port);
    expect(await notes(handle.url)).toEqual([{ id: 1, body: 'survives restarts' }]);
  });

  it('stop() is idempotent, also when called concurrently', async () => {
    const dataDir = tempDataDir();
    const handle = await start(dataDir, await freePort());
    const pid = await readPostmasterPid(dataDir);

    await Promise.all([handle.stop(), handle.stop()]);
    await handle.stop();

    expect(await readPostmasterPid(dataDir)).toBeUndefined(); // removed by a clean shutdown
    expect(await isProcessRunning(pid as number)).toBe(false);
    await expect(query(handle.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
