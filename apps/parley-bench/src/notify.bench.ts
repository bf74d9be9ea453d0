import { signBearerToken } from '@parley/auth';
import { createDirectoryDataSource, DirectoryRepository } from '@parley/directory';
import { freePort, RunningProcess, startProcess, waitFor, waitForHttpOk } from '@parley/testing';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { createEmbeddedDataDir } from './embedded-data-dir';
import { format, formatTable, summarize } from './stats';

/**
 * `bench notify`: EWS streaming notifications on one embedded app. `--users` mailboxes, each with
 * `--per-user` streaming subscriptions on the Inbox (NewMail) carried by one GetStreamingEvents
 * connection per user; then mail delivered through the trusted relay at `--rate` messages per
 * second, round robin over the mailboxes, for `--seconds`. Measured: for every notification, the
 * time from the relay's `250` for its message to the notification's arrival on the connection
 * (p50/p99), and the server's memory per open subscription (RSS and V8 heap from its /metrics,
 * before and after the subscriptions and connections were opened). The issue's target: p99 < 200 ms.
 */
export interface NotifyBenchOptions {
  users: number;
  perUser: number;
  /** Offered delivery rates (messages per second), one measured phase each, in order. */
  rates: number[];
  seconds: number;
  repoRoot: string;
  log: (line: string) => void;
  out: (text: string) => void;
}

const TARGET_P99_MS = 200;
const NS =
  'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"';

function soap(operation: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ${NS}><soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header><soap:Body>${operation}</soap:Body></soap:Envelope>`;
}

interface App {
  base: string;
  metricsBase: string;
  relayPort: number;
  databaseUrl: string;
  tokenKey: string;
  proc: RunningProcess;
  inspectPort: number;
  stop(): Promise<void>;
}

async function startApp(options: NotifyBenchOptions): Promise<App> {
  const dataDir = await createEmbeddedDataDir('parley-bench-notify-');
  const [httpPort, metricsPort, pgPort, relayPort, inspectPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const tokenKey = randomBytes(32).toString('base64url');
  const app = path.join(options.repoRoot, 'dist', 'apps', 'parley', 'main.js');
  if (!existsSync(app)) throw new Error(`${app} is missing: build the apps first (npm run bench:notify does)`);
  // The inspector is how the bench asks the server for a full garbage collection before it reads the heap.
  const proc = startProcess('node', [`--inspect=127.0.0.1:${inspectPort}`, app], {
    PARLEY_LOG_LEVEL: 'warn',
    PARLEY_DATA_DIR: dataDir.path,
    PARLEY_HTTP_PORT: String(httpPort),
    PARLEY_METRICS_PORT: String(metricsPort),
    PARLEY_EMBEDDED_PG_PORT: String(pgPort),
    DATABASE_URL: '',
    PARLEY_DEMO_USERS: 'true',
    PARLEY_AUTH_TOKEN_KEY: tokenKey,
    PARLEY_SMTP_RELAY_PORT: String(relayPort),
    PARLEY_SMTP_RELAY_CIDRS: '127.0.0.0/8',
    PARLEY_SMTP_SUBMISSION_PORT: '0',
    PARLEY_SMTP_IMPLICIT_TLS_PORT: '0',
    PARLEY_SIP_TCP_PORT: '0',
    PARLEY_HTTP_MAX_CONNECTIONS: String(options.users * 2 + 200),
    PARLEY_EWS_MAX_SUBSCRIPTIONS_PER_MAILBOX: String(options.perUser),
    PARLEY_MAILBOX_QUOTA_BYTES: String(1024 ** 4),
  });
  const base = `http://127.0.0.1:${httpPort}`;
  await waitForHttpOk(`${base}/readyz`, proc, 240_000);
  const credentials = JSON.parse(readFileSync(path.join(dataDir.path, 'postgres.credentials.json'), 'utf8')) as {
    user: string;
    password: string;
  };
  return {
    base,
    metricsBase: `http://127.0.0.1:${metricsPort}`,
    relayPort,
    databaseUrl: `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${pgPort}/parley`,
    tokenKey,
    proc,
    inspectPort,
    stop: async () => {
      await proc.stop(30_000);
      await dataDir.remove();
    },
  };
}

