import { testAuthConfig } from '@parley/testing';
import { Global, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, signBearerToken } from '@parley/auth';
import { DirectoryRepository, WebSessionRepository } from '@parley/directory';
import { ObservabilityModule } from '@parley/observability';
import {
  InstantMessaging,
  PresenceCoreOptions,
  PresenceEndpoints,
  PresenceReader,
  PresenceSettingsService,
  PresenceWatchers,
} from '@parley/presence-bridge/feature-presence';
import { type ServerMessage, serverMessageSchema, type ServerMessageOf, type ServerMessageType } from '@parley/presence-bridge/protocol';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { PresenceSocketServer, type PresenceSocketOptions, PresenceWebSocketModule } from '../src';
import { InMemoryPresenceCore } from './in-memory-presence-core';
import { inMemoryDirectory, noWebSessions } from './in-memory-directory';

export const testUsers = ['alice@parley.test', 'bob@parley.test', 'carol@parley.test', 'dave@parley.test'] as const;
export const PASSWORD = 'correct horse';
const TOKEN_KEY = 'k'.repeat(32);
/** A bearer token for `mailbox`, valid for an hour. */
export const bearerTokenFor = (mailbox: string): string =>
  signBearerToken(TOKEN_KEY, { sub: mailbox, exp: Math.floor(Date.now() / 1000) + 3600 });
/** Failed sign-ins from one client address before it is throttled. */
export const FAILURES_BEFORE_THROTTLE = 5;

/** The core's limits the in-memory core applies (what PresenceFeatureModule would be given). */
export const testCoreLimits = { maxEndpointsPerUser: 5, imMaxChars: 100 };

export const defaultTestOptions: PresenceSocketOptions = {
  serverVersion: '9.9.9-test',
  maxFrameBytes: 16 * 1024,
  messagesPerSecond: 50,
  messageBurst: 20,
  maxSubscriptions: 3,
  maxConnectionsPerUser: 3,
  maxSendBufferBytes: 64 * 1024,
  pingIntervalMs: 60_000,
};

/** A real Nest app on a real HTTP server (127.0.0.1, a free port) serving `/presence` over the in-memory core. */
export interface PresenceSocketTestBed {
  readonly app: INestApplication;
  readonly core: InMemoryPresenceCore;
  readonly server: PresenceSocketServer;
  readonly url: string;
  readonly options: PresenceSocketOptions;
  connect(user: string, opts?: ConnectOptions): Promise<TestClient>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  password?: string;
  /** Raw `Authorization` header (overrides `password`); null: none. */
  authorization?: string | null;
  /** The client address the server should see (X-Forwarded-For from the trusted 127.0.0.1). */
  clientAddress?: string;
  path?: string;
  /** Sent as `Origin` (what a browser page does). */
  origin?: string;
  /** Sent as `Cookie` (the web client's session). */
  cookie?: string;
  /** false: the client does not answer the server's pings (a peer that is gone). */
  autoPong?: boolean;
}

export async function startPresenceSocketTestBed(overrides: Partial<PresenceSocketOptions> = {}): Promise<PresenceSocketTestBed> {
  const options = { ...defaultTestOptions, ...overrides };
  const core = new InMemoryPresenceCore(testUsers, testCoreLimits);

  @Global()
  @Module({
    providers: [
      { provide: DirectoryRepository, useValue: inMemoryDirectory(new Map(testUsers.map((u) => [u, PASSWORD]))) },
      { provide: WebSessionRepository, useValue: noWebSessions() },
    ],
    exports: [DirectoryRepository, WebSessionRepository],
  })
  class InMemoryDirectoryModule {}

  @Module({
    providers: [
      { provide: PresenceReader, useValue: core.reader },
      { provide: PresenceWatchers, useValue: core.watchers },
      { provide: PresenceEndpoints, useValue: core.endpoints },
      { provide: InstantMessaging, useValue: core.ims },
      { provide: PresenceSettingsService, useValue: core.settings },
      { provide: PresenceCoreOptions, useValue: testCoreLimits },
    ],
    exports: [PresenceReader, PresenceWatchers, PresenceEndpoints, InstantMessaging, PresenceSettingsService, PresenceCoreOptions],
  })
  class InMemoryCoreModule {}

  // The real sign-in (Authenticator, shared throttle, client addresses) over the in-memory directory.
  // The test clients connect from 127.0.0.1 and say who they are in X-Forwarded-For, so throttling one leaves the others alone.
  const auth = AuthModule.forRoot(
    testAuthConfig({
      tokenKey: TOKEN_KEY,
      maxFailuresPerAccountAddress: FAILURES_BEFORE_THROTTLE,
      maxFailuresPerAddress: FAILURES_BEFORE_THROTTLE,
      trustedProxies: ['127.0.0.1'],
    }),
  );

  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'presence-bridge', version: options.serverVersion }),
      InMemoryDirectoryModule,
      auth,
      PresenceWebSocketModule.forRoot(options, [InMemoryCoreModule]),
    ],
  })
  class TestAppModule {}

  const app = await NestFactory.create(TestAppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const base = `ws://127.0.0.1:${port}`;
  let clientNumber = 0;
  return {
    app,
    core,
    server: app.get(PresenceSocketServer),
    url: `${base}/presence`,
    options,
    connect: (user, opts = {}) => openTestClient(base, user, opts, (clientNumber += 1)),
    close: () => app.close(),
  };
}

