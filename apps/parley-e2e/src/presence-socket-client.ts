// A client of the presence WebSocket protocol (docs/presence-protocol.md) as an application would
// write one with the `ws` package: signs in at the upgrade, waits for `hello`, matches answers to
// requests by `id`, and keeps every message the server sent with the instant it arrived, so a test
// can wait for one and say how long it took. Every message is also checked against the protocol's
// schema; what does not match is kept in `violations`.
import { serverMessageSchema } from '@parley/presence-bridge/protocol';
import { waitFor } from '@parley/testing';
import { WebSocket } from 'ws';

/** A server message: `type` and the fields the protocol gives it. */
export type ServerMessage = { type: string; id?: string | number } & Record<string, unknown>;

export interface ReceivedMessage {
  message: ServerMessage;
  /** `Date.now()` when it arrived. */
  receivedAt: number;
}

/** A request the server refused with an `error` message. */
export class PresenceRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export class PresenceSocketClient {
  readonly received: ReceivedMessage[] = [];
  /** Server messages that do not match the protocol's schema, with zod's reason. */
  readonly violations: { message: unknown; issues: string }[] = [];
  private nextId = 1;
  private readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    private readonly ws: WebSocket,
    /** The `hello` message. */
    readonly hello: ServerMessage,
  ) {
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens `url` with `authorization` (e.g. `Bearer <token>` or `Basic …`) and waits for `hello`. */
  static connect(url: string, authorization: string, timeoutMs = 10_000): Promise<PresenceSocketClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { authorization } });
      const early: ReceivedMessage[] = [];
      let client: PresenceSocketClient | undefined;
      const timer = setTimeout(() => fail(new Error(`no hello from ${url} within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(error);
      };
      ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode} to the upgrade of ${url}`)));
      ws.once('error', fail);
      const violations: PresenceSocketClient['violations'] = [];
      ws.on('message', (data) => {
        const entry = { message: JSON.parse(data.toString()) as ServerMessage, receivedAt: Date.now() };
        const checked = serverMessageSchema.safeParse(entry.message);
        if (!checked.success) (client?.violations ?? violations).push({ message: entry.message, issues: checked.error.message });
        if (client) client.received.push(entry);
        else early.push(entry);
        if (!client && entry.message.type === 'hello') {
          clearTimeout(timer);
          ws.off('error', fail);
          ws.on('error', () => undefined);
          client = new PresenceSocketClient(ws, entry.message);
          client.received.push(...early);
          client.violations.push(...violations);
          resolve(client);
        }
      });
    });
  }

  /** Sends `type` with `fields` and an id; resolves with the answer carrying that id, rejects on an `error` answer. */
  async request(type: string, fields: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<ServerMessage> {
    const id = `r${this.nextId++}`;
    const mark = this.received.length;
    this.send({ type, id, ...fields });
    const answer = await this.next((m) => m.id === id, { from: mark, timeoutMs, what: `the answer to ${type}` });
    if (answer.message.type === 'error') throw new PresenceRequestError(String(answer.message['code']), String(answer.message['message']));
    return answer.message;
  }

  /** Sends a message as it is (for requests answered by something other than their id, or not at all). */
  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  /** The first message at index `from` or later (default: any) that `matches`, waiting for it if need be. */
  next(matches: (m: ServerMessage) => boolean, opts: { from?: number; timeoutMs?: number; what?: string } = {}): Promise<ReceivedMessage> {
    const from = opts.from ?? 0;
    return waitFor(() => this.received.slice(from).find((r) => matches(r.message)), {
      timeoutMs: opts.timeoutMs ?? 10_000,
      intervalMs: 5,
      what: opts.what ?? 'a message',
    });
  }

  /** `presence` events about `mailbox` so far, in arrival order. */
  presenceOf(mailbox: string): ReceivedMessage[] {
    return this.received.filter((r) => r.message.type === 'presence' && r.message['mailbox'] === mailbox);
  }

  /** Resolves with the close code and reason once the socket is closed (by either side). */
  get closedWith(): Promise<{ code: number; reason: string }> {
    return this.closed;
  }

  /** The number of messages so far: a mark for `next({ from })`. */
  get mark(): number {
    return this.received.length;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(1000);
    const timer = setTimeout(() => this.ws.terminate(), 2_000);
    await this.closed;
    clearTimeout(timer);
  }
}
