import { createTestDatabase, DedicatedKafkaBroker, freePort, RunningProcess, startProcess, waitForHttpOk } from '@parley/testing';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** What the EWS benchmark drives: a base URL and a user to sign in as. */
export interface EwsTarget {
  base: string;
  user: string;
  password: string;
  /** Stops everything this target started (processes, broker, database, data directory). */
  stop(): Promise<void>;
}

/** Common to every Parley process the benchmark starts: quiet logs (one line per request would be measured too). */
// Quiet, and without metrics listeners (the default ports would clash between the processes).
const QUIET = {
  PARLEY_LOG_LEVEL: 'warn',
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
  PARLEY_METRICS_PORT: '0',
  // No load balancer in front: the readiness delay before a stop would only slow the teardown.
  PARLEY_SHUTDOWN_DELAY_MS: '0',
  // The EWS bench sends no mail nor SIP: voicemail-ingest's SMTP listeners and presence-bridge's SIP over TCP
  // stay off (port 0), so they never take the well-known ports or collide with another run.
  PARLEY_SMTP_SUBMISSION_PORT: '0',
  PARLEY_SMTP_IMPLICIT_TLS_PORT: '0',
  PARLEY_SMTP_RELAY_PORT: '0',
  PARLEY_SIP_TCP_PORT: '0',
};

export function bundle(repoRoot: string, app: string): string {
  const file = path.join(repoRoot, 'dist', 'apps', app, 'main.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the apps first (npm run bench:ews does)`);
  return file;
}

/** The embedded app (`dist/apps/parley/main.js`) on a fresh data directory; signs in as a demo user. */
export async function startEmbedded(repoRoot: string, nodeArgs: string[] = []): Promise<EwsTarget> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-bench-ews-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as postgres and must enter it
  const port = await freePort();
  const proc = startProcess('node', [...nodeArgs, bundle(repoRoot, 'parley')], {
    ...QUIET,
    PARLEY_DATA_DIR: dataDir,
    PARLEY_HTTP_PORT: String(port),
    PARLEY_EMBEDDED_PG_PORT: String(await freePort()),
    DATABASE_URL: '',
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttpOk(`${base}/readyz`, proc, 120_000);
  return {
    base,
    user: 'alice@parley.test',
    password: 'alice-demo-pw',
    async stop() {
      await proc.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The distributed deployment: the four services as processes over Kafka (a dedicated test broker
 * unless `brokers` is given) and a fresh database, migrated by each service's `migrate` step, with
 * one user created by the admin CLI (demo users exist only in embedded mode).
 */
export async function startKafkaDeployment(
  repoRoot: string,
  runId: string,
  brokers: string | undefined,
  log: (line: string) => void,
  nodeArgs: string[] = [],
): Promise<EwsTarget> {
  const undo: Array<() => Promise<unknown> | unknown> = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse())
      await Promise.resolve(step()).catch((error: unknown) => log(`clean-up failed: ${String(error)}`));
  };
  try {
    if (!brokers) {
      log('starting a dedicated Kafka test broker (scripts/kafka-test-broker.sh)');
      const broker = await DedicatedKafkaBroker.start(repoRoot);
      undo.push(() => broker.stop());
      brokers = broker.brokers;
    }
    const db = await createTestDatabase('parley_bench_ews');
    undo.push(() => db.drop());
    const env: NodeJS.ProcessEnv = {
      ...QUIET,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers,
      PARLEY_BUS: 'kafka',
      KAFKA_GROUP_PREFIX: `bench-ews-${runId}`,
      PARLEY_ID_SECRET: randomBytes(32).toString('base64url'), // the gateway's EWS id key
    };
    const services = ['calendar-sync', 'presence-bridge', 'voicemail-ingest', 'ews-gateway'];
    for (const name of services) {
      const migrate = startProcess('node', [bundle(repoRoot, name), 'migrate'], env);
      if ((await migrate.exited) !== 0) throw new Error(`${name} migrate failed:\n${migrate.output()}`);
    }
    const user = `bench-${runId}@parley.test`;
    const password = `bench-${runId}-pw`;
    await promisify(execFile)(
      process.execPath,
      [bundle(repoRoot, 'parley-admin'), 'user', 'add', user, '--name', 'Bench User', '--password', password],
      {
        env: { ...process.env, DATABASE_URL: db.url },
      },
    );
    let base = '';
    const processes: RunningProcess[] = [];
    undo.push(() => Promise.all(processes.map((p) => p.stop())));
    for (const name of services) {
      const port = await freePort();
      const proc = startProcess('node', [...nodeArgs, bundle(repoRoot, name)], {
        ...env,
        PARLEY_HTTP_PORT: String(port),
        PARLEY_INSTANCE_ID: `${name}-${runId}`,
      });
      processes.push(proc);
      await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, proc, 90_000);
      if (name === 'ews-gateway') base = `http://127.0.0.1:${port}`;
    }
    return { base, user, password, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A bare Node `http` server in its own process, answering every POST with `body` once it has read
 * the request: what the hardware gives an HTTP server that does no work at all. With `workMicros`,
 * it first keeps the CPU busy that long per request: what a server doing that much work of its
 * own can reach on this machine (the budget a ratio target leaves).
 */
export async function startBareServer(bodies: Record<string, string>, workMicros = 0): Promise<EwsTarget & { proc: RunningProcess }> {
  const port = await freePort();
  // Routed by path so each operation gets a canned answer of its own size.
  const script = `
    const bodies = JSON.parse(process.env.BARE_BODIES);
    const workNs = BigInt(process.env.BARE_WORK_NS);
    require('node:http').createServer((req, res) => {
      req.on('data', () => {});
      req.on('end', () => {
        const started = process.hrtime.bigint();
        while (process.hrtime.bigint() - started < workNs);
        const body = bodies[req.url] ?? Object.values(bodies)[0];
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    }).listen(${port}, '127.0.0.1', () => console.log('listening'));`;
  const proc = startProcess('node', ['-e', script], {
    BARE_BODIES: JSON.stringify(bodies),
    BARE_WORK_NS: String(Math.round(workMicros * 1000)),
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(base, { method: 'POST', body: '' }).catch(() => undefined))?.ok) break;
    if (i > 100) throw new Error(`the bare server did not start:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, user: '', password: '', proc, stop: async () => void (await proc.stop()) };
}