/** Opens a client on `base` (`ws://host:port`) as `user`: Basic with the test password unless `opts` say otherwise. */
export function openTestClient(base: string, user: string, opts: ConnectOptions, clientNumber: number): Promise<TestClient> {
  const authorization =
    opts.authorization === undefined
      ? `Basic ${Buffer.from(`${user}:${opts.password ?? PASSWORD}`).toString('base64')}`
      : opts.authorization;
  const headers: Record<string, string> = { 'X-Forwarded-For': opts.clientAddress ?? `198.51.100.${clientNumber % 250}` };
  if (authorization !== null) headers.Authorization = authorization;
  if (opts.origin !== undefined) headers.Origin = opts.origin;
  if (opts.cookie !== undefined) headers.Cookie = opts.cookie;
  return TestClient.open(`${base}${opts.path ?? '/presence'}?client=test-${clientNumber}`, headers, opts.autoPong ?? true);
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
  ) {
    super(`upgrade refused with ${status}`);
  }
}

interface Waiter {
  /** A `next` waiter takes the message (a later `next` will not return it again). */
  takes: boolean;
  match: (message: ServerMessage) => boolean;
  resolve: (message: ServerMessage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A `ws` client that validates every message it receives against the protocol's schema (a message
 * that does not validate fails the test) and lets a test wait for the next one of a kind.
 */
export class TestClient {
  readonly received: ServerMessage[] = [];
  readonly invalid: unknown[] = [];
  private readonly waiters = new Set<Waiter>();
  /** Indexes of `received` already returned by `next`. */
  private readonly taken = new Set<number>();
  private nextId = 1;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        this.invalid.push(data.toString());
        return;
      }
      const parsed = serverMessageSchema.safeParse(message);
      if (!parsed.success) {
        this.invalid.push({ message, issues: parsed.error.issues });
        return;
      }
      const index = this.received.push(parsed.data) - 1;
      for (const waiter of this.waiters) {
        if (waiter.match(parsed.data)) {
          this.waiters.delete(waiter);
          clearTimeout(waiter.timer);
          if (waiter.takes) this.taken.add(index);
          waiter.resolve(parsed.data);
          if (waiter.takes) break;
        }
      }
    });
  }

  static open(url: string, headers: Record<string, string>, autoPong = true): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, maxPayload: 64 * 1024 * 1024, autoPong });
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        reject(new UpgradeRefused(res.statusCode ?? 0, res.headers));
        res.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  /** The next message of `type` (matching `where`) not yet taken by an earlier `next`, waiting for it if need be. */
  next<T extends ServerMessageType>(
    type: T,
    where: (m: ServerMessageOf<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerMessageOf<T>> {
    const match = (m: ServerMessage): boolean => m.type === type && where(m as ServerMessageOf<T>);
    for (let i = 0; i < this.received.length; i++) {
      if (!this.taken.has(i) && match(this.received[i])) {
        this.taken.add(i);
        return Promise.resolve(this.received[i] as ServerMessageOf<T>);
      }
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        takes: true,
        match,
        resolve: (m) => resolve(m as ServerMessageOf<T>),
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`no ${type} within ${timeoutMs} ms; received: ${JSON.stringify(this.received.slice(-5))}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Sends a request with a fresh id and waits for the answer carrying it. */
  async request(message: Record<string, unknown>, timeoutMs = 5000): Promise<ServerMessage> {
    const id = `r${this.nextId++}`;
    const reply = this.waitFor((m) => 'id' in m && m.id === id, timeoutMs);
    this.send({ ...message, id });
    return reply;
  }

  /** Any message matching, received from now on. */
  waitFor(match: (m: ServerMessage) => boolean, timeoutMs = 5000): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        takes: false,
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`no matching message within ${timeoutMs} ms; received: ${JSON.stringify(this.received.slice(-5))}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Messages of `type` received so far. */
  all<T extends ServerMessageType>(type: T): ServerMessageOf<T>[] {
    return this.received.filter((m) => m.type === type) as ServerMessageOf<T>[];
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}
