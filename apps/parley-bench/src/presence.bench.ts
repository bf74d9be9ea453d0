import { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { ask, ClientsReply, hardOpenFileLimit, HostReply, PresenceTarget, startChild } from './presence-bench-ipc';
import { format, formatTable, summarize } from './stats';

/**
 * `bench presence`: many WebSocket connections on one server, some of them watching one user whose
 * presence changes; the latency from the change to the last watcher's receipt, and the server's
 * heap per idle connection. Each run has two child processes: the server host (heap probed after
 * forced full GC) and every client socket (so their memory is not the server's).
 *
 * Runs, in one invocation so that the figures compare on the same machine state:
 * - `bare`: a plain `ws` server broadcasting one buffer of an update's size to the watchers.
 */
export interface PresenceBenchOptions {
  connections: number;
  watchers: number;
  changes: number;
  /** Pause between changes. */
  gapMs: number;
  /** Handshakes in flight while connecting. */
  connectConcurrency: number;
  targets: PresenceTarget[];
  /** The bare run's update size; default: a representative presence update. */
  payloadBytes?: number;
  log: (line: string) => void;
  out: (text: string) => void;
}

export const PRESENCE_TARGETS: readonly PresenceTarget[] = ['bare'];

const LABELS: Record<PresenceTarget, string> = { bare: 'bare ws broadcast' };
/** Heap per idle connection the issue allows. */
const TARGET_HEAP_PER_CONNECTION = 50 * 1024;
const KIB = 1024;

interface RunResult {
  target: PresenceTarget;
  connectMs: number;
  heapPerConnection: number;
  rssPerConnection: number;
  first: number[];
  last: number[];
  updateBytes: number;
}

export async function runPresenceBench(options: PresenceBenchOptions): Promise<void> {
  const { connections, watchers, log } = options;
  if (watchers >= connections) throw new Error('--watchers must be fewer than --connections (connection 0 is the user who changes)');
  // Each process holds one descriptor per socket, plus its own files, pipes and database connections.
  const openFiles = connections + 1024;
  const hard = await hardOpenFileLimit();
  if (hard < openFiles)
    throw new Error(
      `${connections} connections need an open-file limit of at least ${openFiles}; the hard limit here is ${hard} (raise it: ulimit -Hn, limits.conf, or the container's nofile)`,
    );

  const results: RunResult[] = [];
  for (const target of options.targets) {
    log(`${LABELS[target]}: starting`);
    results.push(await measure(target, options, openFiles));
  }

  const bare = results.find((r) => r.target === 'bare');
  const bareP99 = bare ? summarize(bare.last).p99 : NaN;
  const rows = results.map((r) => {
    const first = summarize(r.first);
    const last = summarize(r.last);
    return [
      LABELS[r.target],
      format.count(connections),
      format.count(watchers),
      format.count(r.last.length),
      format.count(r.updateBytes),
      format.ms(first.p50),
      format.ms(last.p50),
      format.ms(last.p99),
      format.ms(last.max),
      bare && r !== bare ? `${(last.p99 / bareP99).toFixed(2)}x` : '–',
      (r.heapPerConnection / KIB).toFixed(1),
      (r.rssPerConnection / KIB).toFixed(1),
      format.count(connections / (r.connectMs / 1000)),
    ];
  });
  const lines = [
    `presence fan-out: ${format.count(connections)} WebSocket connections, ${format.count(watchers)} watching one user who changes ${options.changes} times (${options.gapMs} ms apart)`,
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}`,
    '',
    formatTable(
      [
        'run',
        'connections',
        'watchers',
        'changes',
        'update B',
        'first p50 ms',
        'last p50 ms',
        'last p99 ms',
        'max ms',
        'p99 vs bare',
        'heap KiB/conn',
        'rss KiB/conn',
        'connects/s',
      ],
      rows,
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    'first / last: from the change sent on the user’s connection to the first / last watcher’s receipt of its update.',
    'heap KiB/conn: (server heap after the idle connections − before) / connections, both after forced full GC; rss likewise (includes socket buffers).',
  ];
  for (const r of results) {
    lines.push(
      `target: ${LABELS[r.target]} heap per idle connection < ${TARGET_HEAP_PER_CONNECTION / KIB} KiB: ${(r.heapPerConnection / KIB).toFixed(1)} KiB — ${r.heapPerConnection < TARGET_HEAP_PER_CONNECTION ? 'met' : 'MISSED'}`,
    );
  }
  options.out(lines.join('\n'));
}

async function measure(target: PresenceTarget, options: PresenceBenchOptions, openFiles: number): Promise<RunResult> {
  const hostArgs = ['--target', target, ...(options.payloadBytes ? ['--payload-bytes', String(options.payloadBytes)] : [])];
  const host = startChild('presence-host', hostArgs, openFiles, ['--expose-gc']);
  let clients: ChildProcess | undefined;
  try {
    const { url } = await ask<Extract<HostReply, { type: 'ready' }>>(host, undefined, 'ready', 180_000);
    clients = startChild('presence-clients', [], openFiles);
    type Heap = Extract<HostReply, { type: 'heap' }>;
    const before = await ask<Heap>(host, { type: 'heap' }, 'heap', 60_000);
    const connected = await ask<Extract<ClientsReply, { type: 'connected' }>>(
      clients,
      { type: 'connect', target, url, count: options.connections, concurrency: options.connectConcurrency },
      'connected',
      900_000,
    );
    options.log(`${LABELS[target]}: ${connected.count} connections in ${(connected.ms / 1000).toFixed(1)} s`);
    // Let handshakes' leftovers (timers, buffers) settle before the idle figure.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const after = await ask<Heap>(host, { type: 'heap' }, 'heap', 60_000);
    await ask(clients, { type: 'watch', watchers: options.watchers }, 'watching', 300_000);
    options.log(`${LABELS[target]}: ${options.watchers} watching; ${options.changes} changes`);
    const changes = await ask<Extract<ClientsReply, { type: 'changes' }>>(
      clients,
      { type: 'changes', changes: options.changes, gapMs: options.gapMs, timeoutMs: 30_000 },
      'changes',
      options.changes * (30_000 + options.gapMs),
    );
    return {
      target,
      connectMs: connected.ms,
      heapPerConnection: (after.heapUsed - before.heapUsed) / options.connections,
      rssPerConnection: (after.rss - before.rss) / options.connections,
      first: changes.first,
      last: changes.last,
      updateBytes: changes.updateBytes,
    };
  } finally {
    await Promise.all([clients && finish(clients, { type: 'close' }), finish(host, { type: 'stop' })]);
  }
}

/** Asks a child to end, and kills it if it has not within 30 s. */
async function finish(child: ChildProcess, request: object): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send(request);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
