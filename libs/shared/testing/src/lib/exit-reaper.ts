import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/** A process the reaper stops: by pid, or by the pid on the first line of a pid file (read when it acts). */
export interface ReapProcess {
  pid?: number;
  /** e.g. PostgreSQL's `postmaster.pid`, the Kafka test broker's `broker.pid`. */
  pidFile?: string;
  /** Text the process's command line must contain, so that a pid reused by another process is never signalled. */
  cmdline: string;
  /** The polite signal (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). SIGKILL follows after the grace. */
  signal?: NodeJS.Signals;
  /** Signal its whole process group (a `detached` child such as `npm start`) and wait for all of it, not just the pid. */
  group?: boolean;
}

export interface ReapTargets {
  /** Stopped one after the other, in the order added: an app before the database it stops itself. */
  processes?: ReapProcess[];
  /** Removed recursively once every process is gone. */
  paths?: string[];
}

/**
 * Cleans up after a test process however it ends: the exit/signal hook of the e2e helpers.
 *
 * A hook inside the test process cannot do it: Jest gives every test file its own copy of
 * `process`, whose `exit` and `SIGINT` listeners never fire, `--forceExit` ends the process
 * without waiting for anything asynchronous, and nothing runs after a SIGKILL. So the hook is a
 * small detached Node process holding the read end of a pipe from the test process. When the
 * test process goes away — normally, by `--forceExit`, Ctrl+C, a signal or SIGKILL — the pipe
 * reaches end-of-file, and the reaper stops each registered process (its signal, SIGKILL after
 * the grace; the process group too if it leads one, as a detached PostgreSQL does) and removes
 * the registered paths. A helper that cleaned up itself calls `release()`; `reapNow()` runs the
 * same cleanup on purpose and waits for it.
 */
export class ExitReaper {
  private reaped?: Promise<void>;

  private constructor(private readonly child: ChildProcess) {}

  static start(targets: ReapTargets = {}, graceMs = 5_000): ExitReaper {
    // Own session: a terminal's Ctrl+C (or `timeout -s INT`, which signals its process group)
    // reaches the test process and its children, never the reaper.
    const child = spawn(process.execPath, ['-e', REAPER_SOURCE, String(graceMs)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.unref();
    const stdin = child.stdin as Socket;
    stdin.unref();
    stdin.on('error', () => undefined);
    const reaper = new ExitReaper(child);
    reaper.add(targets);
    return reaper;
  }

  /** More to clean up (e.g. a process once it is started). */
  add(targets: ReapTargets): void {
    if (this.reaped || (targets.processes?.length ?? 0) + (targets.paths?.length ?? 0) === 0) return;
    this.child.stdin?.write(`${JSON.stringify(targets)}\n`);
  }

  /** Cleans up now, as if the test process had exited, and resolves when it is done. */
  reapNow(): Promise<void> {
    return (this.reaped ??= new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.ref();
      this.child.stdin?.end();
    }));
  }

  /** The owner has cleaned up itself: the reaper goes away without touching anything. */
  release(): void {
    this.reaped ??= Promise.resolve();
    this.child.kill('SIGKILL');
  }
}

/**
 * The reaper itself (`node -e`, argv[1] = grace in ms). It reads JSON lines of ReapTargets from
 * stdin and acts on end-of-file. A pid counts as alive only while its /proc cmdline still
 * contains the expected text (no zombie, no reused pid); without procfs, `kill -0` decides.
 */
const REAPER_SOURCE = String.raw`
const fs = require('node:fs');
const grace = Number(process.argv[1]) || 5000;
const processes = [];
const paths = [];
let pending = '';
const procfs = fs.existsSync('/proc/self/cmdline');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM', 'SIGPIPE']) process.on(signal, () => undefined);

function pidOf(target) {
  if (target.pid) return target.pid;
  try {
    const pid = Number(fs.readFileSync(target.pidFile, 'utf8').split('\n')[0].trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}
function alive(pid, cmdline) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return false;
  }
  if (!procfs) return true;
  try {
    return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\0').join(' ').includes(cmdline);
  } catch {
    return false;
  }
}
function leadsGroup(pid) {
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pid;
  } catch {
    return false;
  }
}
function send(pid, signal, group) {
  try {
    process.kill(group ? -pid : pid, signal);
  } catch {}
}
// A group counts until its last living member is gone (a pgid is never reused while any member
// lives). With procfs, zombies do not count: orphans may wait a while for PID 1 to reap them.
function groupAlive(pgid) {
  if (!procfs) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (error) {
      return error.code === 'EPERM';
    }
  }
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync('/proc/' + entry + '/stat', 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {}
  }
  return false;
}
async function gone(pid, target, ms) {
  const running = () => (target.group === true ? groupAlive(pid) : alive(pid, target.cmdline));
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (!running()) return true;
  return !running();
}
async function stop(target) {
  const pid = pidOf(target);
  if (!pid || !alive(pid, target.cmdline)) return;
  const group = target.group === true || leadsGroup(pid);
  send(pid, target.signal || 'SIGTERM', target.group === true);
  if (await gone(pid, target, grace)) return;
  send(pid, 'SIGKILL', group);
  await gone(pid, target, 5000);
}
async function reap() {
  for (const target of processes) await stop(target).catch(() => undefined);
  for (const path of paths) {
    try {
      fs.rmSync(path, { recursive: true, force: true, maxRetries: 5 });
    } catch {}
  }
}
function read(chunk) {
  pending += chunk;
  for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    try {
      const targets = JSON.parse(line);
      processes.push(...(targets.processes || []));
      paths.push(...(targets.paths || []));
    } catch {}
  }
}
let reaping = false;
const finish = () => {
  if (reaping) return;
  reaping = true;
  reap().finally(() => process.exit(0));
};
process.stdin.setEncoding('utf8');
process.stdin.on('data', read);
process.stdin.on('end', finish);
process.stdin.on('error', finish);
`;