/** The bench's mailboxes, added to the directory directly (no password: they sign in with bearer tokens). */
async function addUsers(app: App, count: number): Promise<string[]> {
  const dataSource = createDirectoryDataSource({ url: app.databaseUrl, poolSize: 2, service: 'parley-bench' });
  await dataSource.initialize();
  try {
    const directory = new DirectoryRepository(dataSource);
    const addresses: string[] = [];
    for (let i = 0; i < count; i++) {
      const address = `notify-${i}@parley.test`;
      await directory.add({ smtpAddress: address, displayName: `Notify ${i}` });
      addresses.push(address);
    }
    return addresses;
  } finally {
    await dataSource.destroy();
  }
}

async function ews(app: App, token: string, operation: string): Promise<string> {
  const response = await fetch(`${app.base}/EWS/Exchange.asmx`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/xml; charset=utf-8' },
    body: soap(operation),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`EWS ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

async function subscribe(app: App, token: string): Promise<string> {
  const answer = await ews(
    app,
    token,
    '<m:Subscribe><m:StreamingSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"/></t:FolderIds>' +
      '<t:EventTypes><t:EventType>NewMailEvent</t:EventType></t:EventTypes></m:StreamingSubscriptionRequest></m:Subscribe>',
  );
  const id = /<m:SubscriptionId>([^<]+)<\/m:SubscriptionId>/.exec(answer)?.[1];
  if (id === undefined) throw new Error(`Subscribe failed: ${answer.slice(0, 300)}`);
  return id;
}

/** One GetStreamingEvents connection: records each NewMail's arrival time by subscription id. */
function openStream(app: App, token: string, ids: string[], arrivals: Map<string, number[]>): Promise<http.ClientRequest> {
  const body = soap(
    `<m:GetStreamingEvents><m:SubscriptionIds>${ids.map((id) => `<t:SubscriptionId>${id}</t:SubscriptionId>`).join('')}</m:SubscriptionIds><m:ConnectionTimeout>30</m:ConnectionTimeout></m:GetStreamingEvents>`,
  );
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${app.base}/EWS/Exchange.asmx`,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/xml; charset=utf-8' }, agent: false },
      (response) => {
        let buffer = '';
        let opened = false;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const now = performance.now();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('</Envelope>')) >= 0) {
            const envelope = buffer.slice(0, end);
            buffer = buffer.slice(end + '</Envelope>'.length);
            if (!opened && envelope.includes('<m:ConnectionStatus>OK</m:ConnectionStatus>')) {
              opened = true;
              resolve(request);
            }
            for (const [, notification] of envelope.matchAll(/<m:Notification>([\s\S]*?)<\/m:Notification>/g)) {
              const id = /<t:SubscriptionId>([^<]+)<\/t:SubscriptionId>/.exec(notification)?.[1];
              if (id === undefined) continue;
              const times = arrivals.get(id);
              for (const _ of notification.matchAll(/<t:NewMailEvent>/g)) times?.push(now);
            }
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function metric(app: App, name: string): Promise<number> {
  const text = await (await fetch(`${app.metricsBase}/metrics`)).text();
  const value = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text)?.[1];
  return value === undefined ? NaN : Number(value);
}

/** Asks the server for a full garbage collection over the inspector protocol (HeapProfiler.collectGarbage). */
async function collectGarbage(app: App): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${app.inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    socket.onmessage = (message) => {
      if ((JSON.parse(String(message.data)) as { id?: number }).id === 1) resolve();
    };
    socket.onerror = () => reject(new Error('the inspector did not answer'));
  });
  socket.close();
}

/** The server's RSS and V8 heap after a full collection, once settled. */
async function memory(app: App): Promise<{ rss: number; heap: number }> {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await collectGarbage(app);
  return { rss: await metric(app, 'parley_process_resident_memory_bytes'), heap: await metric(app, 'parley_nodejs_heap_size_used_bytes') };
}

