import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthErrorCode, AuthException, Authenticator, clientAddressOf, readWebSessionCookie, WebOrigins, WebSessions } from '@parley/auth';
import type { DirectoryUser } from '@parley/directory';
import {
  InstantMessaging,
  PresenceCoreOptions,
  PresenceEndpoints,
  PresenceReader,
  PresenceSettingsService,
  PresenceWatchers,
} from '@parley/presence-bridge/feature-presence';
import { CloseCodes, CloseReasons, type ConnectionLimits, ProtocolLimits } from '@parley/presence-bridge/protocol';
import { Metrics, UpgradeRoutes } from '@parley/observability';
import { ClientAddressResolver } from '@parley/sign-in';
import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ServerOptions, type WebSocket, WebSocketServer } from 'ws';
import { PresenceFrames } from './presence-frames';
import { PresenceSocketMetrics } from './presence-socket.metrics';
import {
  CLOSE_HANDSHAKE_TIMEOUT_MS,
  PRESENCE_SOCKET_OPTIONS,
  PRESENCE_SOCKET_PATH,
  type PresenceSocketOptions,
} from './presence-socket.options';
import { type PresenceSessionHost, PresenceSocketSession } from './presence-socket.session';

/** The realm of the challenge, the same as EWS's: one set of credentials for every protocol. */
const REALM = 'Parley';
/** How long shutdown waits for clients to answer the close handshake before dropping them. */
const SHUTDOWN_GRACE_MS = 2_000;
const MAX_LABEL_LENGTH = 64;

/**
 * Serves the presence WebSocket protocol on `GET /presence` of the app's HTTP server (the same port
 * as everything else; in the embedded mode shared with EWS). The upgrade is signed in before the
 * handshake; each accepted socket becomes a `PresenceSocketSession`. One interval pings every socket
 * and drops those that did not answer the previous ping: no timer per connection.
 */
