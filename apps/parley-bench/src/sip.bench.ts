import { hashPassword, DIGEST_HA1_ALGORITHMS, digestHa1 } from '@parley/directory';
import { freePort, type RunningProcess, startProcess, waitForHttpOk } from '@parley/testing';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ask, hardOpenFileLimit, startChild } from './presence-bench-ipc';
import type { PhaseRefusal, SipBenchTarget, SipClientsReply, ThroughputResult } from './sip-bench-ipc';
import { processTreeCpuSeconds } from './process-tree-cpu';
import { acceptsTcp, startKamailio } from './sip-kamailio';
import { createEmbeddedDataDir } from './embedded-data-dir';
import { format, formatTable, summarize } from './stats';

/**
 * `bench sip`: Parley's SIP front over TCP beside Kamailio, in one invocation so that the figures
 * compare on the same machine state. Per run, in a clients process of its own:
 * 1. REGISTER throughput: `connections` users, each repeating a registration (REGISTER → 401 →
 *    REGISTER with an MD5 digest → 200) on its own connection for the measured window;
 * 2. SUBSCRIBE throughput: the same users, each repeating a subscription's life (SUBSCRIBE → 401 →
 *    SUBSCRIBE with digest → 2xx + the first NOTIFY answered 200 → SUBSCRIBE Expires: 0 with the
 *    nonce answered again → 2xx + the final NOTIFY answered);
 * 3. fan-out: `watchers` users subscribed to user 0's presence, and user 0 PUBLISHing `changes`
 *    changes `gapMs` apart: from sending each PUBLISH to the first and the last NOTIFY carrying it.
 *
 * Runs: `embedded` (the built embedded app, `dist/apps/parley/main.js`, its own PostgreSQL) and
 * `kamailio` (Debian's Kamailio with presence + presence_xml, users in a throwaway database on the
 * PostgreSQL of PARLEY_TEST_DATABASE_URL). Both have the same domain, users and password.
 */
export interface SipBenchOptions {
  connections: number;
  watchers: number;
  changes: number;
  gapMs: number;
  seconds: number;
  warmUpSeconds: number;
  /** Most requests per second a client connection sends (Parley's per-connection budget, PARLEY_SIP_MAX_REQUESTS_PER_SECOND). */
  requestsPerSecond: number;
  kamailioWorkers: number;
  runs: SipRun[];
  repoRoot: string;
  log: (line: string) => void;
  out: (text: string) => void;
}

export type SipRun = 'embedded' | 'kamailio';
export const SIP_RUNS: readonly SipRun[] = ['embedded', 'kamailio'];

/** The bench's users: `bench-0@bench.parley.test` …, all with one password (the digest realm is the domain on both servers). */
const DOMAIN = 'bench.parley.test';
const PREFIX = 'bench-';
const PASSWORD = 'bench-sip-password';
/** Parley's default per-connection request budget (docs/sip.md, "Limits"): both servers get the same client. */
export const DEFAULT_REQUESTS_PER_SECOND = 20;
/** Target of issue 17: Parley's p99 no worse than Kamailio's, at least half its transactions per second. */
const TARGET_TPS_RATIO = 0.5;

interface RunResult {
  run: SipRun;
  label: string;
  /** Why nothing was measured at all (e.g. the app serves no SIP over TCP). */
  unavailable?: string;
  register?: ThroughputResult;
  subscribe?: ThroughputResult;
  watching?: { watchers: number; ms: number; refusal?: PhaseRefusal };
  published?: { answered: number[]; first: number[]; last: number[]; notifyBytes: number; refusal?: PhaseRefusal };
  /** Server CPU seconds over the whole fan-out phase (every change and the gaps between them). */
  publishCpuSeconds?: number;
}

type Reply<T extends SipClientsReply['type']> = Extract<SipClientsReply, { type: T }>;

