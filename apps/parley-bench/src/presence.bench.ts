import { createTestDatabase, DedicatedKafkaBroker, freePort, RunningProcess, startProcess, waitForHttpOk } from '@parley/testing';
import { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ask, ClientsReply, hardOpenFileLimit, HostReply, ParleySignIn, PresenceTarget, startChild } from './presence-bench-ipc';
import { createEmbeddedDataDir } from './embedded-data-dir';
import { format, formatTable, summarize } from './stats';

/**
 * `bench presence`: many WebSocket connections on one server, some of them watching one user whose
 * presence changes; the latency from the change to the last watcher's receipt, and the server's
 * heap per idle connection. Each run has two child processes: the server host (heap probed after
 * forced full GC) and every client socket (so their memory is not the server's).
 *
 * Runs, in one invocation so that the figures compare on the same machine state:
 * - `bare`: a plain `ws` server broadcasting one buffer of an update's size to the watchers;
 * - `embedded`: the embedded app (`dist/apps/parley/main.js`, its own PostgreSQL, in-process bus),
 *   every connection a directory user signed in with a bearer token, user 0 changing state;
 * - `kafka`: two presence-bridge replicas over Kafka and PostgreSQL, user 0 on replica B, every
 *   other connection on replica A (the measured one).
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
  repoRoot: string;
  /** An existing Kafka cluster for the `kafka` run; without it a dedicated test broker is started. */
  kafkaBrokers?: string;
  /** The bare run's update size; default: a Parley run's (when one ran first), else the representative update's. */
  payloadBytes?: number;
  log: (line: string) => void;
  out: (text: string) => void;
}

export const PRESENCE_TARGETS: readonly PresenceTarget[] = ['bare', 'embedded', 'kafka'];

