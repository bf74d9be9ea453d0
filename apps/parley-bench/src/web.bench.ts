import { hashPassword } from '@parley/directory';
import { freePort, launchChromium, type RunningProcess, startProcess, waitForHttpOk } from '@parley/testing';
import { existsSync, readFileSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { createEmbeddedDataDir } from './embedded-data-dir';
import { format, formatTable, summarize } from './stats';

/**
 * `bench web`: the web client's first view in Debian's Chromium, on the built embedded app. A user
 * with `contacts` contacts (`connected` of them online, the rest offline) opens the page with a
 * session cookie and a cold cache; measured from the navigation's start (the page's time origin)
 * to the moment every contact tile shows its live presence, and the bytes of JavaScript (and of
 * everything) the page transferred until then, as Resource Timing reports them (compressed, with
 * headers). Beside it, in the same invocation and against the same server, a bare page: a few lines
 * of plain script that open the same WebSocket, fetch the contact list, subscribe and put one
 * plain element per contact into the DOM; the ceiling for what any client of this protocol can do,
 * so the ratio is the client's own cost.
 */
export interface WebBenchOptions {
  contacts: number;
  connected: number;
  runs: number;
  repoRoot: string;
  log: (line: string) => void;
  out: (text: string) => void;
}

/** The issue's targets: the contact list live within a second, the first view's JavaScript under 150 KB gzipped. */
const TARGET_MS = 1_000;
const TARGET_JS_BYTES = 150 * 1024;

const DOMAIN = 'bench.parley.test';
const PASSWORD = 'bench-web-password';
const viewer = `viewer@${DOMAIN}`;
const contactAddress = (i: number) => `contact-${i}@${DOMAIN}`;

type PageKind = 'parley' | 'bare';

interface Sample {
  kind: PageKind;
  liveMs: number;
  jsBytes: number;
  allBytes: number;
}

export async function runWebBench(options: WebBenchOptions): Promise<void> {
  const { log } = options;
  if (options.connected > options.contacts)
    throw new Error(`--connected (${options.connected}) cannot exceed --contacts (${options.contacts})`);
  const webRoot = path.join(options.repoRoot, 'dist', 'apps', 'parley-web');
  if (!existsSync(path.join(webRoot, 'index.html')))
    throw new Error(`${webRoot} is missing: build the web client first (npm run bench:web does)`);
  const parley = await startParley(options, webRoot);
  let browser: Browser | undefined;
  try {
    log(`seeding ${options.contacts} contacts for ${viewer}`);
    await addContacts(parley.base, options.contacts);
    log(`connecting ${options.connected} of them`);
    const online = await Promise.all(Array.from({ length: options.connected }, (_, i) => connect(parley.base, contactAddress(i))));
    try {
      const cookie = await signIn(parley.base);
      browser = await launchChromium();
      const samples: Sample[] = [];
      // One warm-up of each page (Chromium's own start-up, the server's first requests), then alternate.
      for (let round = -1; round < options.runs; round++) {
        for (const kind of ['parley', 'bare'] as const) {
          const sample = await measure(browser, parley.base, cookie, kind, options.contacts);
          log(
            `${kind} ${round < 0 ? 'warm-up' : `run ${round + 1}`}: live after ${sample.liveMs.toFixed(0)} ms, JS ${format.bytes(sample.jsBytes)}`,
          );
          if (round >= 0) samples.push(sample);
        }
      }
      options.out(report(samples, options));
    } finally {
      for (const ws of online) ws.close();
    }
  } finally {
    await browser?.close();
    await parley.stop();
  }
}

/** One cold page load in a fresh profile: navigation start → every tile live, and what was transferred. */
async function measure(browser: Browser, base: string, cookie: string, kind: PageKind, contacts: number): Promise<Sample> {
  const context = await browser.newContext();
  try {
    await context.addCookies([{ name: 'parley_session', value: cookie, url: base }]);
    const page = await context.newPage();
    // What the page said, for the error should it never get there.
    const said: string[] = [];
    page.on('console', (m) => said.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => said.push(`error: ${e.message}`));
    page.on('websocket', (ws) => ws.on('close', () => said.push(`websocket ${ws.url()} closed`)));
    page.on('response', (r) => r.status() >= 400 && said.push(`${r.status()} ${r.url()}`));
    await page.goto(kind === 'bare' ? `${base}/assets/bench-bare.html` : base, { waitUntil: 'commit' });
    const liveMs = await liveAfter(page, contacts).catch(async (error: unknown) => {
      const shown = await page.content().catch(() => '');
      throw new Error(`${kind}: ${String(error)}\n${said.join('\n')}\n${shown.slice(0, 1000)}`);
    });
    const { jsBytes, allBytes } = await page.evaluate(() => {
      // Resource Timing of the page (this file is compiled without DOM types).
      type Entry = { name: string; transferSize: number };
      const timing = performance as unknown as { getEntriesByType(type: string): Entry[] };
      const entries = [...timing.getEntriesByType('navigation'), ...timing.getEntriesByType('resource')];
      const sum = (list: Entry[]) => list.reduce((n, e) => n + e.transferSize, 0);
      return { jsBytes: sum(entries.filter((e) => new URL(e.name).pathname.endsWith('.js'))), allBytes: sum(entries) };
    });
    return { kind, liveMs, jsBytes, allBytes };
  } finally {
    await context.close();
  }
}

/**
 * Milliseconds since the navigation started when `contacts` tiles (through the components' shadow
 * roots) carry a presence token, checked on every animation frame.
 */
async function liveAfter(page: Page, contacts: number): Promise<number> {
  const handle = await page.waitForFunction(
    (expected) => {
      // What this callback uses of the DOM (this file is compiled without DOM types).
      interface Root {
        querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null; shadowRoot: Root | null }>;
      }
      let live = 0;
      const visit = (root: Root) => {
        for (const el of Array.from(root.querySelectorAll('*'))) {
          const id = el.getAttribute('data-testid');
          const token = el.getAttribute('data-token');
          if (id !== null && id.startsWith('contact-') && token !== null && token !== 'unknown') live++;
          if (el.shadowRoot) visit(el.shadowRoot);
        }
      };
      visit((globalThis as unknown as { document: Root }).document);
      return live >= expected ? performance.now() : false;
    },
    contacts,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * The smallest client of the presence protocol that shows a contact list with presence (no
 * framework, no styles), served by Parley beside the web client's files and under the same CSP.
 */
const BARE_PAGE =
  '<!doctype html><html lang="en"><title>bare</title><ul id="list"></ul><script src="/assets/bench-bare.js"></script></html>';
const BARE_SCRIPT = `const list = document.getElementById('list');
const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/presence');
ws.onmessage = (event) => {
  const m = JSON.parse(event.data);
  if (m.type === 'hello') ws.send(JSON.stringify({ type: 'get-contacts', id: 'c' }));
  else if (m.type === 'contacts') {
    const all = m.groups.flatMap((g) => g.contacts).concat(m.ungrouped);
    ws.send(JSON.stringify({ type: 'subscribe', id: 's', targets: all }));
  } else if (m.type === 'snapshot' && m.id === 's') {
    list.replaceChildren(...m.presences.map((p) => {
      const li = document.createElement('li');
      li.dataset.testid = 'contact-' + p.mailbox;
      li.dataset.token = p.presence.token;
      li.textContent = p.mailbox + ' ' + p.presence.token;
      return li;
    }));
  }
};
`;

/** The web client's build with the bare page beside it, as the app's web root. */
async function webRootWithBarePage(built: string, into: string): Promise<string> {
  await cp(built, into, { recursive: true });
  await writeFile(path.join(into, 'assets', 'bench-bare.html'), BARE_PAGE);
  await writeFile(path.join(into, 'assets', 'bench-bare.js'), BARE_SCRIPT);
  return into;
}

function report(samples: Sample[], options: WebBenchOptions): string {
  const rows = (['parley', 'bare'] as const).map((kind) => {
    const mine = samples.filter((s) => s.kind === kind);
    const live = summarize(mine.map((s) => s.liveMs));
    return { kind, live, js: Math.max(...mine.map((s) => s.jsBytes)), all: Math.max(...mine.map((s) => s.allBytes)) };
  });
  const [parley, bare] = rows;
  const table = formatTable(
    ['page', 'runs', 'live p50', 'live max', 'JS transferred', 'all transferred'],
    rows.map((r) => [
      r.kind === 'parley' ? 'Parley web client' : 'bare page (plain script)',
      String(options.runs),
      format.ms(r.live.p50),
      format.ms(r.live.max),
      format.bytes(r.js),
      format.bytes(r.all),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right'],
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    `web client first view: ${options.contacts} contacts (${options.connected} online), cold cache, headless Chromium, embedded app`,
    table,
    `live p50 ${format.ms(parley.live.p50)} vs target ${format.ms(TARGET_MS)}: ${verdict(parley.live.p50 < TARGET_MS)} (${(parley.live.p50 / bare.live.p50).toFixed(2)}x the bare page)`,
    `JavaScript ${format.bytes(parley.js)} vs target ${format.bytes(TARGET_JS_BYTES)}: ${verdict(parley.js < TARGET_JS_BYTES)}`,
  ].join('\n');
}

/** The built embedded app with the web client, and the bench's users in its directory. */
async function startParley(options: WebBenchOptions, webRoot: string): Promise<{ base: string; stop: () => Promise<void> }> {
  const bundle = path.join(options.repoRoot, 'dist', 'apps', 'parley', 'main.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: build the app first (npm run bench:web does)`);
  const data = await createEmbeddedDataDir('parley-bench-web-');
  const servedRoot = await webRootWithBarePage(webRoot, path.join(data.path, 'web'));
  let app: RunningProcess | undefined;
  const stop = async () => {
    await app?.stop(30_000);
    await data.remove();
  };
  try {
    const httpPort = await freePort();
    const pgPort = await freePort();
    app = startProcess(process.execPath, [bundle], {
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_METRICS_PORT: '0',
      PARLEY_SHUTDOWN_DELAY_MS: '0',
      PARLEY_DATA_DIR: data.path,
      PARLEY_HTTP_PORT: String(httpPort),
      PARLEY_EMBEDDED_PG_PORT: String(pgPort),
      PARLEY_WEB_ROOT: servedRoot,
      DATABASE_URL: '',
      PARLEY_DEMO_USERS: 'false',
      PARLEY_SIP_TCP_PORT: '0',
      PARLEY_SMTP_SUBMISSION_PORT: '0',
      PARLEY_SMTP_IMPLICIT_TLS_PORT: '0',
      PARLEY_SMTP_RELAY_PORT: '0',
    });
    const base = `http://127.0.0.1:${httpPort}`;
    await waitForHttpOk(`${base}/readyz`, app, 180_000);
    const credentials = JSON.parse(readFileSync(path.join(data.path, 'postgres.credentials.json'), 'utf8')) as {
      user: string;
      password: string;
    };
    await seedUsers(
      `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${pgPort}/parley`,
      options.contacts,
    );
    return { base, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The viewer and its contacts straight into the directory, as `parley-admin user add` would leave them (one scrypt hash for all). */
async function seedUsers(databaseUrl: string, contacts: number): Promise<void> {
  const passwordHash = await hashPassword(PASSWORD);
  const addresses = [viewer, ...Array.from({ length: contacts }, (_, i) => contactAddress(i))];
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO directory.mailbox_user (smtp_address, display_name, sip_uri, password_hash)
       SELECT a, 'Bench ' || a, 'sip:' || a, $2 FROM unnest($1::text[]) AS a`,
      [addresses, passwordHash],
    );
  } finally {
    await client.end();
  }
}

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;

/** A presence WebSocket of `user` (Basic, no Origin: a native client), once its own snapshot arrived. */
function connect(base: string, user: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/presence`, { headers: { Authorization: basic(user) } });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`${user}: the upgrade was answered ${res.statusCode}`)));
    ws.once('close', (code, reason) => reject(new Error(`${user}: closed ${code} ${String(reason)}`)));
    ws.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'hello') resolve(ws);
    });
  });
}

