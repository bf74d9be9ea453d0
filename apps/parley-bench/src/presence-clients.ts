// `main.js presence-clients`: every client socket of a `bench presence` run, in a process of its
// own so that their memory is not counted as the server's. Connection 0 is the user whose presence
// changes; connections 1..watchers watch that user; the rest stay idle. One clock times each
// change: from sending it on connection 0 to the first and the last watcher's receipt of its update.
import { signBearerToken } from '@parley/auth';
import { performance } from 'node:perf_hooks';
import { RawData, WebSocket } from 'ws';
import { benchUserAddress, ClientsRequest, ParleySignIn, PresenceTarget, reply } from './presence-bench-ipc';
import { sequenceOfUpdate } from './presence-bench-payload';

/** How a target's clients connect, watch, change presence and recognize an update. */
interface ClientDialect {
  /** Opens connection `index`; resolves once it can be used. */
  open(index: number): Promise<WebSocket>;
  /** Makes `ws` a watcher of the changing user; resolves with that user's current sequence once the server confirmed it. */
  watch(ws: WebSocket): Promise<number>;
  /**
   * Sends change `n` from the changing user's connection; resolves when the server answered it
   * (the change is stored), or at once with undefined when the protocol has no answer.
   */
  change(ws: WebSocket, n: number): Promise<number | undefined>;
  /** The sequence number of the changing user's update that `data` is; undefined for anything else. */
  sequenceOf(data: RawData): number | undefined;
}

function bareDialect(userUrl: string, url: string): ClientDialect {
  return {
    open: (index) => openSocket(index === 0 ? userUrl : url, index),
    watch: (ws) => request(ws, 'watch', (data) => (data.toString() === 'watching' ? 0 : undefined)),
    change: (ws, n) => {
      ws.send(`publish ${n}`);
      return Promise.resolve(undefined);
    },
    sequenceOf: (data) => sequenceOfUpdate(data.toString()),
  };
}

interface ParleyMessage {
  type?: string;
  id?: unknown;
  mailbox?: string;
  sequence?: number;
  presences?: { mailbox: string; sequence: number }[];
  code?: string;
  message?: string;
}

/**
 * The presence WebSocket protocol (docs/presence-protocol.md): every connection signs in as its own
 * user with a bearer token in the upgrade and waits for `hello`; watchers `subscribe` to user 0
 * (answered by `snapshot`); user 0 alternates `set-state` busy / available, so every change is a
 * new view for its watchers, each a `presence` event with the next sequence.
 */
function parleyDialect(userUrl: string, url: string, signIn: ParleySignIn): ClientDialect {
  const user = benchUserAddress(signIn, 0);
  const exp = Math.floor(Date.now() / 1000) + 24 * 3600;
  const parse = (data: RawData): ParleyMessage => JSON.parse(data.toString()) as ParleyMessage;
  const failure = (m: ParleyMessage) => (m.type === 'error' ? new Error(`server answered ${m.code}: ${m.message}`) : undefined);
  return {
    open: async (index) => {
      const authorization = `Bearer ${signBearerToken(signIn.tokenKey, { sub: benchUserAddress(signIn, index), exp })}`;
      const ws = await openSocket(index === 0 ? userUrl : url, index, { authorization }, (data) => {
        const m = parse(data);
        if (m.type === 'hello') return true;
        throw failure(m) ?? new Error(`expected hello, got ${m.type}`);
      });
      // Answered errors are reported by the change that misses its update; the user's own connection
      // must hear of a refused change at once.
      if (index === 0)
        ws.on('message', (data) => {
          const error = failure(parse(data));
          if (error) reply({ type: 'failed', message: `change refused: ${error.message}` });
        });
      return ws;
    },
    watch: (ws) =>
      request(ws, JSON.stringify({ type: 'subscribe', id: 'watch', targets: [user] }), (data) => {
        const m = parse(data);
        if (m.type === 'error' && m.id === 'watch') throw failure(m);
        if (m.type !== 'snapshot' || m.id !== 'watch') return undefined;
        const entry = m.presences?.find((p) => p.mailbox === user);
        if (!entry) throw new Error(`the snapshot has no presence for ${user}`);
        return entry.sequence;
      }),
    change: (ws, n) =>
      request(ws, JSON.stringify({ type: 'set-state', id: n, state: n % 2 ? 'busy' : 'available' }), (data) => {
        const m = parse(data);
        return m.type === 'settings' && m.id === n ? performance.now() : undefined;
      }),
    sequenceOf: (data) => {
      const m = parse(data);
      return m.type === 'presence' && m.mailbox === user ? m.sequence : undefined;
    },
  };
}

function dialectFor(target: PresenceTarget, userUrl: string, url: string, signIn: ParleySignIn | undefined): ClientDialect {
  if (target === 'bare') return bareDialect(userUrl, url);
  if (!signIn) throw new Error(`${target} needs sign-in settings`);
  return parleyDialect(userUrl, url, signIn);
}