@Injectable()
export class PresenceSocketServer implements PresenceSessionHost, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly logger = new Logger('PresenceSocket');
  readonly frames = new PresenceFrames();
  readonly limits: ConnectionLimits;
  private readonly sessions = new Set<PresenceSocketSession>();
  private readonly connectionsByUser = new Map<string, number>();
  /** Session setups and endpoint closes still running (shutdown waits for them). */
  private readonly pending = new Set<Promise<unknown>>();
  private wss: WebSocketServer | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  private readonly metrics: PresenceSocketMetrics | null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly upgrades: UpgradeRoutes,
    readonly reader: PresenceReader,
    readonly watchers: PresenceWatchers,
    readonly endpoints: PresenceEndpoints,
    readonly ims: InstantMessaging,
    readonly settings: PresenceSettingsService,
    private readonly authenticator: Authenticator,
    private readonly webSessions: WebSessions,
    private readonly origins: WebOrigins,
    private readonly clientAddresses: ClientAddressResolver,
    @Inject(PRESENCE_SOCKET_OPTIONS) readonly options: PresenceSocketOptions,
    core: PresenceCoreOptions,
    @Optional() metrics?: Metrics,
  ) {
    this.metrics = metrics ? new PresenceSocketMetrics(metrics, () => this.sessions.size) : null;
    this.limits = {
      maxFrameBytes: options.maxFrameBytes,
      messagesPerSecond: options.messagesPerSecond,
      messageBurst: options.messageBurst,
      maxSubscriptions: options.maxSubscriptions,
      maxConnectionsPerUser: options.maxConnectionsPerUser,
      maxSendBufferBytes: options.maxSendBufferBytes,
      pingIntervalMs: options.pingIntervalMs,
      maxTargetsPerRequest: ProtocolLimits.maxTargetsPerRequest,
      // What the core takes (PARLEY_PRESENCE_IM_MAX_CHARS); the schema's own bound is looser.
      maxImChars: core.imMaxChars,
    };
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server === undefined) throw new Error('the presence WebSocket needs the HTTP server (no HTTP adapter)');
    // ws 8.23 takes closeTimeout (the wait for the peer's close frame); @types/ws does not list it yet.
    const wsOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      maxPayload: this.options.maxFrameBytes,
      clientTracking: false,
      perMessageDeflate: false,
      closeTimeout: CLOSE_HANDSHAKE_TIMEOUT_MS,
    };
    this.wss = new WebSocketServer(wsOptions);
    this.upgrades.register(server, PRESENCE_SOCKET_PATH, this.onUpgrade);
    this.keepalive = setInterval(() => this.ping(), this.options.pingIntervalMs);
    this.keepalive.unref();
  }

  /**
   * Closes every socket with 1001 (clients reconnect, to another replica), drops those that do not
   * answer, and waits for the core to have closed their endpoints, all within a short grace.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.keepalive) clearInterval(this.keepalive);
    const sockets = [...this.sessions].map((session) => session.ws);
    for (const session of [...this.sessions]) session.close(CloseCodes.goingAway, CloseReasons.shutdown);
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    const closed = sockets.map((ws) =>
      ws.readyState === ws.CLOSED ? Promise.resolve() : new Promise<void>((r) => ws.once('close', () => r())),
    );
    await withDeadline(Promise.all(closed), deadline);
    for (const ws of sockets) if (ws.readyState !== ws.CLOSED) ws.terminate();
    // Setups still running close their endpoint when they see the session gone, which adds to `pending`.
    while (this.pending.size > 0 && Date.now() < deadline) await withDeadline(Promise.all([...this.pending]), deadline);
    if (this.pending.size > 0) this.logger.warn(`${this.pending.size} presence endpoints were still closing at shutdown`);
    this.wss?.close();
  }

  /** Open sessions and the users they belong to (for metrics and tests). */
  stats(): { connections: number; users: number } {
    return { connections: this.sessions.size, users: this.connectionsByUser.size };
  }

  track(work: Promise<unknown>): void {
    const forget = (): void => {
      this.pending.delete(settled);
    };
    const settled: Promise<void> = work.then(forget, forget);
    this.pending.add(settled);
  }

  closedBy(code: number): void {
    this.metrics?.closedBy(code);
  }

  release(session: PresenceSocketSession): void {
    if (!this.sessions.delete(session)) return;
    const count = (this.connectionsByUser.get(session.mailbox) ?? 1) - 1;
    if (count > 0) this.connectionsByUser.set(session.mailbox, count);
    else this.connectionsByUser.delete(session.mailbox);
  }

  /** Upgrades of `/presence` (the app's `UpgradeRoutes` answers other paths). */
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', destroySocket);
    // The route stays registered until the app closes: no new session once shutdown began.
    if (this.shuttingDown) return this.refuse(socket, 503);
    // A browser page sends Origin, and its browser attaches whatever it holds for this host (the session cookie,
    // cached Basic credentials) whichever site the page is from: only an allowed origin, and only the web client's
    // session cookie, which SameSite=Strict keeps off other sites' requests.
    if (req.headers.origin !== undefined) {
      if (!this.origins.allows(req)) return this.refuse(socket, 403);
      return void this.admit(req, socket, head, () => this.fromSessionCookie(req));
    }
    void this.admit(req, socket, head, () =>
      this.authenticator.authenticate(req.headers.authorization, clientAddressOf(this.clientAddresses, req)),
    );
  };

  /** A browser's upgrade: its web session, or 403 (no cookie: credentials a browser attached on its own are not taken). */
  private async fromSessionCookie(req: IncomingMessage): Promise<DirectoryUser> {
    const token = readWebSessionCookie(req);
    if (token === undefined) {
      throw new AuthException(AuthErrorCode.CsrfRejected, 'A browser signs in with the web session only.', undefined, 'session');
    }
    const session = await this.webSessions.resolve(token);
    if (session === undefined) throw new AuthException(AuthErrorCode.Unauthenticated, 'The session has ended.', undefined, 'session');
    return session.user;
  }

  private async admit(req: IncomingMessage, socket: Duplex, head: Buffer, signIn: () => Promise<DirectoryUser>): Promise<void> {
    let mailbox: string;
    try {
      const user = await signIn();
      mailbox = user.smtpAddress.toLowerCase();
    } catch (error) {
      if (error instanceof AuthException) return this.refuseSignIn(socket, error);
      this.logger.error(`presence socket sign-in failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return this.refuse(socket, 503, { 'Retry-After': '5' });
    }
    if (socket.destroyed || this.shuttingDown || this.wss === null) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, mailbox, req));
  }

  /**
   * Before the handshake, as HTTP: 401 with the challenge (Bearer offered when tokens are
   * configured; none for an ended web session), 429 with Retry-After when the shared sign-in
   * throttle refuses the client, 403 for a browser without its web session.
   */
  private refuseSignIn(socket: Duplex, error: AuthException): void {
    switch (error.code) {
      case AuthErrorCode.Unauthenticated: {
        if (error.source === 'session') return this.refuse(socket, 401);
        const challenge = [`Basic realm="${REALM}"`];
        if (this.authenticator.bearerEnabled) challenge.push(`Bearer realm="${REALM}"`);
        return this.refuse(socket, 401, { 'WWW-Authenticate': challenge });
      }
      case AuthErrorCode.Throttled:
        return this.refuse(socket, 429, { 'Retry-After': String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000))) });
      // Impersonation is not part of this protocol (a socket acts for the user who signed in): never raised here.
      case AuthErrorCode.ImpersonationDenied:
      case AuthErrorCode.UnknownMailbox:
      case AuthErrorCode.CsrfRejected:
        return this.refuse(socket, 403);
      default:
        return assertNever(error.code);
    }
  }

  private refuse(socket: Duplex, status: number, headers: Record<string, string | string[]> = {}): void {
    this.metrics?.upgradeRefused(status);
    writeRefusal(socket, status, headers);
  }

  private open(ws: WebSocket, mailbox: string, req: IncomingMessage): void {
    // ws reports the frames it refuses itself (and closes with 1009, 1007 or 1002) as errors.
    ws.on('error', (error: Error & { code?: string }) => {
      this.closedBy(wsCloseCodes[error.code ?? ''] ?? 1002);
      this.logger.debug(`presence socket of ${mailbox}: ${error.message}`);
    });
    const count = this.connectionsByUser.get(mailbox) ?? 0;
    if (count >= this.options.maxConnectionsPerUser || this.shuttingDown) {
      this.closedBy(this.shuttingDown ? CloseCodes.goingAway : CloseCodes.policyViolation);
      ws.close(
        this.shuttingDown ? CloseCodes.goingAway : CloseCodes.policyViolation,
        this.shuttingDown ? CloseReasons.shutdown : CloseReasons.tooManyConnections,
      );
      return;
    }
    this.connectionsByUser.set(mailbox, count + 1);
    const session = new PresenceSocketSession(ws, mailbox, labelOf(req), this);
    this.sessions.add(session);
    ws.on('message', (data, isBinary) => session.onMessage(data, isBinary));
    ws.on('pong', () => session.onPong());
    ws.on('close', () => session.dispose());
    this.track(session.start());
  }

  /** The one keepalive timer: a socket that did not answer the previous ping (nor sent anything) is dropped. */
  private ping(): void {
    for (const session of this.sessions) {
      if (!session.alive) {
        session.terminate();
        continue;
      }
      session.alive = false;
      session.ws.ping();
    }
  }
}

/** The close code ws sent with each frame error it raises (protocol errors otherwise: 1002). */
const wsCloseCodes: Record<string, number> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: CloseCodes.tooBig,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: CloseCodes.tooBig,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: CloseCodes.policyViolation,
  WS_ERR_INVALID_UTF8: CloseCodes.malformed,
};

function assertNever(value: never): never {
  throw new Error(`unhandled sign-in refusal ${String(value)}`);
}

async function withDeadline(work: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
  clearTimeout(timer);
}

/** What the user calls this client: `?client=` if given, else its User-Agent, cut short; shown only to the user. */
function labelOf(req: IncomingMessage): string {
  let given: string | null;
  try {
    given = new URL(req.url ?? '/', 'http://presence.invalid').searchParams.get('client');
  } catch {
    given = null;
  }
  const text = [...(given ?? req.headers['user-agent'] ?? '')]
    .filter((c) => c >= ' ' && c !== '\u007f')
    .join('')
    .trim();
  return text.slice(0, MAX_LABEL_LENGTH) || 'WebSocket client';
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

/** Answers an upgrade with a plain HTTP status (no handshake) and closes the connection. */
function writeRefusal(socket: Duplex, status: number, headers: Record<string, string | string[]> = {}): void {
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, 'Connection: close', 'Content-Length: 0'];
  for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n`);
}