export async function runNotifyBench(options: NotifyBenchOptions): Promise<void> {
  const { log } = options;
  const app = await startApp(options);
  const streams: http.ClientRequest[] = [];
  try {
    log(`adding ${options.users} mailboxes`);
    const users = await addUsers(app, options.users);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const tokens = users.map((sub) => signBearerToken(app.tokenKey, { sub, exp }));
    const relay = nodemailer.createTransport({
      host: '127.0.0.1',
      port: app.relayPort,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 16,
    });
    const deliver = (to: string, subject: string) => relay.sendMail({ from: 'alerts@device.bench', to, subject, text: `${subject}\r\n` });
    // Warm-up: one message per mailbox before anything is measured (code paths, pools, the journal's rows).
    await Promise.all(users.map((to, i) => deliver(to, `warm-up ${i}`)));
    const before = await memory(app);

    log(`subscribing: ${options.perUser} streaming subscriptions × ${options.users} mailboxes`);
    const subscriptionsOf: string[][] = [];
    for (let u = 0; u < users.length; u++) {
      const ids: string[] = [];
      for (let s = 0; s < options.perUser; s++) ids.push(await subscribe(app, tokens[u]));
      subscriptionsOf.push(ids);
    }
    const arrivals = new Map<string, number[]>(subscriptionsOf.flat().map((id) => [id, []]));
    for (let u = 0; u < users.length; u++) streams.push(await openStream(app, tokens[u], subscriptionsOf[u], arrivals));
    const after = await memory(app);
    const subscriptions = options.users * options.perUser;
    // Warm-up of the notification path itself: one message per mailbox, every notification awaited.
    await Promise.all(users.map((to, i) => deliver(to, `warm-up notification ${i}`)));
    const arrived = () => [...arrivals.values()].reduce((n, a) => n + a.length, 0);
    await waitFor(() => arrived() >= subscriptions, { timeoutMs: 30_000, what: 'the warm-up notifications' });

    const rows: string[][] = [];
    let worstP99 = 0;
    let failures = 0;
    for (const rate of options.rates) {
      for (const times of arrivals.values()) times.length = 0;
      log(`delivering at ${rate}/s for ${options.seconds} s`);
      const accepted: number[][] = users.map(() => []);
      const total = rate * options.seconds;
      const started = performance.now();
      const sends: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        const u = i % users.length;
        const k = Math.floor(i / users.length);
        sends.push(
          deliver(users[u], `bench ${i}`).then(
            () => void (accepted[u][k] = performance.now()),
            () => void failures++,
          ),
        );
      }
      await Promise.all(sends);
      const sendSeconds = (performance.now() - started) / 1000;
      const expected = total * options.perUser;
      const count = arrived;
      await waitFor(() => count() >= expected, { timeoutMs: 30_000, what: 'every notification' }).catch(() =>
        log(`${count()} of ${expected} notifications arrived within 30 s`),
      );
      const latencies: number[] = [];
      for (let u = 0; u < users.length; u++) {
        for (const id of subscriptionsOf[u]) {
          (arrivals.get(id) ?? []).forEach((at, k) => {
            if (accepted[u][k] !== undefined) latencies.push(at - accepted[u][k]);
          });
        }
      }
      const summary = summarize(latencies);
      worstP99 = Math.max(worstP99, summary.p99);
      rows.push([
        `${rate}/s offered`,
        format.count(subscriptions),
        format.count(users.length),
        (total / sendSeconds).toFixed(0),
        `${format.count(count())} / ${format.count(expected)}`,
        format.ms(summary.p50),
        format.ms(summary.p99),
        format.ms(summary.max),
      ]);
    }
    relay.close();
    options.out(
      formatTable(
        ['run (Parley embedded)', 'subscriptions', 'connections', 'mail/s accepted', 'notifications', 'p50 ms', 'p99 ms', 'max ms'],
        rows,
        ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
    options.out(
      `\nmemory per open subscription (${format.count(subscriptions)} on ${format.count(users.length)} connections, connections included; heap after a full GC): ` +
        `RSS ${format.bytes((after.rss - before.rss) / subscriptions)}, V8 heap ${format.bytes((after.heap - before.heap) / subscriptions)}`,
    );
    options.out(
      `target: p99 < ${TARGET_P99_MS} ms — ${worstP99 < TARGET_P99_MS ? 'met' : 'missed'} (worst phase ${format.ms(worstP99)} ms)` +
        (failures > 0 ? `; ${failures} deliveries refused` : '') +
        `\n(latency: the relay's 250 for a message → its NewMail on each of the mailbox's ${options.perUser} subscriptions)`,
    );
  } finally {
    for (const stream of streams) stream.destroy();
    await app.stop();
  }
}
