import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ts from 'typescript';
import { ExitReaper } from './exit-reaper';
import { waitFor } from './wait-for';

/** A Node process that runs until killed; `stubborn` ignores SIGTERM. Its command line carries `marker`. */
function victim(marker: string, stubborn = false): ChildProcess {
  const script = `${stubborn ? "process.on('SIGTERM', () => undefined);" : ''} setInterval(() => undefined, 1000);`;
  return spawn(process.execPath, ['-e', script, marker], { stdio: 'ignore' });
}
const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
const exited = (child: ChildProcess) => new Promise<void>((resolve) => (running(child) ? child.once('exit', () => resolve()) : resolve()));

describe('ExitReaper', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  const spawnVictim = (marker: string, stubborn = false) => {
    const child = victim(marker, stubborn);
    children.push(child);
    return child;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-reaper-spec-'));
    writeFileSync(path.join(dir, 'data'), 'x');
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops what it guards and removes its paths when the process that started it is SIGKILLed', async () => {
    const marker = `reaper-victim-${randomUUID()}`;
    const polite = spawnVictim(`${marker}-polite`);
    const stubborn = spawnVictim(`${marker}-stubborn`, true);
    writeFileSync(path.join(dir, 'stubborn.pid'), `${stubborn.pid}\n`);

    // A test process of its own that registers the targets, then dies without any chance to clean up.
    const source = ts.transpileModule(readFileSync(path.join(__dirname, 'exit-reaper.ts'), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(path.join(dir, 'exit-reaper.js'), source.outputText);
    const targets = {
      processes: [
        { pid: polite.pid, cmdline: `${marker}-polite` },
        { pidFile: path.join(dir, 'stubborn.pid'), cmdline: `${marker}-stubborn` },
      ],
      paths: [dir],
    };
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(path.join(dir, 'exit-reaper.js'))}).ExitReaper.start(${JSON.stringify(targets)}, 300); setTimeout(() => process.kill(process.pid, 'SIGKILL'), 300);`,
      ],
      { stdio: 'ignore' },
    );
    await exited(parent);
    expect(parent.signalCode).toBe('SIGKILL');

    await Promise.all([exited(polite), exited(stubborn)]);
    expect(polite.signalCode).toBe('SIGTERM');
    expect(stubborn.signalCode).toBe('SIGKILL');
    await waitFor(() => !existsSync(dir), { timeoutMs: 10_000, what: 'the guarded directory to be removed' });
  }, 20_000);

  it('cleans up on reapNow() and resolves once done', async () => {
    const marker = `reaper-victim-${randomUUID()}`;
    const child = spawnVictim(marker);
    const reaper = ExitReaper.start({ paths: [dir] }, 300);
    reaper.add({ processes: [{ pid: child.pid, cmdline: marker }] });
    await reaper.reapNow();
    expect(existsSync(dir)).toBe(false);
    await exited(child);
    expect(child.signalCode).toBe('SIGTERM');
  });

  it('signals a whole process group and waits for its last member', async () => {
    const marker = `reaper-victim-${randomUUID()}`;
    // A group leader (like `npm start`) whose child (like the app) outlives it by a moment.
    const memberFile = path.join(dir, 'member.pid');
    const member = `process.on('SIGTERM', () => setTimeout(() => process.exit(0), 300)); setInterval(() => undefined, 1000);`;
    const leaderScript = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(member)}], { stdio: 'ignore' }); require('node:fs').writeFileSync(${JSON.stringify(memberFile)}, String(c.pid)); setInterval(() => undefined, 1000);`;
    const leader = spawn(process.execPath, ['-e', leaderScript, marker], { stdio: 'ignore', detached: true });
    children.push(leader);
    const memberPid = await waitFor(() => (existsSync(memberFile) ? Number(readFileSync(memberFile, 'utf8')) : 0), {
      what: 'the group member',
    });
    await ExitReaper.start({ processes: [{ pid: leader.pid, cmdline: marker, group: true }] }, 3_000).reapNow();
    // Gone, or a zombie waiting for PID 1 to reap it.
    const state = (() => {
      try {
        const stat = readFileSync(`/proc/${memberPid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2)[0];
      } catch {
        return 'gone';
      }
    })();
    expect(['gone', 'Z']).toContain(state);
    await exited(leader);
  });

  it('never signals a pid whose command line is not the expected one', async () => {
    const child = spawnVictim(`reaper-victim-${randomUUID()}`);
    await ExitReaper.start({ processes: [{ pid: child.pid, cmdline: 'some-other-program' }] }, 300).reapNow();
    expect(running(child)).toBe(true);
  });

  it('touches nothing once released', async () => {
    const marker = `reaper-victim-${randomUUID()}`;
    const child = spawnVictim(marker);
    const reaper = ExitReaper.start({ processes: [{ pid: child.pid, cmdline: marker }], paths: [dir] }, 300);
    reaper.release();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(running(child)).toBe(true);
    expect(existsSync(path.join(dir, 'data'))).toBe(true);
  });
});
