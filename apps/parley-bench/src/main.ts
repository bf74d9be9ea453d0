import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBusBench } from './bus.bench';
import { runNotifyBench } from './notify.bench';
import { DEPLOYMENTS, OPERATIONS, runEwsBench } from './ews.bench';
import { HOSTILE } from './ews-hostile.bench';
import { runPresenceClients } from './presence-clients';
import { runPresenceHost } from './presence-host';
import { PRESENCE_TARGETS, runPresenceBench } from './presence.bench';
import { runSipClients } from './sip-clients';
import { DEFAULT_REQUESTS_PER_SECOND, runSipBench, SIP_RUNS } from './sip.bench';
import { runSmtpBench, SMTP_RUNS } from './smtp.bench';
import { runTimersBench } from './timers.bench';
import { runWebBench } from './web.bench';

// Parley's benchmarks: `main.js <benchmark> [options]`. They print numbers; they are not tests.
// PostgreSQL: PARLEY_TEST_DATABASE_URL (a fresh database is created on that server and dropped).
// Kafka: KAFKA_BROKERS, or a dedicated test broker started and stopped here.

const USAGE = `usage: main.js bus [--events N] [--rate N] [--paced-seconds N] [--writers N] [--partitions N]
       main.js ews [--connections N] [--seconds N] [--warm-up-seconds N] [--cpu-prof-dir DIR]
                   [--operations GetUserOofSettings,GetUserAvailability,GetUserAvailabilityEachDay] [--deployments embedded,kafka]
                   [--bare-work-us 10,25,50] [--hostile AttributeFlood,ItemIdFlood,OversizedBatch|none]
       main.js timers [--mailboxes N] [--rate N] [--outage-seconds N] [--paced-seconds N] [--poll-max-ms N] [--batch-size N]
       main.js presence [--connections N] [--watchers N] [--changes N] [--gap-ms N] [--connect-concurrency N]
                        [--runs ${PRESENCE_TARGETS.join(',')}] [--payload-bytes N]
       main.js smtp [--sessions N] [--seconds N] [--attachment-kib N] [--runs ${SMTP_RUNS.join(',')}]
       main.js sip [--connections N] [--seconds N] [--warm-up-seconds N] [--watchers N] [--changes N] [--gap-ms N]
                   [--requests-per-second N] [--kamailio-workers N] [--runs ${SIP_RUNS.join(',')}]
       main.js web [--contacts N] [--connected N] [--runs N]
       main.js notify [--users N] [--per-user N] [--rate N] [--seconds N]

  bus   events/s and p50/p99 latency from outbox commit to consumer handler, on Kafka and on the
        embedded bus, beside a bare kafkajs producer → consumer loop
  ews   requests/s and p50/p99 of GetUserOofSettings and GetUserAvailability (autocannon) against
        the embedded app and the four services over Kafka, beside a bare Node http server
        (needs the apps built: npm run bench:ews builds them); --bare-work-us adds bare-server rows
        that first spin the CPU that many µs per request (the work a ratio target leaves room for);
        --hostile measures GetUserOofSettings again while each hostile request is sent (default: all)
  timers calendar-sync's presence due-queue: mailboxes with a meeting and a Scheduled OOF window each;
        the catch-up after an outage, and the lateness of transitions falling due at --rate per second
  presence WebSocket connections on one server, --watchers of them watching one user who changes
        --changes times: p50/p99 from the change to the last watcher, and the server's heap per idle
        connection (forced GC), for each run beside a bare \`ws\` broadcast in the same invocation
  smtp  voicemail mails (a WAV attachment) per second and accept latency: Postfix's smtp-source and
        nodemailer clients against smtp-sink (the ceiling), a Postfix delivering to Maildirs (the peer)
        and Parley's trusted relay and submission port (the embedded app: npm run bench:smtp builds it);
        afterwards every accepted message is counted where it was stored
  sip   SIP over TCP against the embedded app (npm run bench:sip builds it) and Kamailio (Debian's, with
        presence; installed when missing) as the peer: REGISTER and SUBSCRIBE transactions per second
        with digest, and p50/p99 from a PUBLISH to the last of --watchers NOTIFYs carrying it
  web   the web client in Debian's Chromium against the embedded app (npm run bench:web builds both): from
        navigation to a contact list of --contacts users showing live presence, cold cache, and the
        JavaScript transferred, beside a bare plain-script page over the same WebSocket
  notify EWS streaming notifications on the embedded app (npm run bench:notify builds it): --users mailboxes
        with --per-user streaming subscriptions each on one connection per mailbox, mail through the
        trusted relay at --rate/s: p50/p99 from the relay's 250 to each notification, memory per subscription`;

