// `main.js presence-clients`: every client socket of a `bench presence` run, in a process of its
// own so that their memory is not counted as the server's. Connection 0 is the user whose presence
// changes; connections 1..watchers watch that user; the rest stay idle. One clock times each
// change: from sending the trigger on connection 0 to the first and the last watcher's receipt.
import { performance } from 'node:perf_hooks';
import { RawData, WebSocket } from 'ws';
import { ClientsRequest, PresenceTarget, reply } from './presence-bench-ipc';
import { sequenceOfUpdate } from './presence-bench-payload';

/** How a target's clients connect, watch, change presence and recognize an update. */
interface ClientDialect {
  /** Opens connection `index`; resolves once it can be used. */
  open(index: number): Promise<WebSocket>;
  /** Makes `ws` a watcher of the changing user; resolves once the server confirmed it. */
  watch(ws: WebSocket): Promise<void>;
  /** Sends change `n` from the changing user's connection. */
  change(ws: WebSocket, n: number): void;
  /** The change number an incoming message is the update of; undefined for anything else. */
  changeOf(data: RawData): number | undefined;
}

function bareDialect(url: string): ClientDialect {
  return {
    open: (index) => openSocket(url, `connection ${index}`),
    watch: (ws) => request(ws, 'watch', (data) => data.toString() === 'watching'),
    change: (ws, n) => ws.send(`publish ${n}`),
    changeOf: (data) => sequenceOfUpdate(data.toString()),
  };
}

function dialectFor(target: PresenceTarget, url: string): ClientDialect {
  switch (target) {
    case 'bare':
      return bareDialect(url);
  }
}

export async function runPresenceClients(): Promise<void> {
  const sockets: WebSocket[] = [];
  let dialect: ClientDialect | undefined;
  let watchers: WebSocket[] = [];
  /** The change being timed, and what its receipts have shown so far. */
  let current: { n: number; sentAt: number; received: number; firstAt: number; bytes: number; done: () => void } | undefined;

  const onWatcherMessage = (data: RawData) => {
    if (!current || !dialect) return;
    const n = dialect.changeOf(data);
    if (n !== current.n) return;
    const now = performance.now();
    if (current.received++ === 0) {
      current.firstAt = now;
      current.bytes = byteLength(data);
    }
    if (current.received === watchers.length) current.done();
  };

  const handle = async (req: ClientsRequest): Promise<void> => {
    switch (req.type) {
      case 'connect': {
        dialect = dialectFor(req.target, req.url);
        const started = performance.now();
        const open = dialect.open.bind(dialect);
        await inPool(req.count, req.concurrency, async (i) => {
          sockets[i] = await open(i);
        });
        reply({ type: 'connected', count: sockets.length, ms: performance.now() - started });
        return;
      }
      case 'watch': {
        if (!dialect) throw new Error('connect first');
        if (req.watchers >= sockets.length) throw new Error('watchers must be fewer than the connections (connection 0 changes)');
        watchers = sockets.slice(1, 1 + req.watchers);
        const d = dialect;
        await inPool(watchers.length, 100, (i) => d.watch(watchers[i]));
        for (const ws of watchers) ws.on('message', onWatcherMessage);
        reply({ type: 'watching', watchers: watchers.length });
        return;
      }
      case 'changes': {
        if (!dialect) throw new Error('connect first');
        const first: number[] = [];
        const last: number[] = [];
        let updateBytes = 0;
        for (let n = 1; n <= req.changes; n++) {
          const finished = new Promise<number>((resolve, reject) => {
            const timer = setTimeout(
              () =>
                reject(
                  new Error(`change ${n}: ${current?.received ?? 0} of ${watchers.length} watchers received it within ${req.timeoutMs} ms`),
                ),
              req.timeoutMs,
            );
            current = {
              n,
              sentAt: performance.now(),
              received: 0,
              firstAt: 0,
              bytes: 0,
              done: () => {
                clearTimeout(timer);
                resolve(performance.now());
              },
            };
          });
          const change = current as NonNullable<typeof current>;
          change.sentAt = performance.now();
          dialect.change(sockets[0], n);
          const lastAt = await finished;
          first.push(change.firstAt - change.sentAt);
          last.push(lastAt - change.sentAt);
          updateBytes = change.bytes;
          current = undefined;
          await new Promise((resolve) => setTimeout(resolve, req.gapMs));
        }
        reply({ type: 'changes', first, last, updateBytes });
        return;
      }
      case 'close': {
        for (const ws of sockets) ws?.terminate();
        reply({ type: 'closed' });
        process.exit(0);
      }
    }
  };
  process.on('message', (req: ClientsRequest) => {
    handle(req).catch((error: unknown) => reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
  });
  process.on('disconnect', () => process.exit(0));
}

function openSocket(url: string, what: string, headers?: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, headers });
    ws.once('open', () => {
      ws.off('error', reject);
      // A socket failing later is reported by the change that misses it.
      ws.on('error', () => undefined);
      resolve(ws);
    });
    ws.once('error', (error) => reject(new Error(`${what}: ${error.message}`)));
  });
}

/** Sends `text` on `ws` and resolves at the first message `isAnswer` accepts. */
function request(ws: WebSocket, text: string, isAnswer: (data: RawData) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (data: RawData) => {
      if (!isAnswer(data)) return;
      ws.off('message', onMessage);
      resolve();
    };
    ws.on('message', onMessage);
    ws.send(text);
  });
}

function byteLength(data: RawData): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

/** Runs `work(0..count-1)` with at most `concurrency` at a time; the first failure fails the whole. */
async function inPool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