export async function runSipBench(options: SipBenchOptions): Promise<void> {
  const users = Math.max(options.watchers, options.connections) + 1;
  const openFiles = users * 2 + 1024;
  const hard = await hardOpenFileLimit();
  if (hard < openFiles)
    throw new Error(
      `${users} SIP connections need an open-file limit of at least ${openFiles}; the hard limit here is ${hard} (raise it: ulimit -Hn, limits.conf, or the container's nofile)`,
    );
  const results: RunResult[] = [];
  for (const run of options.runs) results.push(await measure(run, options, users, openFiles));
  options.out(report(results, options));
}

async function measure(run: SipRun, options: SipBenchOptions, users: number, openFiles: number): Promise<RunResult> {
  const { log } = options;
  const port = await freePort();
  let label = run === 'embedded' ? 'Parley embedded' : 'Kamailio';
  log(`${label}: starting (${users} users)`);
  let stop: () => Promise<void>;
  let serverPid: number;
  let serverDatabase: string | undefined;
  if (run === 'kamailio') {
    const kamailio = await startKamailio({
      port,
      domain: DOMAIN,
      realm: DOMAIN,
      prefix: PREFIX,
      users,
      password: PASSWORD,
      workers: options.kamailioWorkers,
      openFiles,
      log,
    });
    label = `${kamailio.version} (${options.kamailioWorkers} TCP workers)`;
    stop = kamailio.stop;
    serverPid = kamailio.pid;
    // Its users are in the machine's PostgreSQL, not a child of Kamailio: count the backends serving that database.
    serverDatabase = kamailio.database;
  } else {
    const parley = await startParley(options, port, users, openFiles);
    stop = parley.stop;
    serverPid = parley.pid;
    if (!parley.servesSip) {
      await stop();
      return { run, label, unavailable: `the embedded app serves no SIP over TCP on PARLEY_SIP_TCP_PORT (not wired into the app yet?)` };
    }
  }
  const target: SipBenchTarget = {
    host: '127.0.0.1',
    port,
    prefix: PREFIX,
    domain: DOMAIN,
    password: PASSWORD,
    requestsPerSecond: options.requestsPerSecond,
  };
  const result: RunResult = { run, label };
  let clients: ChildProcess | undefined;
  try {
    clients = startChild('sip-clients', [], openFiles);
    // The server's CPU inside each measured window: its cost per transaction, whatever else the machine runs.
    let windowCpu = NaN;
    clients.on('message', (message: SipClientsReply) => {
      if (message.type !== 'window') return;
      const now = processTreeCpuSeconds(serverPid, serverDatabase);
      windowCpu = message.edge === 'start' ? now : now - windowCpu;
    });
    const phaseTimeout = (options.warmUpSeconds + options.seconds) * 1000 + 120_000;
    for (const type of ['register', 'subscribe'] as const) {
      log(
        `${label}: ${type.toUpperCase()} throughput, ${options.connections} connections, ${options.warmUpSeconds} + ${options.seconds} s`,
      );
      const throughput = await ask<Reply<'throughput'>>(
        clients,
        { type, target, connections: options.connections, warmUpSeconds: options.warmUpSeconds, seconds: options.seconds },
        'throughput',
        phaseTimeout,
      );
      result[type] = { ...throughput, serverCpuSeconds: windowCpu };
      log(`${label}: ${type.toUpperCase()} ${describeThroughput(throughput)}`);
    }
    log(`${label}: ${options.watchers} watchers subscribing to ${PREFIX}0@${DOMAIN}`);
    result.watching = await ask<Reply<'watching'>>(clients, { type: 'watch', target, watchers: options.watchers }, 'watching', 600_000);
    if (result.watching.refusal) {
      log(`${label}: watchers refused: ${describeRefusal(result.watching.refusal)}`);
    } else {
      log(`${label}: ${result.watching.watchers} watching after ${(result.watching.ms / 1000).toFixed(1)} s; ${options.changes} PUBLISHes`);
      const cpuBefore = processTreeCpuSeconds(serverPid, serverDatabase);
      result.published = await ask<Reply<'published'>>(
        clients,
        { type: 'publish', changes: options.changes, gapMs: options.gapMs, timeoutMs: 30_000 },
        'published',
        options.changes * (30_000 + options.gapMs) + 60_000,
      );
      result.publishCpuSeconds = processTreeCpuSeconds(serverPid, serverDatabase) - cpuBefore;
      if (result.published.refusal) log(`${label}: PUBLISH refused: ${describeRefusal(result.published.refusal)}`);
    }
    return result;
  } finally {
    if (clients) await finish(clients);
    await stop();
  }
}

