// The runtime image's layout without Docker: the bundles, package.json and only the production
// dependencies (what `npm ci --omit=dev` installs, per package-lock.json) in a fresh directory,
// started with node. Each service's bundle must load every package it needs from there and stop
// at its configuration check; compose's migration must migrate a database from there; and
// voicemail-ingest (the one service that writes files) must become ready with compose's
// environment as the image's user, for whom the layout is read-only, writing only to the volume.
import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, ExitReaper, testKafkaBrokers, waitFor } from '@parley/testing';
import { parse } from 'yaml';
import { bundlesInImage, keyValues, lastInstruction, readDockerfile } from './dockerfile';
import { envKeysOf, probePaths, serviceNames } from './service-facts';

const root = path.join(__dirname, '..', '..');
const stages = readDockerfile(root);
const imageEnv = keyValues(stages[stages.length - 1], 'ENV');

/** Top-level packages `npm ci --omit=dev` installs: the lockfile's entries not marked dev-only. */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([where, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(where) && entry.dev !== true)
    .map(([where]) => where.slice('node_modules/'.length));
}

function run(cwd: string, command: string[], env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  // --preserve-symlinks: a package resolves its own dependencies from the layout's node_modules,
  // not from the workspace's, where the dev tools are.
  const args = ['--preserve-symlinks', ...command];
  const options = { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' as const };
  return new Promise((resolve) => {
    execFile(process.execPath, args, options, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let layout: string;
let bare: string;
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { command: string[]; environment?: Record<string, string | number> }>;
};
const migrateCommand = compose.services['migrate'].command;
// The bundles of the services and of compose's migration, where the image has them (the same
// paths as in the workspace: dockerfile.spec.ts).
const apps = [...serviceNames.map((s) => `dist/apps/${s}/main.js`), migrateCommand[0]];
const bundles = bundlesInImage(root, stages).filter((b) => apps.includes(b));

beforeAll(() => {
  // CI's integration stage has just built the apps; a local run may not have.
  for (const bundle of bundles) {
    if (existsSync(path.join(root, bundle))) continue;
    const app = path.basename(path.dirname(bundle));
    const build = spawnSync(
      path.join(root, 'node_modules', '.bin', 'webpack-cli'),
      ['build', '--config', `apps/${app}/webpack.config.cjs`],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (build.status !== 0) throw new Error(`building ${app} failed:\n${build.stdout}${build.stderr}`);
  }
  layout = mkdtempSync(path.join(os.tmpdir(), 'parley-image-'));
  // Readable by the image's user, as the image's root-owned /app is.
  chmodSync(layout, 0o755);
  bare = mkdtempSync(path.join(os.tmpdir(), 'parley-image-bare-'));
  for (const dir of [layout, bare]) {
    copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    for (const bundle of bundles) {
      mkdirSync(path.join(dir, path.dirname(bundle)), { recursive: true });
      copyFileSync(path.join(root, bundle), path.join(dir, bundle));
    }
  }
  for (const name of productionPackages()) {
    const installed = path.join(root, 'node_modules', name);
    // Optional packages for other platforms are in the lockfile but not installed.
    if (!existsSync(installed)) continue;
    mkdirSync(path.dirname(path.join(layout, 'node_modules', name)), { recursive: true });
    symlinkSync(installed, path.join(layout, 'node_modules', name), 'dir');
  }
}, 120_000);

afterAll(() => {
  for (const dir of [layout, bare]) if (dir) rmSync(dir, { recursive: true, force: true });
});

// A port that is not one: the configuration check must be what stops the process, after every module loaded.
const invalid = { ...imageEnv, PARLEY_HTTP_PORT: 'not-a-port' };

it.each(serviceNames)('%s loads from the production dependencies alone and stops at its configuration check', async (service) => {
  const result = await run(layout, [`dist/apps/${service}/main.js`], invalid);
  expect(result.stderr).not.toMatch(/Cannot find module/);
  expect(result.stderr).toContain('Invalid configuration');
  expect(result.stderr).toContain('PARLEY_HTTP_PORT');
  expect(result.status).toBe(1);
});

it('fails to load without node_modules (the bundles do need the installed packages)', async () => {
  const result = await run(bare, [`dist/apps/${serviceNames[0]}/main.js`], invalid);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(/Cannot find module/);
});

it("runs compose's migration from the image layout: every schema of a fresh database", async () => {
  const database = await createTestDatabase('image_layout');
  try {
    const result = await run(layout, migrateCommand, { ...imageEnv, DATABASE_URL: database.url });
    expect(result.stderr).not.toMatch(/Cannot find module/);
    expect(result.status).toBe(0);
    for (const schema of ['directory', 'messaging', 'calendar_sync', 'presence_bridge', 'voicemail_ingest']) {
      expect(result.stdout).toMatch(new RegExp(`^${schema}: applied `, 'm'));
    }
  } finally {
    await database.drop();
  }
});

/** `${VAR}`, `${VAR:-default}` and `${VAR:?message}` as compose interpolates them, from `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    const set = vars[name];
    if (set !== undefined && set !== '') return set;
    if (kind === '?') throw new Error(`${name}: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it("runs voicemail-ingest from the image layout with compose's environment: ready as the image's user, writing only to its volume, stopping cleanly", async () => {
  const brokers = testKafkaBrokers().join(',');
  const database = await createTestDatabase('image_run');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-image-volume-'));
  const reaper = ExitReaper.start({ paths: [dataDir] });
  try {
    expect((await run(layout, migrateCommand, { ...imageEnv, DATABASE_URL: database.url })).status).toBe(0);
    // The image's user; as root here, run as it, so the layout is as read-only to the app as /app is.
    const [uid, gid] = (lastInstruction(stages[stages.length - 1], 'USER')?.args.trim() ?? '').split(':').map(Number);
    const asImageUser = process.getuid?.() === 0;
    if (asImageUser) chownSync(dataDir, uid, gid ?? uid);
    // The volume's path in the image, mounted here.
    const volume = imageEnv['PARLEY_DATA_DIR'];
    const image = Object.fromEntries(
      Object.entries(imageEnv).map(([k, v]) => [k, v.startsWith(volume) ? dataDir + v.slice(volume.length) : v]),
    );
    const service = Object.fromEntries(
      Object.entries(compose.services['voicemail-ingest'].environment ?? {}).map(([k, v]) => [
        k,
        interpolate(String(v), { POSTGRES_PASSWORD: 'unused' }),
      ]),
    );
    const ports = { http: await freePort(), metrics: await freePort(), submission: await freePort(), smtps: await freePort() };
    // Only what must differ on a shared host: its database and broker, free ports, its own consumer groups.
    const local = {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: brokers,
      KAFKA_GROUP_PREFIX: `parley-image-${process.pid}`,
      PARLEY_HTTP_PORT: String(ports.http),
      PARLEY_METRICS_PORT: String(ports.metrics),
      PARLEY_SMTP_SUBMISSION_PORT: String(ports.submission),
      PARLEY_SMTP_IMPLICIT_TLS_PORT: String(ports.smtps),
    };
    for (const key of Object.keys(local)) expect(envKeysOf('voicemail-ingest')).toContain(key);
    // The node binary where the image's user can run it (root's home is not readable to it).
    const node = path.join(layout, 'node');
    if (!existsSync(node)) {
      try {
        linkSync(process.execPath, node);
      } catch {
        copyFileSync(process.execPath, node);
      }
    }
    const child = spawn(node, ['--preserve-symlinks', compose.services['voicemail-ingest'].command[0]], {
      cwd: layout,
      env: { PATH: process.env['PATH'] ?? '', ...image, ...service, ...local },
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(asImageUser ? { uid, gid: gid ?? uid } : {}),
    });
    reaper.add({ processes: [{ pid: child.pid, cmdline: 'voicemail-ingest' }] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`voicemail-ingest exited with ${child.exitCode}:\n${stderr}`);
        return (await fetch(`http://127.0.0.1:${ports.http}${probePaths.readiness}`)).ok;
      },
      { timeoutMs: 90_000, what: 'voicemail-ingest to be ready' },
    );
    // The self-signed SMTP certificate went into the volume, the one place it may write.
    expect(readdirSync(path.join(dataDir, 'smtp-tls')).length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    await reaper.reapNow();
    await database.drop();
  }
}, 180_000);
