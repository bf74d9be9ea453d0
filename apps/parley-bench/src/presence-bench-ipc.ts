// The messages between `bench presence` (the orchestrator) and its two kinds of child process:
// the server host (a bare `ws` server or Parley, with a heap probe) and the clients (every WebSocket
// connection, and the clock that times each change). Children are this same bundle, started with
// an internal subcommand and an IPC channel.
import { ChildProcess, spawn } from 'node:child_process';

/** Which server a run measures: the bare baseline, the embedded app, two presence-bridge replicas over Kafka. */
export type PresenceTarget = 'bare' | 'embedded' | 'kafka';

/** How the clients sign in to Parley: HMAC bearer tokens (no password hash per connection), user i is `addressOf(i)`. */
export interface ParleySignIn {
  tokenKey: string;
  /** Address of user i: `prefix` + i + `@` + `domain`. */
  prefix: string;
  domain: string;
}

export function benchUserAddress(signIn: Pick<ParleySignIn, 'prefix' | 'domain'>, i: number): string {
  return `${signIn.prefix}${i}@${signIn.domain}`;
}

/** What the orchestrator asks the server host. */
export type HostRequest = { type: 'heap' } | { type: 'stop' };

/** What the server host answers. */
export type HostReply =
  | { type: 'ready'; url: string }
  /** After forced full collections: what `process.memoryUsage()` says. */
  | { type: 'heap'; heapUsed: number; rss: number; external: number; arrayBuffers: number }
  | { type: 'failed'; message: string };

/** What the orchestrator asks the clients process. */
export type ClientsRequest =
  | {
      type: 'connect';
      target: PresenceTarget;
      /** Where connection 0 (the user who changes) connects. */
      userUrl: string;
      /** Where every other connection connects. */
      url: string;
      count: number;
      concurrency: number;
      signIn?: ParleySignIn;
    }
  | { type: 'watch'; watchers: number }
  | { type: 'changes'; changes: number; gapMs: number; timeoutMs: number }
  | { type: 'close' };

export type ClientsReply =
  | { type: 'connected'; count: number; ms: number }
  | { type: 'watching'; watchers: number }
  /**
   * Per change: ms from the trigger's send to the first and to the last watcher's receipt, and to
   * the server's answer to the trigger (none for the bare baseline); the update's size in bytes.
   */
  | { type: 'changes'; first: number[]; last: number[]; answered: number[]; updateBytes: number }
  | { type: 'closed' }
  | { type: 'failed'; message: string };

/**
 * A child of this bundle (`node main.js <subcommand> ...`) with an IPC channel, its soft open-file
 * limit raised to `openFiles` first (each WebSocket is a file descriptor; the hard limit bounds it).
 */
export function startChild(
  subcommand: string,
  args: string[],
  openFiles: number,
  opts: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  const script = process.argv[1];
  const command = [process.execPath, ...(opts.nodeArgs ?? []), script, subcommand, ...args];
  return spawn('/bin/sh', ['-c', `ulimit -n ${openFiles} && exec "$@"`, 'sh', ...command], {
    // Their output is diagnostics: stderr, so that stdout carries only the results.
    stdio: ['ignore', 2, 2, 'ipc'],
    env: { ...process.env, ...opts.env },
  });
}

/** Sends `request` and resolves with the next reply of the wanted type; rejects on `failed` or the child's exit. */
export function ask<R extends { type: string }>(
  child: ChildProcess,
  request: object | undefined,
  wanted: R['type'],
  timeoutMs: number,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${wanted}" from the child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: { type: string; message?: string }) => {
      if (message.type === 'failed') done(new Error(`child failed: ${message.message}`));
      else if (message.type === wanted) done(undefined, message as R);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`child exited (${signal ?? code}) before "${wanted}"`));
    const done = (error?: Error, reply?: R) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(reply as R);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    if (request) child.send(request);
  });
}

/** Reads the hard open-file limit this process may raise its children's soft limit to. */
export function hardOpenFileLimit(): Promise<number> {
  return new Promise((resolve, reject) => {
    const sh = spawn('/bin/sh', ['-c', 'ulimit -Hn'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    sh.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    sh.on('error', reject);
    sh.on('exit', () => {
      const text = out.trim();
      resolve(text === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(text));
    });
  });
}

/** Replies from a child to the orchestrator. */
export function reply(message: HostReply | ClientsReply): void {
  process.send?.(message);
}