/** The embedded app with SIP over TCP on `sipPort`, and the bench's users in its directory. */
async function startParley(
  options: SipBenchOptions,
  sipPort: number,
  users: number,
  openFiles: number,
): Promise<{ pid: number; servesSip: boolean; stop: () => Promise<void> }> {
  const bundle = path.join(options.repoRoot, 'dist', 'apps', 'parley', 'main.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: build the app first (npm run bench:sip does)`);
  const undo: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch((error: unknown) => options.log(`clean-up failed: ${String(error)}`));
  };
  try {
    const data = await createEmbeddedDataDir('parley-bench-sip-');
    const dataDir = data.path;
    undo.push(() => data.remove());
    const httpPort = await freePort();
    const pgPort = await freePort();
    const app: RunningProcess = startProcess('/bin/sh', ['-c', `ulimit -n ${openFiles} && exec "$@"`, 'sh', process.execPath, bundle], {
      // Quiet: a log line per request would be measured too.
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_METRICS_PORT: '0',
      PARLEY_SHUTDOWN_DELAY_MS: '0',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_HTTP_PORT: String(httpPort),
      PARLEY_EMBEDDED_PG_PORT: String(pgPort),
      DATABASE_URL: '',
      PARLEY_DEMO_USERS: 'false',
      PARLEY_AUTH_TOKEN_KEY: randomBytes(32).toString('base64url'),
      PARLEY_SIP_REALM: DOMAIN,
      PARLEY_SIP_TCP_HOST: '127.0.0.1',
      PARLEY_SIP_TCP_PORT: String(sipPort),
      // No mail in this bench: the SMTP listeners stay off (port 0).
      PARLEY_SMTP_SUBMISSION_PORT: '0',
      PARLEY_SMTP_IMPLICIT_TLS_PORT: '0',
      PARLEY_SMTP_RELAY_PORT: '0',
    });
    undo.push(() => app.stop(30_000));
    await waitForHttpOk(`http://127.0.0.1:${httpPort}/readyz`, app, 180_000);
    const credentials = JSON.parse(readFileSync(path.join(dataDir, 'postgres.credentials.json'), 'utf8')) as {
      user: string;
      password: string;
    };
    await seedParleyUsers(
      `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${pgPort}/parley`,
      users,
    );
    return { pid: app.child.pid as number, servesSip: await acceptsTcp(sipPort), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The run's users straight into the directory, as `parley-admin user add` would leave them: a
 * password hash (one scrypt hash of the shared password; SIP never reads it, but the HA1 lookup
 * answers only for users with a password) and the HA1s of that password for the realm, SHA-256 and
 * MD5, computed by the directory's own function.
 */
async function seedParleyUsers(databaseUrl: string, count: number): Promise<void> {
  const passwordHash = await hashPassword(PASSWORD);
  const addresses = Array.from({ length: count }, (_, i) => `${PREFIX}${i}@${DOMAIN}`);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string; smtp_address: string }>(
      `INSERT INTO directory.mailbox_user (smtp_address, display_name, sip_uri, password_hash)
       SELECT a, 'Bench user ' || a, 'sip:' || a, $2 FROM unnest($1::text[]) AS a
       RETURNING id, smtp_address`,
      [addresses, passwordHash],
    );
    const ids: string[] = [];
    const algorithms: string[] = [];
    const ha1s: Buffer[] = [];
    for (const { id, smtp_address } of rows)
      for (const algorithm of DIGEST_HA1_ALGORITHMS) {
        ids.push(id);
        algorithms.push(algorithm);
        ha1s.push(digestHa1(smtp_address, DOMAIN, PASSWORD, algorithm));
      }
    await client.query(
      `INSERT INTO directory.digest_ha1 (user_id, realm, algorithm, ha1)
       SELECT u, $2, a, h FROM unnest($1::uuid[], $3::text[], $4::bytea[]) AS t(u, a, h)`,
      [ids, DOMAIN, algorithms, ha1s],
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

function report(results: RunResult[], options: SipBenchOptions): string {
  const peer = results.find((r) => r.run === 'kamailio');
  const rate = (t: ThroughputResult | undefined) => (t && !t.refusal ? t.completed / t.seconds : NaN);
  // A refused phase shows the status in its first column only.
  const cell = (t: ThroughputResult | undefined, value: (t: ThroughputResult) => string, first = false) =>
    !t ? '–' : t.refusal ? (first ? String(t.refusal.status) : '–') : value(t);
  const cpuPer = (t: ThroughputResult) =>
    t.serverCpuSeconds === undefined || !t.completed ? '–' : ((t.serverCpuSeconds * 1000) / t.completed).toFixed(2);
  const ratio = (mine: number, theirs: number) =>
    Number.isFinite(mine) && Number.isFinite(theirs) && theirs > 0 ? `${(mine / theirs).toFixed(2)}x` : '–';
  const rows = results.map((r) => {
    const last = summarize(r.published?.last ?? []);
    const first = summarize(r.published?.first ?? []);
    const answered = summarize(r.published?.answered ?? []);
    const fanOutRefused = r.watching?.refusal ?? r.published?.refusal;
    const fanOut = (text: string, first = false) => (fanOutRefused ? (first ? String(fanOutRefused.status) : '–') : text);
    const isPeer = r === peer || !peer;
    return [
      r.label,
      cell(r.register, (t) => format.count(t.completed / t.seconds), true),
      cell(r.register, (t) => format.ms(summarize(t.latencies).p50)),
      cell(r.register, cpuPer),
      cell(r.subscribe, (t) => format.count(t.completed / t.seconds), true),
      cell(r.subscribe, (t) => format.ms(summarize(t.latencies).p50)),
      cell(r.subscribe, cpuPer),
      fanOut(format.count(r.watching?.watchers), true),
      fanOut(format.ms(answered.p50)),
      fanOut(format.ms(first.p50)),
      fanOut(format.ms(last.p50)),
      fanOut(format.ms(last.p99)),
      fanOut(format.ms(last.max)),
      fanOut(format.count(r.published?.notifyBytes)),
      fanOut(
        r.publishCpuSeconds === undefined || !r.published?.last.length
          ? '–'
          : format.ms((r.publishCpuSeconds * 1000) / r.published.last.length),
      ),
      isPeer ? '–' : ratio(rate(r.register), rate(peer.register)),
      isPeer ? '–' : ratio(rate(r.subscribe), rate(peer.subscribe)),
      isPeer ? '–' : ratio(last.p99, summarize(peer.published?.last ?? []).p99),
    ];
  });
  const lines = [
    `SIP over TCP: REGISTER and SUBSCRIBE throughput on ${format.count(options.connections)} connections (${options.warmUpSeconds} s warm-up, ${options.seconds} s measured, at most ${options.requestsPerSecond} requests/s per connection); ` +
      `${format.count(options.watchers)} watchers of one presentity that PUBLISHes ${options.changes} changes ${options.gapMs} ms apart`,
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}; load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
    '',
    formatTable(
      [
        'run',
        'REGISTER/s',
        'reg p50 ms',
        'CPU ms/reg',
        'SUBSCRIBE/s',
        'sub p50 ms',
        'CPU ms/sub',
        'watchers',
        'PUBLISH 2xx p50',
        'first NOTIFY p50',
        'last p50 ms',
        'last p99 ms',
        'max ms',
        'NOTIFY body B',
        'CPU ms/change',
        'REGISTER vs peer',
        'SUBSCRIBE vs peer',
        'p99 vs peer',
      ],
      rows,
      ['left', ...Array<'right'>(17).fill('right')],
    ),
    '',
    'REGISTER/s: registrations completed per second, each REGISTER → 401 → REGISTER with an MD5 digest → 200 (two SIP transactions, a fresh nonce each).',
    'SUBSCRIBE/s: subscriptions per second, each SUBSCRIBE → 401 → SUBSCRIBE with digest → 2xx + first NOTIFY answered → SUBSCRIBE Expires: 0 (nonce reused, next nc) → 2xx + final NOTIFY answered.',
    'CPU ms: the server’s CPU time (its process and every child — Kamailio’s workers, the app’s PostgreSQL — and for Kamailio the PostgreSQL backends serving its database) in the measured window per registration / subscription, and per change over the fan-out phase.',
    'first / last: from sending a PUBLISH (SIP-If-Match, digest with the nonce reused) to the first / last watcher NOTIFY carrying that change; a cell with a status code: the server refused that phase.',
  ];
  for (const r of results) {
    if (r.unavailable) lines.push(`${r.label}: not measured: ${r.unavailable}`);
    for (const [what, t] of [
      ['REGISTER', r.register],
      ['SUBSCRIBE', r.subscribe],
    ] as const) {
      if (t?.refusal) lines.push(`${r.label}: ${what} throughput not measured: ${describeRefusal(t.refusal)}`);
      const failed = Object.entries(t?.failures ?? {});
      if (failed.length > 0) lines.push(`${r.label}: ${what} failures: ${failed.map(([k, n]) => `${n} × ${k}`).join(', ')}`);
    }
    if (r.watching?.refusal) lines.push(`${r.label}: fan-out not measured: ${describeRefusal(r.watching.refusal)}`);
    if (r.published?.refusal) lines.push(`${r.label}: fan-out not measured: ${describeRefusal(r.published.refusal)}`);
  }
  const parley = results.find((r) => r.run === 'embedded');
  if (parley && peer && !parley.unavailable) {
    for (const [what, key] of [
      ['REGISTER', 'register'],
      ['SUBSCRIBE', 'subscribe'],
    ] as const) {
      const mine = rate(parley[key]);
      const theirs = rate(peer[key]);
      if (Number.isFinite(mine) && Number.isFinite(theirs))
        lines.push(
          `target: Parley ${what}/s at least ${TARGET_TPS_RATIO}x Kamailio's: ${ratio(mine, theirs)} — ${mine >= TARGET_TPS_RATIO * theirs ? 'met' : 'MISSED'}`,
        );
    }
    const mine = summarize(parley.published?.last ?? []).p99;
    const theirs = summarize(peer.published?.last ?? []).p99;
    if (Number.isFinite(mine) && Number.isFinite(theirs))
      lines.push(
        `target: Parley publish → last NOTIFY p99 no worse than Kamailio's: ${format.ms(mine)} vs ${format.ms(theirs)} ms — ${mine <= theirs ? 'met' : 'MISSED'}`,
      );
  }
  return lines.join('\n');
}

function describeThroughput(t: ThroughputResult): string {
  if (t.refusal) return `not measured: ${describeRefusal(t.refusal)}`;
  const failed = Object.values(t.failures).reduce((a, b) => a + b, 0);
  return `${format.count(t.completed / t.seconds)}/s, p50 ${format.ms(summarize(t.latencies).p50)} ms, load client ${format.percent(t.clientCpu)} of a core${failed ? `, ${failed} failed` : ''}`;
}

function describeRefusal(refusal: PhaseRefusal): string {
  const hint = refusal.status === 501 ? ' (not implemented by this server yet)' : '';
  return `${refusal.method} answered ${refusal.status} ${refusal.reason}${hint}`;
}

/** Asks the clients process to close its connections and exit; kills it if it has not within 30 s. */
async function finish(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'close' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