/**
 * The viewer's contacts through the protocol (`add-contact`), over a few connections at once, each
 * paced to the protocol's default message rate (20 per second: docs/presence-protocol.md, "Limits").
 */
async function addContacts(base: string, contacts: number): Promise<void> {
  const connections = 5;
  const gapMs = 1000 / 20;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const ws = await connect(base, viewer);
      try {
        for (let i = c; i < contacts; i += connections) {
          const sent = performance.now();
          await request(ws, { type: 'add-contact', id: `a${i}`, contact: contactAddress(i) });
          await new Promise((r) => setTimeout(r, Math.max(0, gapMs - (performance.now() - sent))));
        }
      } finally {
        ws.close();
      }
    }),
  );
}

/** Sends a request and resolves with its answer; retries after `rate-limited` as the protocol asks. */
function request(ws: WebSocket, message: { type: string; id: string } & Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer to ${message.type} ${message.id} within 10 s`)), 10_000);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (error) reject(error);
    };
    const onClose = (code: number) => finish(new Error(`${message.type}: the connection closed (${code})`));
    const onMessage = (data: WebSocket.RawData) => {
      const answer = JSON.parse(String(data)) as { id?: string; type: string; code?: string; retryAfterMs?: number };
      if (answer.id !== message.id) return;
      finish();
      if (answer.type === 'error' && answer.code === 'rate-limited')
        setTimeout(() => request(ws, message).then(resolve, reject), answer.retryAfterMs ?? 100);
      else if (answer.type === 'error') reject(new Error(`${message.type}: ${answer.code}`));
      else resolve();
    };
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(JSON.stringify(message));
  });
}

/** The viewer's session cookie, from the web client's own sign-in. */
async function signIn(base: string): Promise<string> {
  const answer = await fetch(`${base}/web/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ address: viewer, password: PASSWORD }),
  });
  const cookie = /parley_session=([^;]+)/.exec(answer.headers.get('set-cookie') ?? '')?.[1];
  if (answer.status !== 200 || !cookie) throw new Error(`sign-in failed: ${answer.status} ${await answer.text()}`);
  return cookie;
}
