import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from './wait-for';

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A port nobody listens on, outside the OS's ephemeral range, for a server that is down for a while
 * and must come back on the same port: a port from `freePort` may meanwhile become the local end of
 * some client connection, and the server could not listen on it again.
 */
export async function portOutsideEphemeralRange(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 20000–31999');
}

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** SIGTERM and wait for exit (SIGKILL after `graceMs`). Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts `node <script> ...args` (or any command) with `env`, capturing its output for diagnosis. */
export function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { cwd?: string; detached?: boolean } = {},
): RunningProcess {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const signal = (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (opts.detached && child.pid) process.kill(-child.pid, sig);
    else child.kill(sig);
  };
  return {
    child,
    output: () => output,
    exited,
    async stop(graceMs = 15_000) {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      signal('SIGKILL');
      await exited;
    },
  };
}

/** Waits until `GET url` answers 200; fails at once, with the output, if the process exits first. */
export async function waitForHttpOk(url: string, proc?: RunningProcess, timeoutMs = 60_000): Promise<void> {
  const answered = waitFor(async () => (await fetch(url).catch(() => undefined))?.status === 200, {
    timeoutMs,
    intervalMs: 100,
    what: `${url} to answer 200`,
  });
  const died = proc?.exited.then((code) => {
    throw new Error(`process exited (code ${code}) before ${url} answered`);
  });
  try {
    await Promise.race(died ? [answered, died] : [answered]);
  } catch (error) {
    throw new Error(`${String(error)}\n--- process output ---\n${proc?.output().slice(-4000) ?? ''}`, { cause: error });
  } finally {
    died?.catch(() => undefined);
  }
}
