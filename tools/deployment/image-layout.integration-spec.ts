// The runtime image's layout without Docker: each service's bundle, package.json and only the
// production dependencies (what `npm ci --omit=dev` installs, per package-lock.json) in a fresh
// directory, started with node. The bundle must load every package it needs from there and stop at
// its configuration check, as it does in a container started without its settings.
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@parley/testing';
import { parse } from 'yaml';
import { bundlesInImage, keyValues, readDockerfile } from './dockerfile';
import { serviceNames } from './service-facts';

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
  services: Record<string, { command: string[] }>;
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
