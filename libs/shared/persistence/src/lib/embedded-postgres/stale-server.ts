import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readlink, realpath, rm } from 'node:fs/promises';
import * as path from 'node:path';

interface ProcessInfo {
  running: boolean;
  argv: string[];
  /** Known only where /proc exposes it and we may read it. */
  cwd?: string;
}

export interface StopTimeouts {
  /** How long a fast shutdown (SIGINT) may take before SIGKILL. */
  graceMs: number;
  /** How long to wait for the process to vanish after SIGKILL. */
  killMs: number;
}

const DEFAULT_TIMEOUTS: StopTimeouts = { graceMs: 15_000, killMs: 5_000 };
const HAS_PROC = existsSync('/proc/self/stat');

/** Pid of the postmaster recorded in `<dataDir>/postmaster.pid`, if the file exists. */
export async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number.parseInt(text.split('\n', 1)[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * If the Node process that ran the server was SIGKILLed, its postgres child lives on and keeps
 * the data directory locked, so a new server would refuse to start. Stop that orphan cleanly:
 * SIGINT is PostgreSQL's "fast shutdown" (abort sessions, checkpoint, exit), SIGKILL only as a last
 * resort. A pid file whose pid is dead needs nothing: PostgreSQL overwrites it and runs recovery.
 */
export async function stopStaleServer(
  dataDir: string,
  log: (line: string) => void,
  timeouts: StopTimeouts = DEFAULT_TIMEOUTS,
): Promise<void> {
  const pid = await readPostmasterPid(dataDir);
  if (pid === undefined) return;
  const info = pid === process.pid ? { running: true, argv: [] } : await inspectProcess(pid);
  if (!info.running) {
    log(`postmaster.pid names pid ${pid}, which is gone; PostgreSQL will replace the file`);
    return;
  }
  if (!isPostgres(info)) {
    // After a reboot or container restart the pid may belong to anything, even to us.
    // PostgreSQL would then refuse to start ("lock file already exists"), so drop the lock.
    log(`postmaster.pid names pid ${pid}, now an unrelated process; removing the stale lock file`);
    await rm(path.join(dataDir, 'postmaster.pid'), { force: true });
    return;
  }
  if (!(await servesDataDir(info, dataDir))) {
    throw new Error(
      `postmaster.pid in ${dataDir} names pid ${pid}, a PostgreSQL process we cannot tie to this ` +
        `data directory; refusing to stop it. Stop it yourself if it is a leftover.`,
    );
  }
  log(`stopping orphaned PostgreSQL server (pid ${pid}) still holding ${dataDir}`);
  if (await signalAndWait(pid, 'SIGINT', timeouts.graceMs)) return;
  log(`PostgreSQL pid ${pid} ignored fast shutdown for ${timeouts.graceMs} ms; sending SIGKILL`);
  if (await signalAndWait(pid, 'SIGKILL', timeouts.killMs)) return;
  throw new Error(`PostgreSQL pid ${pid} did not exit after SIGKILL`);
}

function isPostgres(info: ProcessInfo): boolean {
  // Postmaster keeps its real argv; its children retitle themselves "postgres: …".
  return path.basename(info.argv[0] ?? '').startsWith('postgres');
}

async function servesDataDir(info: ProcessInfo, dataDir: string): Promise<boolean> {
  const candidates = new Set([path.resolve(dataDir), await realpath(dataDir)]);
  // The postmaster chdirs into its data directory; its -D argument is the fallback where the cwd is
  // not readable (no /proc, or another user's process without root).
  if (info.cwd !== undefined) return candidates.has(info.cwd);
  return info.argv.some((arg) => candidates.has(arg));
}

/** Sends `signal`, then polls until the process is gone (or a zombie) or `timeoutMs` passes. */
async function signalAndWait(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return true;
    if (code === 'EPERM') {
      throw new Error(`no permission to stop PostgreSQL pid ${pid} (started by another OS user?)`, { cause: err });
    }
    throw err;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await isProcessRunning(pid))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True while `pid` exists and is not a zombie. */
export async function isProcessRunning(pid: number): Promise<boolean> {
  return (await inspectProcess(pid)).running;
}

async function inspectProcess(pid: number): Promise<ProcessInfo> {
  return HAS_PROC ? inspectViaProc(pid) : inspectViaPs(pid);
}

async function inspectViaProc(pid: number): Promise<ProcessInfo> {
  let stat: string;
  let cmdline: string;
  try {
    [stat, cmdline] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/cmdline`, 'utf8')]);
  } catch {
    return { running: false, argv: [] };
  }
  // The orphan's new parent (often not a real init in containers) may never reap it: a zombie
  // still answers kill(pid, 0) but holds nothing, so treat Z/X as gone.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return { running: false, argv: [] };
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
  return { running: true, argv: cmdline.split('\0').filter(Boolean), cwd };
}

function inspectViaPs(pid: number): Promise<ProcessInfo> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'stat=', '-o', 'command=', '-p', String(pid)], (err, stdout) => {
      const match = /^\s*(\S+)\s+(.*)$/.exec(stdout.split('\n')[0] ?? '');
      if (err || !match || match[1].startsWith('Z')) {
        resolve({ running: false, argv: [] });
        return;
      }
      // ps joins argv with spaces; good enough to recognise postgres and its -D path.
      resolve({ running: true, argv: match[2].trim().split(/\s+/) });
    });
  });
}
