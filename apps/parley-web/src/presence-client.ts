import type {
  AnswerOf,
  AnsweredType,
  ErrorCode,
  Hello,
  IncomingIm,
  MessageWaiting,
  PresenceState,
  RequestOf,
  ServerMessage,
} from './protocol';

/** What the client needs of a WebSocket (the browser's, or a fake in the specs). */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
  random: () => Math.random(),
};

export interface CloseInfo {
  code: number;
  reason: string;
}

export type ConnectionState =
  | { status: 'connecting'; attempt: number }
  | { status: 'open'; hello: Hello }
  /** Lost; the next attempt starts at `retryAt` (epoch ms). */
  | { status: 'waiting'; attempt: number; retryAt: number; lastClose: CloseInfo }
  /**
   * Not reconnecting by itself: `policy` (the server closed with 1008 or another code a retry
   * would not cure; `close` says why), `signed-out` (the session cookie is no longer valid),
   * `stopped` (the app closed it).
   */
  | { status: 'closed'; reason: 'policy' | 'signed-out' | 'stopped'; close?: CloseInfo };

export interface PresenceUpdate {
  mailbox: string;
  sequence: number;
  presence: PresenceState;
}

export interface PresenceClientEvents {
  state: ConnectionState;
  presence: PresenceUpdate;
  im: IncomingIm;
  typing: { from: string; typing: boolean };
  'message-waiting': MessageWaiting;
  /** An `error` that answers no pending request (e.g. about a `typing` notice). */
  'protocol-error': { code: ErrorCode; message: string };
}

type Listener<T> = (payload: T) => void;

/** A request the server refused with `error`; `code` is the protocol's stable code. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** The request could not be answered: not connected, the connection dropped, or no answer in time. */
export class ConnectionError extends Error {
  constructor(readonly kind: 'not-connected' | 'connection-lost' | 'timeout') {
    super(kind);
    this.name = 'ConnectionError';
  }
}

/** Close codes after which the client reconnects by itself (docs/presence-protocol.md, "Close codes"). */
export const RECONNECT_CLOSE_CODES: ReadonlySet<number> = new Set([1001, 1006, 1011, 1013]);
/** First backoff step for codes whose cause may last a while (setup failed, slow reader): 4 s, then 8 s, … */
const SLOW_START_ATTEMPT: Partial<Record<number, number>> = { 1011: 2, 1013: 2 };
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/**
 * The wait before reconnect attempt `attempt` (0-based): exponential from 1 s, capped at 30 s, with
 * jitter between half and all of it so that clients dropped together (a deploy) do not return together.
 */
export function backoffDelay(attempt: number, random: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (0.5 + 0.5 * Math.min(1, Math.max(0, random))));
}

/**
 * Keeps the highest `sequence` seen per user on one connection, so that a snapshot entry or a
 * change older than what is shown is dropped (the protocol numbers each user's changes).
 */
export class SequenceTable {
  private readonly latest = new Map<string, number>();

  /** True when this update is newer than any seen for the user (and records it). */
  accept(mailbox: string, sequence: number): boolean {
    const key = mailbox.toLowerCase();
    const seen = this.latest.get(key);
    if (seen !== undefined && sequence <= seen) return false;
    this.latest.set(key, sequence);
    return true;
  }

  clear(): void {
    this.latest.clear();
  }
}

export interface PresenceClientOptions {
  url: string;
  createSocket: (url: string) => SocketLike;
  /**
   * Asked when a socket fails before it opened (the browser hides the upgrade's status): whether
   * the web session is still valid. `false` stops the client with `signed-out`.
   */
  sessionIsValid: () => Promise<boolean>;
  clock?: Clock;
  requestTimeoutMs?: number;
}

interface Pending {
  type: AnsweredType;
  resolve: (message: ServerMessage) => void;
  reject: (error: Error) => void;
  timer: unknown;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The presence WebSocket protocol's client: request/answer matching by id, ordering by sequence, reconnects. */
export class PresenceClient {
  private readonly clock: Clock;
  private readonly requestTimeoutMs: number;
  private readonly listeners = new Map<keyof PresenceClientEvents, Set<Listener<never>>>();
  private readonly pending = new Map<string, Pending>();
  private readonly sequences = new SequenceTable();
  private socket: SocketLike | null = null;
  private socketOpened = false;
  private retryTimer: unknown = null;
  private nextId = 1;
  private attempt = 0;
  private current: ConnectionState = { status: 'closed', reason: 'stopped' };

  constructor(private readonly options: PresenceClientOptions) {
    this.clock = options.clock ?? browserClock;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  get state(): ConnectionState {
    return this.current;
  }

  on<K extends keyof PresenceClientEvents>(type: K, listener: Listener<PresenceClientEvents[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Connects (or reconnects at once, cancelling a pending wait). */
  connect(): void {
    this.cancelRetry();
    this.dropSocket();
    this.open();
  }

  /** Closes for good (sign-out, page teardown). */
  stop(): void {
    this.cancelRetry();
    this.dropSocket();
    this.failPending(new ConnectionError('connection-lost'));
    this.setState({ status: 'closed', reason: 'stopped' });
  }

  /** Sends a request and resolves with its answer; rejects with ProtocolError or ConnectionError. */
  request<T extends AnsweredType>(message: RequestOf<T> & { type: T }): Promise<AnswerOf<T>> {
    if (this.current.status !== 'open' || !this.socket) return Promise.reject(new ConnectionError('not-connected'));
    const id = `r${this.nextId++}`;
    const socket = this.socket;
    return new Promise<AnswerOf<T>>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (this.pending.delete(id)) reject(new ConnectionError('timeout'));
      }, this.requestTimeoutMs);
      this.pending.set(id, { type: message.type, resolve: resolve as (m: ServerMessage) => void, reject, timer });
      socket.send(JSON.stringify({ ...message, id }));
    });
  }

