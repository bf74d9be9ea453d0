#!/usr/bin/env node
// The whole test suite, with its own set-up: lint, type-check, unit tests, app builds, then the
// integration tests against the real PostgreSQL and a real Kafka broker (started here unless
// KAFKA_BROKERS names one), which is stopped again whatever happens.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const env = { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', KAFKAJS_NO_PARTITIONER_WARNING: '1', FORCE_COLOR: '0' };
const apps = ['calendar-sync', 'presence-bridge', 'voicemail-ingest', 'ews-gateway', 'parley', 'parley-admin'];
const only = process.argv[2]; // optional: lint | typecheck | unit | integration
const results = [];

function step(name, command, args, extraEnv = {}) {
  const started = Date.now();
  process.stdout.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  const ok = r.status === 0;
  process.stdout.write(
    `=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  if (!ok) throw new Error(`${name} failed`);
}

/** Runs commands at once, each line of output prefixed with its lane; fails when any fails. */
async function parallelSteps(name, lanes, extraEnv = {}) {
  const started = Date.now();
  process.stdout.write(`\n=== ${name}: ${lanes.map((l) => `[${l.lane}] ${l.command} ${l.args.join(' ')}`).join('  |  ')}\n`);
  const results = await Promise.all(
    lanes.map(
      ({ lane, command, args }) =>
        new Promise((resolve) => {
          const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, ...extraEnv } });
          for (const stream of [child.stdout, child.stderr]) {
            let rest = '';
            stream.on('data', (chunk) => {
              const lines = (rest + chunk.toString('utf8')).split('\n');
              rest = lines.pop() ?? '';
              for (const line of lines) process.stdout.write(`[${lane}] ${line}\n`);
            });
            stream.on('end', () => rest && process.stdout.write(`[${lane}] ${rest}\n`));
          }
          child.on('close', (code, signal) => {
            const seconds = ((Date.now() - started) / 1000).toFixed(1);
            process.stdout.write(`=== ${name} [${lane}]: ${code === 0 ? 'ok' : `FAILED (exit ${code ?? signal})`} in ${seconds} s\n`);
            resolve(code === 0);
          });
        }),
    ),
  );
  const ok = results.every(Boolean);
  process.stdout.write(`=== ${name}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (!ok) throw new Error(`${name} failed`);
}

function fail(message) {
  process.stderr.write(`\n${message}\n`);
  process.exit(1);
}

async function requirePostgres() {
  const url = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    fail(
      `PostgreSQL is required at ${url} (${error.message}).\nInstall and start PostgreSQL 15+ (trust or password auth), or set PARLEY_TEST_DATABASE_URL.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

function requireTool(tool, args, hint) {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    fail(`${tool} is required to run the Kafka test broker: ${hint}\n(or set KAFKA_BROKERS to an existing cluster)`);
}

function jestSummary(file) {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: report.numPassedTests, failed: report.numFailedTests + report.numRuntimeErrorTestSuites };
}

// The broker also opens its TLS + SASL and mutual-TLS listeners (a few hundred ms of openssl at
// start): the Kafka security suite uses them instead of starting a second broker.
const brokerEnv = {
  ...env,
  PARLEY_KAFKA_SASL_SSL_PORT: process.env.PARLEY_KAFKA_SASL_SSL_PORT ?? '19094',
  PARLEY_KAFKA_MTLS_PORT: process.env.PARLEY_KAFKA_MTLS_PORT ?? '19095',
};

/** Starts the test broker; returns the `VAR=value` lines it prints (KAFKA_BROKERS, KAFKA_TEST_SECURED_LISTENERS). */
function startBroker() {
  const r = spawnSync('bash', ['scripts/kafka-test-broker.sh', 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: brokerEnv,
  });
  const vars = Object.fromEntries(
    (r.stdout ?? '')
      .split('\n')
      .map((l) => l.trim().split(/=(.*)/s))
      .filter(([name, value]) => /^[A-Z_]+$/.test(name) && value),
  );
  if (r.status !== 0 || !vars.KAFKA_BROKERS) fail('The Kafka test broker did not start (see the log above).');
  return vars;
}

function stopBroker() {
  spawnSync('bash', ['scripts/kafka-test-broker.sh', 'stop'], { stdio: 'inherit', env: brokerEnv });
}

async function main() {
  mkdirSync('tmp/test-reports', { recursive: true });
  let startedBroker = false;
  let failure;
  try {
    if (!only || only === 'lint') {
      step('project graph', 'npx', ['nx', 'show', 'projects', '--json']);
      step('lint', 'npx', ['eslint', '--max-warnings=0', 'apps', 'libs', 'tools']);
      // One formatting (.prettierrc.json): a file prettier would change fails the run; `npm run format` fixes it.
      step('format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);
    }
    if (!only || only === 'typecheck') {
      step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.check.json']);
      // The browser client: DOM types and bundler resolution, so its own tsconfig.
      step('typecheck parley-web', 'npx', ['tsc', '-p', 'apps/parley-web/tsconfig.spec.json']);
    }
    if (!only || only === 'unit') {
      step('unit tests', 'npx', ['jest', '-c', 'jest.config.cjs', '--ci', '--json', '--outputFile=tmp/test-reports/unit.json']);
    }
    if (!only || only === 'integration') {
      await requirePostgres();
      for (const app of apps) step(`build ${app}`, 'npx', ['webpack-cli', 'build', '--config', `apps/${app}/webpack.config.cjs`]);
      // The web client the gateway serves (and its size budget), for the browser tests.
      step('build parley-web', 'node', ['apps/parley-web/build.mjs', '--quiet']);
      let kafkaEnv = { KAFKA_BROKERS: process.env.KAFKA_BROKERS };
      if (!kafkaEnv.KAFKA_BROKERS) {
        requireTool('java', ['-version'], 'install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)');
        requireTool('mvn', ['-v'], 'install Apache Maven (e.g. apt-get install maven)');
        requireTool(
          'openssl',
          ['version'],
          'install OpenSSL (e.g. apt-get install openssl), which makes the certificates of its TLS listeners',
        );
        kafkaEnv = startBroker();
        startedBroker = true;
      }
      // Two lanes side by side, one per core: the system tests (apps/parley-e2e: real processes and
      // browsers, one at a time) and every other project's integration tests. Each lane runs its
      // suites in band. --forceExit: after a failure, a Kafka client still retrying a dead broker
      // must not hang CI.
      const jestArgs = (report, projects) => [
        'jest',
        '-c',
        'jest.integration.config.cjs',
        '--ci',
        '--runInBand',
        '--forceExit',
        '--json',
        `--outputFile=tmp/test-reports/${report}.json`,
        ...projects,
      ];
      await parallelSteps(
        'integration tests',
        [
          { lane: 'e2e', command: 'npx', args: jestArgs('integration-e2e', ['--selectProjects', 'parley-e2e']) },
          { lane: 'services', command: 'npx', args: jestArgs('integration-services', ['--ignoreProjects', 'parley-e2e']) },
        ],
        kafkaEnv,
      );
    }
  } catch (error) {
    failure = error;
  } finally {
    if (startedBroker) stopBroker();
  }
  const totals = ['unit', 'integration-e2e', 'integration-services'].map((n) => jestSummary(`tmp/test-reports/${n}.json`));
  const passed = totals.reduce((a, t) => a + t.passed, 0);
  const failed = totals.reduce((a, t) => a + t.failed, 0);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  if (failure || failed > 0) process.exit(1);
}

main().catch((error) => fail(String(error?.stack ?? error)));
