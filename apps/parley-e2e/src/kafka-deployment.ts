// The distributed deployment as a test runs it: a Kafka broker of its own, a fresh PostgreSQL
// database, each service's migrations run once (as the migration Job would), users created with
// the admin CLI, then the four services as separate processes.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import {
  createTestDatabase,
  DedicatedKafkaBroker,
  ExitReaper,
  freePort,
  RunningProcess,
  startProcess,
  waitForHttpOk,
} from '@parley/testing';
import type * as ews from 'ews-javascript-api';
import { ewsService, useNodeXhr } from './ews-embedded';
import { appBundle, repoRoot } from './repo';

export const SERVICES = ['calendar-sync', 'presence-bridge', 'voicemail-ingest', 'ews-gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** How many admin CLI processes add users at once. */
const ADMIN_CONCURRENCY = 4;

/** The path of presence-bridge's JSON WebSocket front on its HTTP port. */
export const PRESENCE_WS_PATH = '/presence';

/** One running process of a service (a replica). */
export interface StartedService {
  readonly name: ServiceName;
  /** Its `PARLEY_INSTANCE_ID` (unique per replica, kept across a restart). */
  readonly instanceId: string;
  readonly proc: RunningProcess;
  /** `http://127.0.0.1:<PARLEY_HTTP_PORT>`. */
  readonly base: string;
  /** `http://127.0.0.1:<PARLEY_METRICS_PORT>`. */
  readonly metricsBase: string;
  /** `ws://127.0.0.1:<PARLEY_HTTP_PORT>/presence`: presence-bridge's WebSocket front (meaningful for presence-bridge only). */
  readonly wsUrl: string;
}

export interface KafkaDeploymentOptions {
  /** Prefix of the database name and Kafka consumer groups. */
  prefix: string;
  /** Local parts of the users to create (`alice` → `alice-<run>@parley.test`, password `alice-<run>-pw`). */
  users: string[];
  /** Local parts (among `users`) granted ApplicationImpersonation. */
  impersonators?: string[];
  /** Display names by local part (default: the local part). */
  displayNames?: Readonly<Record<string, string>>;
  /** More environment for every service process (e.g. `PARLEY_PUBLIC_URL`). */
  env?: NodeJS.ProcessEnv;
  /** How many presence-bridge processes to run (default 1); each its own port and instance id. */
  presenceReplicas?: number;
}

export interface KafkaDeployment {
  readonly run: string;
  readonly broker: DedicatedKafkaBroker;
  /** The gateway's base URL (`http://127.0.0.1:<port>`). */
  readonly base: string;
  /** The gateway's metrics listener (`PARLEY_METRICS_PORT`). */
  readonly metricsBase: string;
  /** The environment every service process was given (without the per-process port and instance id). */
  readonly env: NodeJS.ProcessEnv;
  /** `alice` → the address created for this run. */
  address(user: string): string;
  password(address: string): string;
  /** An ews-javascript-api client with Basic credentials of `address`, against `base` (or another gateway). */
  as(address: string, base?: string): ews.ExchangeService;
  /** Runs the built admin CLI; resolves with its standard output. */
  admin(args: string[]): Promise<string>;
  /** The first process of each service, as started with the deployment. */
  readonly services: Readonly<Record<ServiceName, StartedService>>;
  /** Every presence-bridge replica started with the deployment (`presenceReplicas`), in order; [0] is `services['presence-bridge']`. */
  readonly presenceBridges: readonly StartedService[];
  /** Starts another service process (e.g. a second gateway replica); it is stopped with the rest. */
  startService(name: ServiceName, instance: string): Promise<StartedService>;
  /**
   * Starts a stopped or killed process again as a restarted pod would come back: same service,
   * instance id and ports. Waits for the old process to have exited (stop or kill it first).
   */
  restartService(service: StartedService): Promise<StartedService>;
  stop(): Promise<void>;
}

export async function startKafkaDeployment(options: KafkaDeploymentOptions): Promise<KafkaDeployment> {
  useNodeXhr();
  const run = randomUUID().slice(0, 8);
  const tokenKey = randomBytes(32).toString('base64url');
  const processes: RunningProcess[] = [];
  // Stops the service processes should the test process end without stop() (the broker has its own).
  const reaper = ExitReaper.start();
  const broker = await DedicatedKafkaBroker.start(repoRoot);
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;

  const address = (user: string) => `${user}-${run}@parley.test`;
  const password = (mailbox: string) => `${mailbox.split('@')[0]}-pw`;
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    reaper.release();
    broker.stop();
    await db?.drop();
  };

  try {
    db = await createTestDatabase(options.prefix.replace(/-/g, '_'));
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      PARLEY_BUS: 'kafka',
      KAFKA_GROUP_PREFIX: `${options.prefix}-${run}`,
      KAFKA_PARTITIONS: '3',
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_OUTBOX_POLL_MS: '200',
      // No load balancer in front of these processes: the readiness delay before a stop would only slow it.
      PARLEY_SHUTDOWN_DELAY_MS: '0',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      PARLEY_ID_SECRET: randomBytes(32).toString('base64url'),
      PARLEY_AUTH_TOKEN_KEY: tokenKey,
      // Replicas share this host: the SMTP front and SIP over TCP stay off unless a test gives each its ports (options.env).
      PARLEY_SMTP_SUBMISSION_PORT: '0',
      PARLEY_SMTP_IMPLICIT_TLS_PORT: '0',
      PARLEY_SMTP_RELAY_PORT: '0',
      PARLEY_SIP_TCP_PORT: '0',
      ...options.env,
    };
    const dbUrl = db.url;
    const admin = async (args: string[]) => {
      const { stdout } = await promisify(execFile)(process.execPath, [appBundle('parley-admin'), ...args], {
        env: { ...process.env, DATABASE_URL: dbUrl, PARLEY_AUTH_TOKEN_KEY: tokenKey },
      });
      return stdout;
    };

    for (const name of SERVICES) {
      const migrate = startProcess('node', [appBundle(name), 'migrate'], env);
      const code = await migrate.exited;
      if (code !== 0) throw new Error(`${name} migrate exited with ${code}:\n${migrate.output().slice(-4000)}`);
    }
    // A few admin processes at a time: each costs ~1 s of CPU to start, the largest part of a deployment's setup.
    await inBatches(options.users, ADMIN_CONCURRENCY, (user) =>
      admin(['user', 'add', address(user), '--name', options.displayNames?.[user] ?? user, '--password', password(address(user))]),
    );
    await inBatches(options.impersonators ?? [], ADMIN_CONCURRENCY, (user) =>
      admin(['role', 'grant', address(user), 'ApplicationImpersonation']),
    );

    const launch = async (name: ServiceName, instanceId: string, port: number, metricsPort: number): Promise<StartedService> => {
      const proc = startProcess('node', [appBundle(name)], {
        ...env,
        PARLEY_HTTP_PORT: String(port),
        PARLEY_METRICS_PORT: String(metricsPort),
        PARLEY_INSTANCE_ID: instanceId,
      });
      processes.push(proc);
      reaper.add({ processes: [{ pid: proc.child.pid, cmdline: appBundle(name) }] });
      await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, proc, 90_000);
      return {
        name,
        instanceId,
        proc,
        base: `http://127.0.0.1:${port}`,
        metricsBase: `http://127.0.0.1:${metricsPort}`,
        wsUrl: `ws://127.0.0.1:${port}${PRESENCE_WS_PATH}`,
      };
    };
    const startService = async (name: ServiceName, instance: string) =>
      launch(name, `${instance}-${run}`, await freePort(), await freePort());
    const restartService = async (previous: StartedService) => {
      await previous.proc.exited;
      return launch(previous.name, previous.instanceId, Number(new URL(previous.base).port), Number(new URL(previous.metricsBase).port));
    };

    const services = {} as Record<ServiceName, StartedService>;
    for (const name of SERVICES) services[name] = await startService(name, name === 'presence-bridge' ? 'presence-bridge-a' : name);
    const presenceBridges = [services['presence-bridge']];
    for (let i = 1; i < (options.presenceReplicas ?? 1); i++)
      presenceBridges.push(await startService('presence-bridge', `presence-bridge-${String.fromCharCode(97 + i)}`));
    const gateway = services['ews-gateway'];

    return {
      run,
      broker,
      base: gateway.base,
      metricsBase: gateway.metricsBase,
      env,
      address,
      password,
      as: (mailbox, at = gateway.base) => ewsService(at, mailbox, password(mailbox)),
      admin,
      services,
      presenceBridges,
      startService,
      restartService,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs `work` over `items`, at most `concurrency` at a time; rejects with the first failure. */
async function inBatches<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