  /** A best-effort notice without an answer (`typing`); dropped while not connected. */
  notify(message: RequestOf<'typing'> & { type: 'typing' }): boolean {
    if (this.current.status !== 'open' || !this.socket) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private open(): void {
    this.setState({ status: 'connecting', attempt: this.attempt });
    const socket = this.options.createSocket(this.options.url);
    this.socket = socket;
    this.socketOpened = false;
    this.sequences.clear();
    socket.onopen = () => {
      if (this.socket === socket) this.socketOpened = true;
    };
    socket.onmessage = (event) => {
      if (this.socket === socket && typeof event.data === 'string') this.receive(event.data);
    };
    // The close event follows every error; the decision is taken there.
    socket.onerror = () => undefined;
    socket.onclose = (event) => {
      if (this.socket === socket) this.closed({ code: event.code, reason: event.reason });
    };
  }

  private receive(data: string): void {
    let message: ServerMessage;
    try {
      const parsed: unknown = JSON.parse(data);
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string') return;
      message = parsed as ServerMessage;
    } catch {
      return;
    }
    const id = 'id' in message && message.id !== undefined ? String(message.id) : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    // A snapshot's entries go through the sequence table whether asked for or sent at connect (one's own).
    if (message.type === 'snapshot') this.applyPresences(message.presences);
    if (pending && id !== undefined) {
      this.pending.delete(id);
      this.clock.clearTimeout(pending.timer);
      if (message.type === 'error') pending.reject(new ProtocolError(message.code, message.message, message.retryAfterMs));
      else pending.resolve(message);
      return;
    }
    switch (message.type) {
      case 'hello':
        this.attempt = 0;
        this.setState({ status: 'open', hello: message });
        break;
      case 'presence':
        this.applyPresences([message]);
        break;
      case 'im':
        this.emit('im', message);
        break;
      case 'typing':
        this.emit('typing', { from: message.from, typing: message.typing });
        break;
      case 'message-waiting':
        this.emit('message-waiting', { type: 'message-waiting', newMessages: message.newMessages, oldMessages: message.oldMessages });
        break;
      case 'error':
        this.emit('protocol-error', { code: message.code, message: message.message });
        break;
      default:
        // Unknown or unsolicited types are ignored, as the protocol asks of clients.
        break;
    }
  }

  private applyPresences(entries: readonly PresenceUpdate[]): void {
    for (const entry of entries) {
      if (this.sequences.accept(entry.mailbox, entry.sequence)) {
        this.emit('presence', { mailbox: entry.mailbox.toLowerCase(), sequence: entry.sequence, presence: entry.presence });
      }
    }
  }

  private closed(close: CloseInfo): void {
    const opened = this.socketOpened;
    this.socket = null;
    this.failPending(new ConnectionError('connection-lost'));
    if (!opened) {
      // A refused upgrade (401, 429, 503) looks the same as a network failure to a page: ask the session.
      this.options.sessionIsValid().then(
        (valid) => {
          if (this.socket || this.retryTimer !== null || this.current.status === 'closed') return;
          if (valid) this.scheduleRetry(close);
          else this.setState({ status: 'closed', reason: 'signed-out', close });
        },
        () => {
          if (!this.socket && this.retryTimer === null && this.current.status !== 'closed') this.scheduleRetry(close);
        },
      );
      // Until the answer comes, show the connection as waiting rather than connecting.
      this.setState({ status: 'waiting', attempt: this.attempt, retryAt: this.clock.now(), lastClose: close });
      return;
    }
    if (RECONNECT_CLOSE_CODES.has(close.code)) this.scheduleRetry(close);
    else this.setState({ status: 'closed', reason: 'policy', close });
  }

  private scheduleRetry(close: CloseInfo): void {
    this.attempt = Math.max(this.attempt, SLOW_START_ATTEMPT[close.code] ?? 0);
    const delay = backoffDelay(this.attempt, this.clock.random());
    const attempt = this.attempt;
    this.attempt += 1;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
    this.setState({ status: 'waiting', attempt, retryAt: this.clock.now() + delay, lastClose: close });
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    try {
      socket.close(1000, 'client closed');
    } catch {
      // Closing a socket that is still connecting can throw in some engines; it is being dropped anyway.
    }
  }

  private failPending(error: Error): void {
    for (const [id, pending] of this.pending) {
      this.clock.clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(error);
    }
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.emit('state', state);
  }

  private emit<K extends keyof PresenceClientEvents>(type: K, payload: PresenceClientEvents[K]): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as Listener<PresenceClientEvents[K]>)(payload);
  }
}
