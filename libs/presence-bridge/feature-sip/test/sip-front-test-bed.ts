import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@parley/auth';
import { DirectoryRepository } from '@parley/directory';
import type { PresenceCoreOptions } from '@parley/presence-bridge/feature-presence';
import { presenceCoreTestImports, presenceCoreTestOptions, startPresenceCore } from '@parley/presence-bridge/testing';
import { createTestDatabase, testAuthConfig } from '@parley/testing';
import { createHash, randomUUID } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { SipFrontModule, type SipFrontOptions, SipFrontServer } from '../src';

export const REALM = 'parley.test';
export const PASSWORD = 'correct horse';
export const testUsers = ['alice@parley.test', 'bob@parley.test', 'carol@parley.test'] as const;
/** Failed sign-ins from one client address before it is throttled. */
export const FAILURES_BEFORE_THROTTLE = 4;

export const defaultTestOptions: SipFrontOptions = {
  realm: REALM,
  tcpHost: '127.0.0.1',
  tcpPort: 0,
  tlsPort: 0,
  tls: undefined,
  maxRequestsPerSecond: 50,
  registerMinExpires: 60,
  registerMaxExpires: 3600,
  maxRegistrationsPerUser: 3,
  maxSubscriptionsPerUser: 20,
  maxConnectionsPerAddress: 20,
};

/** The presence core's settings for these specs: production's, with quick leases and receipts. */
export function sipCoreTestOptions(): PresenceCoreOptions {
  return presenceCoreTestOptions(`sip-core-${randomUUID().slice(0, 8)}`);
}

/**
 * A real Nest app as presence-bridge composes it: HTTP server (for `/sip`), TCP listener, the directory and
 * presence-bridge's tables in a fresh PostgreSQL database, the real sign-in, the presence core on the in-process bus.
 */
export interface SipFrontTestBed {
  readonly app: INestApplication;
  readonly server: SipFrontServer;
  readonly wsUrl: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  /** 0 unless the options name certificate files. */
  readonly tlsPort: number;
  close(): Promise<void>;
}