const LABELS: Record<PresenceTarget, string> = {
  bare: 'bare ws broadcast',
  embedded: 'Parley embedded',
  kafka: 'Parley, 2 replicas over Kafka',
};
/** The p99 the issue asks of the Kafka run. */
const TARGET_KAFKA_P99_MS = 100;
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
  /** To the server's answer to the change (Parley: `settings`, i.e. stored); empty for the bare run. */
  answered: number[];
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
  // Parley first: the bare run then sends updates of the size Parley's really were.
  const order = [...options.targets.filter((t) => t !== 'bare'), ...options.targets.filter((t) => t === 'bare')];
  for (const target of order) {
    log(`${LABELS[target]}: starting`);
    const payloadBytes = options.payloadBytes ?? results[0]?.updateBytes;
    results.push(await measure(target, { ...options, payloadBytes }, openFiles));
  }

  const bare = results.find((r) => r.target === 'bare');
  const bareP99 = bare ? summarize(bare.last).p99 : NaN;
  const rows = results.map((r) => {
    const first = summarize(r.first);
    const last = summarize(r.last);
    const answered = summarize(r.answered);
    return [
      LABELS[r.target],
      format.count(connections),
      format.count(watchers),
      format.count(r.last.length),
      format.count(r.updateBytes),
      format.ms(answered.p50),
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
        'answer p50 ms',
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
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    'answer / first / last: from the change sent on the user’s connection to the server’s answer (Parley: `settings`, the change stored), to the first / last watcher’s receipt of its update.',
    'heap KiB/conn: (server heap after the idle connections − before) / connections, both after forced full GC; rss likewise (includes socket buffers).',
  ];
  const embedded = results.find((r) => r.target === 'embedded');
  if (embedded && bare) {
    const p99 = summarize(embedded.last).p99;
    lines.push(
      `target: Parley embedded p99 within 2x of the bare broadcast: ${(p99 / bareP99).toFixed(2)}x — ${p99 <= 2 * bareP99 ? 'met' : 'MISSED'}`,
    );
  }
  const kafka = results.find((r) => r.target === 'kafka');
  if (kafka) {
    const p99 = summarize(kafka.last).p99;
    lines.push(
      `target: Parley over Kafka p99 < ${TARGET_KAFKA_P99_MS} ms: ${format.ms(p99)} ms — ${p99 < TARGET_KAFKA_P99_MS ? 'met' : 'MISSED'}`,
    );
  }
  for (const r of results) {
    lines.push(
      `target: ${LABELS[r.target]} heap per idle connection < ${TARGET_HEAP_PER_CONNECTION / KIB} KiB: ${(r.heapPerConnection / KIB).toFixed(1)} KiB — ${r.heapPerConnection < TARGET_HEAP_PER_CONNECTION ? 'met' : 'MISSED'}`,
    );
  }
  options.out(lines.join('\n'));
}

async function measure(target: PresenceTarget, options: PresenceBenchOptions, openFiles: number): Promise<RunResult> {
  const server = await startServer(target, options, openFiles);
  const host = server.host;
  let clients: ChildProcess | undefined;
  try {
    clients = startChild('presence-clients', [], openFiles);
    type Heap = Extract<HostReply, { type: 'heap' }>;
    const before = await ask<Heap>(host, { type: 'heap' }, 'heap', 60_000);
    const connected = await ask<Extract<ClientsReply, { type: 'connected' }>>(
      clients,
      {
        type: 'connect',
        target,
        userUrl: server.userUrl,
        url: server.url,
        count: options.connections,
        concurrency: options.connectConcurrency,
        signIn: server.signIn,
      },
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
      answered: changes.answered,
      updateBytes: changes.updateBytes,
    };
  } finally {
    if (clients) await finish(clients, { type: 'close' });
    await server.stop();
  }
}

/** A run's server: `host` is the process whose heap is measured (the one the watchers are on). */
interface Server {
  host: ChildProcess;
  /** Where user 0 connects. */
  userUrl: string;
  /** Where every other connection connects. */
  url: string;
  signIn?: ParleySignIn;
  stop(): Promise<void>;
}

/** Parley's bench users: `bench-0@presence.bench` …, one per connection. */
function benchSignIn(): ParleySignIn {
  return { tokenKey: randomBytes(32).toString('base64url'), prefix: 'bench-', domain: 'presence.bench' };
}

async function startServer(target: PresenceTarget, options: PresenceBenchOptions, openFiles: number): Promise<Server> {
  // Quiet: one log line per connection or change would be measured too. Every WebSocket is one of
  // the HTTP server's connections (PARLEY_HTTP_MAX_CONNECTIONS, default 4,096): raised to what the run
  // opens, as an operator running this many sockets per process must (within the open-file limit).
  const quiet = {
    PARLEY_LOG_LEVEL: 'warn',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    PARLEY_METRICS_PORT: '0',
    // No load balancer in front: the readiness delay before a stop would only slow the teardown.
    PARLEY_SHUTDOWN_DELAY_MS: '0',
    PARLEY_HTTP_MAX_CONNECTIONS: String(options.connections + 100),
    // No mail nor SIP in this bench: the SMTP listeners and SIP over TCP stay off (port 0).
    PARLEY_SMTP_SUBMISSION_PORT: '0',
    PARLEY_SMTP_IMPLICIT_TLS_PORT: '0',
    PARLEY_SMTP_RELAY_PORT: '0',
    PARLEY_SIP_TCP_PORT: '0',
  };
  const undo: Array<() => Promise<unknown> | unknown> = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse())
      await Promise.resolve(step()).catch((error: unknown) => options.log(`clean-up failed: ${String(error)}`));
  };
  const startHost = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const host = startChild('presence-host', ['--target', target, ...args], openFiles, {
      nodeArgs: ['--expose-gc'],
      env: { ...quiet, ...env },
    });
    undo.push(() => finish(host, { type: 'stop' }));
    const { url } = await ask<Extract<HostReply, { type: 'ready' }>>(host, undefined, 'ready', 240_000);
    return { host, url };
  };
  try {
    if (target === 'bare') {
      const { host, url } = await startHost(options.payloadBytes ? ['--payload-bytes', String(options.payloadBytes)] : []);
      return { host, userUrl: url, url, stop };
    }
    const signIn = benchSignIn();
    if (target === 'embedded') {
      const data = await createEmbeddedDataDir('parley-bench-presence-');
      const dataDir = data.path;
      undo.push(() => data.remove());
      const port = await freePort();
      const pgPort = await freePort();
      const { host, url } = await startHost(['--app', bundle(options.repoRoot, 'parley'), '--port', String(port)], {
        PARLEY_DATA_DIR: dataDir,
        PARLEY_HTTP_PORT: String(port),
        PARLEY_EMBEDDED_PG_PORT: String(pgPort),
        DATABASE_URL: '',
        PARLEY_DEMO_USERS: 'false',
        PARLEY_AUTH_TOKEN_KEY: signIn.tokenKey,
      });
      const credentials = JSON.parse(readFileSync(path.join(dataDir, 'postgres.credentials.json'), 'utf8')) as {
        user: string;
        password: string;
      };
      await seedUsers(
        `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${pgPort}/parley`,
        signIn,
        options.connections,
      );
      return { host, userUrl: url, url, signIn, stop };
    }

    // Two presence-bridge replicas over Kafka.
    let brokers = options.kafkaBrokers;
    if (!brokers) {
      options.log('starting a dedicated Kafka test broker (scripts/kafka-test-broker.sh)');
      const broker = await DedicatedKafkaBroker.start(options.repoRoot);
      undo.push(() => broker.stop());
      brokers = broker.brokers;
    }
    const db = await createTestDatabase('parley_bench_presence');
    undo.push(() => db.drop());
    const run = randomUUID().slice(0, 8);
    const env: NodeJS.ProcessEnv = {
      ...quiet,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers,
      PARLEY_BUS: 'kafka',
      KAFKA_GROUP_PREFIX: `bench-presence-${run}`,
      PARLEY_AUTH_TOKEN_KEY: signIn.tokenKey,
    };
    const replica = bundle(options.repoRoot, 'presence-bridge');
    const migrate = startProcess('node', [replica, 'migrate'], env);
    if ((await migrate.exited) !== 0) throw new Error(`presence-bridge migrate failed:\n${migrate.output()}`);
    await seedUsers(db.url, signIn, options.connections);
    const portA = await freePort();
    const { host, url } = await startHost(['--app', replica, '--port', String(portA)], {
      ...env,
      PARLEY_HTTP_PORT: String(portA),
      PARLEY_INSTANCE_ID: `presence-bridge-a-${run}`,
    });
    const portB = await freePort();
    const b: RunningProcess = startProcess('node', [replica], {
      ...env,
      PARLEY_HTTP_PORT: String(portB),
      PARLEY_INSTANCE_ID: `presence-bridge-b-${run}`,
    });
    undo.push(() => b.stop());
    await waitForHttpOk(`http://127.0.0.1:${portB}/readyz`, b, 120_000);
    return { host, userUrl: `ws://127.0.0.1:${portB}/presence`, url, signIn, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The run's users, straight into the directory table (no password: they sign in with tokens). */
async function seedUsers(databaseUrl: string, signIn: ParleySignIn, count: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO directory.mailbox_user (smtp_address, display_name)
       SELECT $1 || i || '@' || $2, 'Bench user ' || i FROM generate_series(0, $3::int - 1) AS i`,
      [signIn.prefix, signIn.domain, count],
    );
  } finally {
    await client.end();
  }
}

function bundle(repoRoot: string, app: string): string {
  const file = path.join(repoRoot, 'dist', 'apps', app, 'main.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the apps first (npm run bench:presence does)`);
  return file;
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
