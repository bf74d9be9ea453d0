import { spawn, SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo';

// scripts/node-runtime.mjs fronts every npm script and CI. Run by whatever Node runs this test: on
// an older one it fetches the pinned release into the cache (the first time), on Node 24 it reuses it.
const runner = path.join(repoRoot, 'scripts', 'node-runtime.mjs');
const pinned = readFileSync(path.join(repoRoot, '.node-version'), 'utf8').trim();

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runRuntime(
  args: string[],
  onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void,
  opts: SpawnOptions = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, (signal) => child.kill(signal));
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

describe('the Node runtime of the npm scripts (scripts/node-runtime.mjs)', () => {
  it("runs the command on the .node-version release line, that Node first on PATH and named by npm's variables", async () => {
    const probe =
      'console.log(JSON.stringify({ version: process.version, exec: process.execPath, firstOnPath: process.env.PATH.split(require("path").delimiter)[0], NODE: process.env.NODE, npm: process.env.npm_node_execpath }))';
    const run = await runRuntime(['node', '-e', probe]);
    expect(run.status).toBe(0);
    const seen = JSON.parse(run.stdout) as { version: string; exec: string; firstOnPath: string; NODE: string; npm: string };
    expect(seen.version.split('.')[0]).toBe(`v${pinned.split('.')[0]}`);
    expect(seen.firstOnPath).toBe(path.dirname(seen.exec));
    expect(seen.NODE).toBe(seen.exec);
    expect(seen.npm).toBe(seen.exec);

    const binDir = await runRuntime(['--bin-dir']);
    expect(binDir.status).toBe(0);
    expect(binDir.stdout).toBe(`${path.dirname(seen.exec)}\n`);
  });

  it("passes the command's exit status through, and says so when the command does not exist", async () => {
    expect((await runRuntime(['node', '-e', 'process.exit(7)'])).status).toBe(7);

    const missing = await runRuntime(['parley-no-such-command']);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('cannot run parley-no-such-command');

    const usage = await runRuntime([]);
    expect(usage.status).toBe(1);
    expect(usage.stderr).toContain('usage:');
  });

  it('forwards SIGTERM to the command (a server shuts down cleanly) and dies of the signal that killed the command', async () => {
    const server =
      'process.on("SIGTERM", () => { console.log("closing"); process.exit(0); }); console.log("ready"); setInterval(() => undefined, 1000);';
    let sent = false;
    const stopped = await runRuntime(['node', '-e', server], (text, kill) => {
      if (!sent && text.includes('ready')) {
        sent = true;
        kill('SIGTERM');
      }
    });
    expect(stopped.stdout).toBe('ready\nclosing\n');
    expect(stopped.status).toBe(0);

    const killed = await runRuntime(['node', '-e', 'process.kill(process.pid, "SIGTERM"); setTimeout(() => undefined, 5000);']);
    expect(killed.signal).toBe('SIGTERM');
  });
});
