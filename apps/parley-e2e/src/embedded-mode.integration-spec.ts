import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExitReaper, freePort, RunningProcess, startProcess, waitFor, waitForHttpOk } from '@parley/testing';
import * as JsSIP from 'jssip';
import { connect } from 'node:net';
import { Client } from 'pg';
import { WebSocket } from 'ws';
import { repoRoot } from './repo';

/** The README's run command, on a fresh data directory, twice. */
describe('embedded mode (npm start)', () => {
  let dataDir: string;
  let port: number;
  let pgPort: number;
  let metricsPort: number;
  let sipPort: number;
  let app: RunningProcess | undefined;
  let reaper: ExitReaper;

  async function start(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningProcess> {
    const proc = startProcess(
      'npm',
      ['start', '--silent'],
      {
        PARLEY_DATA_DIR: dataDir,
        PARLEY_HTTP_PORT: String(port),
        PARLEY_EMBEDDED_PG_PORT: String(pgPort),
        PARLEY_METRICS_PORT: String(metricsPort),
        // Not the default SMTP ports: other runs on this machine may hold them.
        PARLEY_SMTP_SUBMISSION_PORT: '0',
        PARLEY_SMTP_IMPLICIT_TLS_PORT: '0',
        PARLEY_SMTP_RELAY_PORT: '0',
        // Nor the default SIP port: a free one, so that SIP over TCP is served and checked.
        PARLEY_SIP_TCP_PORT: String(sipPort),
        ...extraEnv,
      },
      {
        cwd: repoRoot,
        detached: true,
      },
    );
    // npm leads its own process group (detached); should the run end without stopping it, the
    // reaper signals that group, then stops PostgreSQL if the app left it running.
    reaper.add({
      processes: [
        { pid: proc.child.pid, cmdline: 'npm', group: true },
        { pidFile: path.join(dataDir, 'postgres', 'postmaster.pid'), cmdline: dataDir, signal: 'SIGINT' },
      ],
    });
    await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, proc, 120_000);
    return proc;
  }

  async function embeddedDatabase(): Promise<Client> {
    const credentials = JSON.parse(readFileSync(path.join(dataDir, 'postgres.credentials.json'), 'utf8')) as {
      user: string;
      password: string;
    };
    const client = new Client({
      host: '127.0.0.1',
      port: pgPort,
      user: credentials.user,
      password: credentials.password,
      database: 'parley',
    });
    await client.connect();
    return client;
  }

  /** npm dies with the signal at once; the app itself must then shut down cleanly, database included. */
  async function stopAndWaitForCleanExit(proc: RunningProcess): Promise<void> {
    await proc.stop();
    await waitFor(() => !existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')), {
      timeoutMs: 30_000,
      what: 'the embedded PostgreSQL to stop',
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => 'closed')) === 'closed', {
      what: 'HTTP to close',
    });
    expect(proc.output()).toContain('SIGTERM received, shutting down');
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'parley-embedded-'));
    reaper = ExitReaper.start({ paths: [dataDir] });
    // As root, PostgreSQL runs as the postgres user, which must be able to enter the directory.
    await chmod(dataDir, 0o755);
    port = await freePort();
    pgPort = await freePort();
    metricsPort = await freePort();
    sipPort = await freePort();
  });

  afterEach(async () => {
    if (app) await stopAndWaitForCleanExit(app);
    app = undefined;
  });

  afterAll(async () => {
    await reaper?.reapNow();
  });

  it('starts, prints its URLs and demo users, and answers health, readiness and (on the loopback metrics listener only) metrics', async () => {
    app = await start();
    const proc = app;
    await waitFor(() => proc.output().includes('Stop with Ctrl+C'), { what: 'the welcome text' });
    const out = app.output();
    expect(out).toContain(`http://127.0.0.1:${port}/healthz`);
    expect(out).toMatch(/alice@parley\.test\s+alice-demo-pw/);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
    expect(Object.keys(ready.checks).sort()).toEqual([
      'bus',
      'db:calendar-sync',
      'db:ews-gateway',
      'db:presence-bridge',
      'db:voicemail-ingest',
      'dead-letters',
      'directory',
    ]);
    expect(out).toContain(`Metrics    http://127.0.0.1:${metricsPort}/metrics`);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/parley_http_request_duration_seconds_bucket/);
    expect(metrics).toMatch(/parley_outbox_pending_messages\{owner="calendar-sync"/);
    // stdout is a pipe here, not a terminal: log lines are JSON, and Nest's boot chatter
    // (modules initialised, routes mapped, "successfully started") is at debug, so not printed at info.
    await fetch(`http://127.0.0.1:${port}/autodiscover/autodiscover.xml`);
    await waitFor(() => proc.output().includes('"msg":"request completed"'), { what: 'the request line' });
    const logLines = proc
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; context?: string });
    expect(logLines).toContainEqual(expect.objectContaining({ level: 30, msg: 'request completed', service: 'parley' }));
    expect(
      logLines.filter((l) =>
        ['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'NestMicroservice'].includes(
          l.context ?? '',
        ),
      ),
    ).toEqual([]);
    expect(proc.output()).not.toMatch(/dependencies initialized|Mapped \{|successfully started/);
    expect(out).toMatch(/^Parley \S+ is running \(embedded mode/m);
    // The SIP front (docs/sip.md): its URLs printed, TCP bound by the time the app is ready, WebSocket on /sip beside /presence.
    expect(out).toContain(`SIP        ws://127.0.0.1:${port}/sip   sip:127.0.0.1:${sipPort};transport=tcp`);
    const options = await sipOverTcp(sipPort, 'OPTIONS sip:parley.test SIP/2.0');
    expect(options).toMatch(/^SIP\/2\.0 401 /);
    expect(options.match(/^WWW-Authenticate: Digest /gm)).toHaveLength(2);
    await expect(registerWithJsSip(`ws://127.0.0.1:${port}/sip`, 'alice@parley.test', 'alice-demo-pw')).resolves.toBe('registered');
    await expect(upgradeStatus(`ws://127.0.0.1:${port}/elsewhere`)).resolves.toBe(404);
    const client = await embeddedDatabase();
    try {
      await client.query(
        `INSERT INTO directory.mailbox_user (smtp_address, display_name) VALUES ('kept@parley.test', 'Kept Across Restarts')`,
      );
    } finally {
      await client.end();
    }
    await stopAndWaitForCleanExit(app);
    app = undefined;
  });

  it('keeps its data in the data directory across a restart', async () => {
    app = await start({ PARLEY_DEMO_USERS: 'false' });
    const client = await embeddedDatabase();
    try {
      const { rows } = await client.query(`SELECT smtp_address FROM directory.mailbox_user ORDER BY smtp_address`);
      expect(rows.map((r) => r.smtp_address)).toEqual(expect.arrayContaining(['alice@parley.test', 'kept@parley.test']));
      // The demo users were seeded with their SIP digest HA1s, for the default realm and both algorithms.
      const ha1s = await client.query(
        `SELECT h.algorithm FROM directory.digest_ha1 h JOIN directory.mailbox_user u ON u.id = h.user_id
         WHERE u.smtp_address = 'alice@parley.test' AND h.realm = 'parley' ORDER BY h.algorithm`,
      );
      expect(ha1s.rows.map((r) => r.algorithm)).toEqual(['MD5', 'SHA-256']);
      const migrations = await client.query(`SELECT count(*)::int AS n FROM calendar_sync.migrations`);
      expect(migrations.rows[0].n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});

describe('configuration errors', () => {
  it.each([
    ['calendar-sync', { PARLEY_HTTP_PORT: 'eighty' }, /PARLEY_HTTP_PORT/],
    ['presence-bridge', { PARLEY_BUS: 'kafka', KAFKA_BROKERS: '' }, /KAFKA_BROKERS: required/],
    ['ews-gateway', { DATABASE_URL: 'mysql://nope', KAFKA_BROKERS: '127.0.0.1:1' }, /DATABASE_URL/],
    [
      'ews-gateway',
      { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', KAFKA_BROKERS: '127.0.0.1:1' },
      /PARLEY_ID_SECRET: required for ews-gateway/,
    ],
    ['parley', { PARLEY_LOG_LEVEL: 'chatty' }, /PARLEY_LOG_LEVEL/],
    ['parley', { PARLEY_LOG_FORMAT: 'fancy' }, /PARLEY_LOG_FORMAT/],
  ])('%s exits non-zero naming the bad variable', async (app, env, message) => {
    const proc = startProcess('node', [path.join(repoRoot, 'dist', 'apps', app, 'main.js')], {
      DATABASE_URL: '',
      KAFKA_BROKERS: '',
      ...env,
    });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(message);
    expect(proc.output()).toMatch(/See the configuration table in README\.md/);
  });
});

/** The first response to one raw SIP request over TCP (a request line; the mandatory headers are added here). */
function sipOverTcp(port: number, requestLine: string): Promise<string> {
  const message = [
    requestLine,
    'Via: SIP/2.0/TCP client.invalid;branch=z9hG4bK-e2e-1',
    'Max-Forwards: 70',
    'From: <sip:alice@parley.test>;tag=e2e',
    'To: <sip:parley.test>',
    'Call-ID: e2e-embedded-1',
    `CSeq: 1 ${requestLine.split(' ')[0]}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(message));
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.once('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('no SIP response over TCP')));
  });
}

/** JsSIP (a real SIP client) registering over WebSocket: `registered`, or why it did not. */
async function registerWithJsSip(url: string, user: string, password: string): Promise<string> {
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(url)],
    uri: `sip:${user}`,
    authorization_user: user,
    password,
    register: true,
    register_expires: 300,
    connection_recovery_min_interval: 60,
    connection_recovery_max_interval: 60,
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('JsSIP neither registered nor failed')), 15_000);
      ua.on('registered', () => {
        clearTimeout(timer);
        resolve('registered');
      });
      ua.on('registrationFailed', (e: { cause?: string; response?: { status_code: number } }) => {
        clearTimeout(timer);
        resolve(`failed: ${e.response?.status_code ?? e.cause ?? 'unknown'}`);
      });
      ua.start();
    });
  } finally {
    const disconnected = new Promise<void>((resolve) => ua.on('disconnected', () => resolve()));
    ua.stop();
    await disconnected;
  }
}

/** The HTTP status an upgrade to `url` is refused with (101 if it is accepted). */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}