const benchmarks: Record<string, (args: string[]) => Promise<void>> = {
  bus: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        events: { type: 'string', default: '20000' },
        rate: { type: 'string', default: '1000' },
        'paced-seconds': { type: 'string', default: '10' },
        writers: { type: 'string', default: '8' },
        partitions: { type: 'string', default: '6' },
      },
    });
    const brokers = process.env['KAFKA_BROKERS'];
    await runBusBench({
      repoRoot: findRepoRoot(),
      kafkaBrokers: brokers ? brokers.split(',').map((b) => b.trim()) : undefined,
      events: positiveInt('--events', values.events),
      pacedRate: positiveInt('--rate', values.rate),
      pacedSeconds: positiveInt('--paced-seconds', values['paced-seconds']),
      writers: positiveInt('--writers', values.writers),
      partitions: positiveInt('--partitions', values.partitions),
      log: (line) => process.stderr.write(`bench [${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
      out: (text) => process.stdout.write(`${text}\n`),
    });
  },
  ews: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        connections: { type: 'string', default: '64' },
        seconds: { type: 'string', default: '10' },
        'warm-up-seconds': { type: 'string', default: '3' },
        'cpu-prof-dir': { type: 'string' },
        operations: { type: 'string', default: OPERATIONS.join(',') },
        deployments: { type: 'string', default: DEPLOYMENTS.join(',') },
        'bare-work-us': { type: 'string', default: '' },
        hostile: { type: 'string', default: HOSTILE.join(',') },
      },
    });
    const profileDir = values['cpu-prof-dir'];
    await runEwsBench({
      repoRoot: findRepoRoot(),
      kafkaBrokers: process.env['KAFKA_BROKERS'] || undefined,
      connections: positiveInt('--connections', values.connections),
      seconds: positiveInt('--seconds', values.seconds),
      warmUpSeconds: positiveInt('--warm-up-seconds', values['warm-up-seconds']),
      operations: listOf('--operations', values.operations, OPERATIONS),
      deployments: listOf('--deployments', values.deployments, DEPLOYMENTS),
      parleyNodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [],
      bareWorkMicros:
        values['bare-work-us'] === '' ? [] : values['bare-work-us'].split(',').map((v) => positiveInt('--bare-work-us', v.trim())),
      hostile: values.hostile === 'none' ? [] : listOf('--hostile', values.hostile, HOSTILE),
      log: (line) => process.stderr.write(`bench [${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
      out: (text) => process.stdout.write(`${text}\n`),
    });
  },
  timers: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        mailboxes: { type: 'string', default: '100000' },
        rate: { type: 'string', default: '1000' },
        'outage-seconds': { type: 'string', default: '60' },
        'paced-seconds': { type: 'string', default: '20' },
        'poll-max-ms': { type: 'string', default: '1000' },
        'batch-size': { type: 'string', default: '200' },
      },
    });
    await runTimersBench({
      mailboxes: positiveInt('--mailboxes', values.mailboxes),
      rate: positiveInt('--rate', values.rate),
      outageSeconds: positiveInt('--outage-seconds', values['outage-seconds']),
      pacedSeconds: positiveInt('--paced-seconds', values['paced-seconds']),
      pollMaxMs: positiveInt('--poll-max-ms', values['poll-max-ms']),
      batchSize: positiveInt('--batch-size', values['batch-size']),
      log: (line) => process.stderr.write(`bench [${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
      out: (text) => process.stdout.write(`${text}\n`),
    });
  },
  presence: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        connections: { type: 'string', default: '10000' },
        watchers: { type: 'string', default: '1000' },
        changes: { type: 'string', default: '100' },
        'gap-ms': { type: 'string', default: '50' },
        'connect-concurrency': { type: 'string', default: '200' },
        runs: { type: 'string', default: PRESENCE_TARGETS.join(',') },
        'payload-bytes': { type: 'string' },
      },
    });
    await runPresenceBench({
      connections: positiveInt('--connections', values.connections),
      watchers: positiveInt('--watchers', values.watchers),
      changes: positiveInt('--changes', values.changes),
      gapMs: positiveInt('--gap-ms', values['gap-ms']),
      connectConcurrency: positiveInt('--connect-concurrency', values['connect-concurrency']),
      targets: listOf('--runs', values.runs, PRESENCE_TARGETS),
      repoRoot: findRepoRoot(),
      kafkaBrokers: process.env['KAFKA_BROKERS'] || undefined,
      payloadBytes: values['payload-bytes'] === undefined ? undefined : positiveInt('--payload-bytes', values['payload-bytes']),
      log: (line) => process.stderr.write(`bench [${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
      out: (text) => process.stdout.write(`${text}\n`),
    });
  },
  smtp: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        sessions: { type: 'string', default: '20' },
        seconds: { type: 'string', default: '30' },
        'attachment-kib': { type: 'string', default: '500' },
        runs: { type: 'string', default: SMTP_RUNS.join(',') },
      },
    });
    await runSmtpBench({
      sessions: positiveInt('--sessions', values.sessions),
      seconds: positiveInt('--seconds', values.seconds),
      attachmentKib: positiveInt('--attachment-kib', values['attachment-kib']),
      runs: listOf('--runs', values.runs, SMTP_RUNS),
      repoRoot: findRepoRoot(),
      log: (line) => process.stderr.write(`bench [${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
      out: (text) => process.stdout.write(`${text}\n`),
    });
  },
  sip: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        connections: { type: 'string', default: '1000' },
        seconds: { type: 'string', default: '10' },
        'warm-up-seconds': { type: 'string', default: '2' },
        watchers: { type: 'string', default: '1000' },
        changes: { type: 'string', default: '100' },
        'gap-ms': { type: 'string', default: '50' },
        'requests-per-second': { type: 'string', default: String(DEFAULT_REQUESTS_PER_SECOND) },
        'kamailio-workers': { type: 'string', default: '4' },
        runs: { type: 'string', default: SIP_RUNS.join(',') },
      },
    });
    await runSipBench({
      connections: positiveInt('--connections', values.connections),
      seconds: positiveInt('--seconds', values.seconds),
      warmUpSeconds: positiveInt('--warm-up-seconds', values['warm-up-seconds']),
      watchers: positiveInt('--watchers', values.watchers),
      changes: positiveInt('--changes', values.changes),
      gapMs: positiveInt('--gap-ms', values['gap-ms']),
      requestsPerSecond: positiveInt('--requests-per-second', values['requests-per-second']),
      kamailioWorkers: positiveInt('--kamailio-workers', values['kamailio-workers']),
      runs: listOf('--runs', values.runs, SIP_RUNS),
      repoRoot: findRepoRoot(),
      log: (line) => process.stderr.write(`bench [${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
      out: (text) => process.stdout.write(`${text}\n`),
    });
  },
  web: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        contacts: { type: 'string', default: '500' },
        connected: { type: 'string', default: '50' },
        runs: { type: 'string', default: '5' },
      },
    });
    await runWebBench({
      contacts: positiveInt('--contacts', values.contacts),
      connected: positiveInt('--connected', values.connected),
      runs: positiveInt('--runs', values.runs),
      repoRoot: findRepoRoot(),
      log: (line) => process.stderr.write(`bench [${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
      out: (text) => process.stdout.write(`${text}\n`),
    });
  },
  notify: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        users: { type: 'string', default: '200' },
        'per-user': { type: 'string', default: '5' },
        rate: { type: 'string', default: '200' },
        seconds: { type: 'string', default: '20' },
      },
    });
    await runNotifyBench({
      users: positiveInt('--users', values.users),
      perUser: positiveInt('--per-user', values['per-user']),
      rate: positiveInt('--rate', values.rate),
      seconds: positiveInt('--seconds', values.seconds),
      repoRoot: findRepoRoot(),
      log: (line) => process.stderr.write(`bench [${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
      out: (text) => process.stdout.write(`${text}\n`),
    });
  },
  // The child processes of `presence` and `sip` (not for direct use).
  'presence-host': runPresenceHost,
  'presence-clients': () => runPresenceClients(),
  'sip-clients': () => runSipClients(),
};

/** A comma-separated subset of `allowed`, in the order given. */
function listOf<T extends string>(name: string, value: string, allowed: readonly T[]): T[] {
  const picked = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const unknown = picked.filter((v) => !(allowed as readonly string[]).includes(v));
  if (picked.length === 0 || unknown.length > 0)
    throw new UsageError(`${name} takes a comma-separated list of: ${allowed.join(', ')} (got "${value}")`);
  return picked as T[];
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer (got "${value}")`);
  return n;
}

/** The directory holding scripts/kafka-test-broker.sh, above this bundle (dist/apps/parley-bench). */
function findRepoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'scripts', 'kafka-test-broker.sh'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no scripts/kafka-test-broker.sh above ${__dirname}`);
  }
}

class UsageError extends Error {}

async function main(): Promise<void> {
  // kafkajs warns once per producer that its default partitioner changed in 2.0; Parley relies on the new one.
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  const [name, ...args] = process.argv.slice(2);
  const bench = name === undefined ? undefined : benchmarks[name];
  if (!bench) throw new UsageError(name === undefined ? 'which benchmark?' : `unknown benchmark: ${name}`);
  await bench(args);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