export async function startSipFrontTestBed(overrides: Partial<SipFrontOptions> = {}): Promise<SipFrontTestBed> {
  const database = await createTestDatabase('sipfront');
  // Port 0 turns TCP off in the front, so the test bed picks a free port unless told otherwise (TLS: with certificate files).
  const tlsPort = overrides.tls === undefined ? 0 : await freePort();
  const front = SipFrontModule.forRoot({ ...defaultTestOptions, tcpPort: await freePort(), tlsPort, ...overrides });
  const core = sipCoreTestOptions();

  @Module({
    imports: [
      ...presenceCoreTestImports({
        databaseUrl: database.url,
        core,
        bus: { clientId: 'sip-front-spec', groupPrefix: 'sip-front-spec', requestTimeoutMs: 5_000 },
        version: '9.9.9-test',
        directory: { digestRealm: REALM },
      }),
      AuthModule.forRoot(
        testAuthConfig({
          tokenKey: 'k'.repeat(32),
          maxFailuresPerAccountAddress: FAILURES_BEFORE_THROTTLE,
          maxFailuresPerAddress: FAILURES_BEFORE_THROTTLE,
        }),
      ),
      front,
    ],
  })
  class TestAppModule {}

  const app = await NestFactory.create(TestAppModule, { logger: ['error', 'warn'] });
  const directory = app.get(DirectoryRepository);
  try {
    await startPresenceCore(app);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    await database.drop();
    throw error;
  }
  // Passwords set through the directory, as an administrator would: that is what writes the HA1s digest reads.
  for (const address of testUsers) await directory.add({ smtpAddress: address, displayName: address.split('@')[0], password: PASSWORD });
  const server = app.get(SipFrontServer);
  const httpPort = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    server,
    httpPort,
    wsUrl: `ws://127.0.0.1:${httpPort}/sip`,
    tcpPort: server.tcpPort() ?? 0,
    tlsPort: server.tlsPort() ?? 0,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

/** One message read off the wire by the test's own minimal reader (independent of the codec under test). */
export interface WireMessage {
  readonly startLine: string;
  readonly status: number;
  /** Header lines as sent, `Name: value`. */
  readonly headers: readonly string[];
  readonly raw: string;
  header(name: string): string[];
}

/** A raw SIP-over-TCP client: writes text, reads whole messages (head up to CRLFCRLF, then Content-Length bytes). */
export class RawSipClient {
  private buffer = Buffer.alloc(0);
  private readonly received: WireMessage[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.cut();
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** `localAddress` (another loopback address, 127.0.0.2 …) gives the client a client address of its own. */
  static open(port: number, localAddress = '127.0.0.1'): Promise<RawSipClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(new RawSipClient(socket)));
      socket.once('error', reject);
    });
  }

  /** A client of SIP over TLS (`node:tls`) that trusts `ca` and checks the server's certificate for `servername`. */
  static openTls(port: number, ca: string, servername = 'localhost'): Promise<RawSipClient> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ port, host: '127.0.0.1', ca, servername, minVersion: 'TLSv1.2' }, () =>
        resolve(new RawSipClient(socket)),
      );
      socket.once('error', reject);
    });
  }

  /** Everything read so far that is not a whole message (the CRLF pong lands here). */
  get leftover(): string {
    return this.buffer.toString('latin1');
  }

  /** Discards what `leftover` shows. */
  dropLeftover(): void {
    this.buffer = Buffer.alloc(0);
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  async next(timeoutMs = 5_000): Promise<WireMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length === 0) {
      if (this.closed) throw new Error('the connection closed before a message arrived');
      if (Date.now() > deadline) throw new Error('no SIP message within the time allowed');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received.shift() as WireMessage;
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('the server kept the connection open');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private cut(): void {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = this.buffer.subarray(0, end).toString('utf8');
      const lines = head.split('\r\n');
      const lengthLine = lines.find((line) => /^(content-length|l)\s*:/i.test(line));
      const length = lengthLine === undefined ? 0 : Number(lengthLine.slice(lengthLine.indexOf(':') + 1).trim());
      if (this.buffer.length < end + 4 + length) return;
      const raw = this.buffer.subarray(0, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      const headers = lines.slice(1);
      this.received.push({
        startLine: lines[0],
        status: Number(/^SIP\/2\.0 (\d{3}) /.exec(lines[0])?.[1] ?? NaN),
        headers,
        raw,
        header: (name) =>
          headers
            .filter((line) => line.slice(0, line.indexOf(':')).trim().toLowerCase() === name.toLowerCase())
            .map((line) => line.slice(line.indexOf(':') + 1).trim()),
      });
    }
  }
}

/** An MD5 digest response (RFC 2617 with qop=auth) computed here with node:crypto, not with the code under test. */
export function md5Authorization(opts: {
  username: string;
  password: string;
  realm: string;
  nonce: string;
  opaque?: string;
  method: string;
  uri: string;
  nc?: string;
  cnonce?: string;
}): string {
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const nc = opts.nc ?? '00000001';
  const cnonce = opts.cnonce ?? 'abcdef0123';
  const ha1 = md5(`${opts.username}:${opts.realm}:${opts.password}`);
  const ha2 = md5(`${opts.method}:${opts.uri}`);
  const response = md5(`${ha1}:${opts.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const opaque = opts.opaque === undefined ? '' : `, opaque="${opts.opaque}"`;
  return (
    `Digest username="${opts.username}", realm="${opts.realm}", nonce="${opts.nonce}", uri="${opts.uri}", ` +
    `response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${opts.cnonce ?? 'abcdef0123'}"${opaque}`
  );
}

/** The named parameters of a `Digest …` challenge. */
export function challengeParams(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of value.matchAll(/([a-zA-Z-]+)=("([^"]*)"|[^,\s]+)/g)) params[match[1].toLowerCase()] = match[3] ?? match[2];
  return params;
}
