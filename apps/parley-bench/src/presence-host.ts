// `main.js presence-host`: the server side of a `bench presence` run, alone in its process so that
// its heap is the server's alone. It answers the orchestrator's heap probe after forced full
// collections (started with --expose-gc). The server is either the bare baseline or a built Parley
// bundle (the embedded app, or a presence-bridge replica) loaded into this process as `node
// <bundle>` would run it, configured by the environment the orchestrator gave.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
import { HostRequest, PresenceTarget, reply } from './presence-bench-ipc';
import { updateOfSize } from './presence-bench-payload';

export async function runPresenceHost(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { target: { type: 'string' }, 'payload-bytes': { type: 'string' }, app: { type: 'string' }, port: { type: 'string' } },
  });
  const target = values.target as PresenceTarget;
  if (typeof global.gc !== 'function') throw new Error('presence-host needs --expose-gc');
  let stop: () => void = () => process.exit(0);
  process.on('message', (request: HostRequest) => {
    if (request.type === 'heap') void heap();
    if (request.type === 'stop') stop();
  });
  // The orchestrator gone (crashed, Ctrl+C): nothing left to serve.
  process.on('disconnect', () => stop());
  try {
    if (target === 'bare') {
      const bare = await startBareServer(values['payload-bytes'] ? Number(values['payload-bytes']) : undefined);
      stop = () => void bare.stop().finally(() => process.exit(0));
      reply({ type: 'ready', url: bare.url });
    } else {
      if (!values.app || !values.port) throw new Error('--app and --port are required');
      // The app's own signal handling closes it (and the embedded PostgreSQL) and exits the process.
      stop = () => process.kill(process.pid, 'SIGTERM');
      const base = `http://127.0.0.1:${values.port}`;
      // The bundle reads its command line as `node <bundle>` (no arguments: serve).
      process.argv = [process.argv[0], values.app];
      createRequire(__filename)(values.app);
      await untilReady(`${base}/readyz`, 180_000);
      reply({ type: 'ready', url: `ws://127.0.0.1:${values.port}/presence` });
    }
  } catch (error) {
    reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}

async function untilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(url).catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Full collections until the heap stops shrinking, then the figures. */
async function heap(): Promise<void> {
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    global.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
    const used = process.memoryUsage().heapUsed;
    if (used >= last * 0.999) break;
    last = used;
  }
  const m = process.memoryUsage();
  reply({ type: 'heap', heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers });
}

/**
 * The bare baseline: a plain `ws` server where a socket that sends `watch` becomes a watcher and
 * `publish <n>` broadcasts change n's update to every watcher — one buffer, sent as text to each,
 * in a loop. No authentication, no storage, no per-watcher view: the ceiling for a Node server.
 */
async function startBareServer(payloadBytes: number | undefined): Promise<{ url: string; stop: () => Promise<void> }> {
  const watchers = new Set<WebSocket>();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: true, backlog: 2048 });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === 'watch') {
        watchers.add(ws);
        ws.send('watching');
      } else if (text.startsWith('publish ')) {
        const update = Buffer.from(updateOfSize(Number(text.slice(8)), payloadBytes));
        for (const watcher of watchers) watcher.send(update, { binary: false });
      }
    });
    ws.on('close', () => watchers.delete(ws));
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