export async function runPresenceClients(): Promise<void> {
  const sockets: WebSocket[] = [];
  let dialect: ClientDialect | undefined;
  let watchers: WebSocket[] = [];
  /** The newest sequence of the changing user any watcher has seen. */
  let newest = 0;
  /** The change being timed: an update counts once per watcher, when newer than what was known before the change. */
  let current:
    { after: number; sentAt: number; counted: Uint8Array; received: number; firstAt: number; bytes: number; done: () => void } | undefined;

  const onWatcherMessage = (watcher: number, data: RawData) => {
    const sequence = dialect?.sequenceOf(data);
    if (sequence === undefined) return;
    if (sequence > newest) newest = sequence;
    if (!current || sequence <= current.after || current.counted[watcher]) return;
    current.counted[watcher] = 1;
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
        const d = (dialect = dialectFor(req.target, req.userUrl, req.url, req.signIn));
        const started = performance.now();
        await inPool(req.count, req.concurrency, async (i) => {
          sockets[i] = await d.open(i);
        });
        reply({ type: 'connected', count: sockets.length, ms: performance.now() - started });
        return;
      }
      case 'watch': {
        const d = dialect;
        if (!d) throw new Error('connect first');
        if (req.watchers >= sockets.length) throw new Error('watchers must be fewer than the connections (connection 0 changes)');
        watchers = sockets.slice(1, 1 + req.watchers);
        await inPool(watchers.length, 100, async (i) => {
          newest = Math.max(newest, await d.watch(watchers[i]));
        });
        watchers.forEach((ws, i) => ws.on('message', (data: RawData) => onWatcherMessage(i, data)));
        reply({ type: 'watching', watchers: watchers.length });
        return;
      }
      case 'changes': {
        const d = dialect;
        if (!d) throw new Error('connect first');
        const first: number[] = [];
        const answered: number[] = [];
        const last: number[] = [];
        let updateBytes = 0;
        for (let n = 1; n <= req.changes; n++) {
          let change!: NonNullable<typeof current>;
          let answer: Promise<number | undefined> = Promise.resolve(undefined);
          const lastAt = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(
              () =>
                reject(new Error(`change ${n}: ${change.received} of ${watchers.length} watchers received it within ${req.timeoutMs} ms`)),
              req.timeoutMs,
            );
            change = current = {
              after: newest,
              sentAt: performance.now(),
              counted: new Uint8Array(watchers.length),
              received: 0,
              firstAt: 0,
              bytes: 0,
              done: () => {
                clearTimeout(timer);
                resolve(performance.now());
              },
            };
            answer = d.change(sockets[0], n);
          });
          const answeredAt = await answer;
          if (answeredAt !== undefined) answered.push(answeredAt - change.sentAt);
          first.push(change.firstAt - change.sentAt);
          last.push(lastAt - change.sentAt);
          updateBytes = change.bytes;
          current = undefined;
          await new Promise((resolve) => setTimeout(resolve, req.gapMs));
        }
        reply({ type: 'changes', first, last, answered, updateBytes });
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

/**
 * Opens a socket; with `isReady`, also waits for the first message it accepts (it may throw to
 * refuse the connection). Resolves with the socket ready for use.
 */
function openSocket(
  url: string,
  index: number,
  headers?: Record<string, string>,
  isReady?: (data: RawData) => boolean,
): Promise<WebSocket> {
  const what = `connection ${index}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, headers, localAddress: clientAddress(index) });
    const fail = (error: Error) => {
      ws.terminate();
      reject(new Error(`${what}: ${error.message}`));
    };
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode} to the upgrade`)));
    const onClose = (code: number, reason: Buffer) => fail(new Error(`closed before it was ready: ${code} ${reason.toString()}`));
    ws.once('close', onClose);
    const ready = () => {
      ws.off('error', fail);
      ws.off('close', onClose);
      // A socket failing later is reported by the change that misses it.
      ws.on('error', () => undefined);
      resolve(ws);
    };
    ws.once('open', () => {
      if (!isReady) return ready();
      const onMessage = (data: RawData) => {
        try {
          if (!isReady(data)) return;
        } catch (error) {
          return fail(error as Error);
        }
        ws.off('message', onMessage);
        ready();
      };
      ws.on('message', onMessage);
    });
  });
}

/**
 * The loopback address connection `index` connects from: 250 of them (127.0.1.0–127.0.1.249), as
 * users come from many addresses. Parley's sign-in throttle counts sign-ins in flight per client
 * address (PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS, default 100), so 200 handshakes at once from
 * one address would be refused with 429 — what it should do to one address, not to 10,000 users.
 */
function clientAddress(index: number): string {
  return `127.0.1.${index % 250}`;
}

/** Sends `text` on `ws` and resolves with the first non-undefined answer `answerOf` gives (it may throw to fail). */
function request<T>(ws: WebSocket, text: string, answerOf: (data: RawData) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: RawData) => {
      let answer: T | undefined;
      try {
        answer = answerOf(data);
      } catch (error) {
        ws.off('message', onMessage);
        return reject(error as Error);
      }
      if (answer === undefined) return;
      ws.off('message', onMessage);
      resolve(answer);
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
