import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { clientAddressOf } from '@parley/auth';
import { DirectoryRepository } from '@parley/directory';
import { UpgradeRoutes } from '@parley/observability';
import { createResponse, DEFAULT_SIP_LIMITS, type SipRequest } from '@parley/presence-bridge/sip';
import { ClientAddressResolver, normalizeIpAddress, SignInThrottle, UNKNOWN_CLIENT_ADDRESS } from '@parley/sign-in';
import { onHangup, readTlsFiles, type TlsFiles } from '@parley/tls';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { type AddressInfo, createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { SipAuthentication } from './sip-authentication';
import type { SipConnection, SipConnectionHost } from './sip-connection';
import { SipConnectionRegistry } from './sip-connection.registry';
import {
  SIP_DEFAULT_EXPIRES,
  SIP_FRONT_OPTIONS,
  SIP_PUBLISH_MIN_EXPIRES,
  SIP_SHUTDOWN_GRACE_MS,
  SIP_SWEEP_INTERVAL_MS,
  SIP_TLS_HANDSHAKE_TIMEOUT_MS,
  SIP_WEBSOCKET_PATH,
  SIP_WEBSOCKET_PROTOCOL,
  type SipFrontOptions,
} from './sip-front.options';
import { SipFrontService } from './sip-front.service';
import { SIP_IDENTITY_CACHE, SipIdentities } from './sip-identities';
import { SipMessages } from './sip-messages';
import { SipPresenceCore } from './sip-presence-core';
import { SipEndpoints } from './sip-endpoints';
import { SipPublications } from './sip-publications';
import { SipRegistrar } from './sip-registrar';
import { SipSubscriptions } from './sip-subscriptions';
import { SipTcpConnection } from './sip-tcp.connection';
import { SipWebSocketConnection } from './sip-websocket.connection';

/**
 * The SIP front's transports: SIP over TCP on its own port, SIP over TLS on another (when a certificate is configured),
 * and SIP over WebSocket on `GET /sip` of the app's HTTP server (a route of the app's `UpgradeRoutes`, beside the
 * presence WebSocket's). Owns the connections of this replica and the registrar whose bindings live on them.
 */
@Injectable()
export class SipFrontServer implements SipConnectionHost, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SipFront');
  readonly registrar: SipRegistrar;
  /** PUBLISH's entity tags of this replica. */
  readonly publications: SipPublications;
  readonly connections: SipConnectionRegistry;
  readonly subscriptions: SipSubscriptions;
  readonly endpoints: SipEndpoints;
  /** SIP URIs ↔ directory users (docs/sip.md, "Identities"). */
  readonly identities: SipIdentities;
  private readonly service: SipFrontService;
  private tcp: NetServer | null = null;
  private tls: NetServer | null = null;
  /** The certificate new TLS connections get; replaced on SIGHUP (open connections keep theirs). */
  private secureContext: SecureContext | null = null;
  private stopHangup: (() => void) | undefined;
  private wss: WebSocketServer | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  /** Shutdown's wait for the last connection to go. */
  private readonly drained: Array<() => void> = [];

  constructor(
    @Inject(SIP_FRONT_OPTIONS) private readonly options: SipFrontOptions,
    directory: DirectoryRepository,
    throttle: SignInThrottle,
    private readonly clientAddresses: ClientAddressResolver,
    private readonly adapterHost: HttpAdapterHost,
    private readonly upgrades: UpgradeRoutes,
    /** The presence core's ports, for SUBSCRIBE, PUBLISH, MESSAGE and registered endpoints. */
    readonly core: SipPresenceCore,
  ) {
    this.registrar = new SipRegistrar({
      minExpires: options.registerMinExpires,
      maxExpires: options.registerMaxExpires,
      defaultExpires: Math.min(SIP_DEFAULT_EXPIRES, options.registerMaxExpires),
      maxBindingsPerUser: options.maxRegistrationsPerUser,
      now: Date.now,
    });
    this.connections = new SipConnectionRegistry(options.maxConnectionsPerAddress);
    const authentication = new SipAuthentication(options.realm, directory, throttle, options.nonceKey);
    // Subscriptions take the registration range: a connection idle longer than its maximum is closed, so a longer
    // subscription could not be kept either (docs/sip.md).
    this.subscriptions = new SipSubscriptions(core, {
      minExpires: options.registerMinExpires,
      maxExpires: options.registerMaxExpires,
      defaultExpires: Math.min(SIP_DEFAULT_EXPIRES, options.registerMaxExpires),
      maxPerUser: options.maxSubscriptionsPerUser,
      now: Date.now,
    });
    this.identities = new SipIdentities(directory, { ...SIP_IDENTITY_CACHE, now: Date.now });
    const identities = this.identities;
    this.endpoints = new SipEndpoints(
      core,
      this.registrar,
      (id) => this.connections.get(id),
      async (address) => (await identities.ofAddress(address)).uri,
    );
    this.publications = new SipPublications(core.settings, {
      minExpires: options.publishMinExpires ?? SIP_PUBLISH_MIN_EXPIRES,
      now: Date.now,
    });
    this.service = new SipFrontService(
      this.identities,
      authentication,
      this.registrar,
      this.endpoints,
      this.subscriptions,
      this.publications,
      new SipMessages(core.ims, this.identities),
    );
  }

  get maxRequestsPerSecond(): number {
    return this.options.maxRequestsPerSecond;
  }

  /** Longer than any registration lasts, so only connections that hold nothing are closed for silence. */
  get idleTimeoutMs(): number {
    return (this.options.registerMaxExpires + 60) * 1000;
  }

  async onApplicationBootstrap(): Promise<void> {
    const http = this.adapterHost.httpAdapter?.getHttpServer() as HttpServer | undefined;
    if (http !== undefined) {
      this.wss = new WebSocketServer({
        noServer: true,
        maxPayload: DEFAULT_SIP_LIMITS.maxMessageBytes,
        clientTracking: false,
        perMessageDeflate: false,
        handleProtocols: (offered) => (offered.has(SIP_WEBSOCKET_PROTOCOL) ? SIP_WEBSOCKET_PROTOCOL : false),
      });
      this.upgrades.register(http, SIP_WEBSOCKET_PATH, this.onUpgrade);
    }
    if (this.options.tcpPort !== 0) await this.listenTcp();
    // The "TLS on 5061 when a certificate is configured": no certificate, no TLS listener (docs/sip.md).
    if (this.options.tlsPort !== 0 && this.options.tls !== undefined) await this.listenTls(this.options.tls);
    this.sweeper = setInterval(() => {
      this.registrar.sweep();
      void this.publications.sweep();
    }, SIP_SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** The TCP port actually bound (tests listen on a free one), or undefined when TCP is off. */
  tcpPort(): number | undefined {
    const address = this.tcp?.address();
    return address !== null && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  /** The TLS port actually bound, or undefined when SIP over TLS is off. */
  tlsPort(): number | undefined {
    const address = this.tls?.address();
    return address !== null && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  /**
   * Reads the certificate and key files again (what SIGHUP does) for the connections that come next; a pair that cannot
   * be read, or whose key is not the certificate's, is logged and the previous one stays in use.
   */
  async reloadTls(): Promise<boolean> {
    const files = this.options.tls;
    if (files === undefined || this.tls === null) return false;
    try {
      this.secureContext = secureContextOf(await readTlsFiles(files));
      this.logger.log('SIP TLS certificate reloaded');
      return true;
    } catch (error) {
      this.logger.error(`SIP TLS certificate not reloaded, the previous one stays in use: ${(error as Error).message}`);
      return false;
    }
  }

  /** Stops accepting, closes every connection (clients re-register elsewhere), drops those still open after a grace. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.stopHangup?.();
    const listenersClosed = Promise.all(
      [this.tcp, this.tls].map((server) => (server ? new Promise<void>((resolve) => server.close(() => resolve())) : undefined)),
    );
    const open = this.connections.all();
    for (const connection of open) {
      if (connection instanceof SipWebSocketConnection) connection.goAway();
      else connection.close();
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, SIP_SHUTDOWN_GRACE_MS)));
    await Promise.race([Promise.all([listenersClosed, this.allClosed()]), deadline]);
    clearTimeout(timer);
    for (const connection of this.connections.all()) connection.destroy();
    this.wss?.close();
    this.subscriptions.stop();
    await this.endpoints.stop();
  }

  async process(request: SipRequest, connection: SipConnection): Promise<void> {
    let response;
    try {
      response = await this.service.handle(request, connection);
    } catch (error) {
      // The directory unreachable, say: the client may retry shortly (RFC 3261 §21.5.1), on this connection.
      this.logger.error(`SIP ${request.method.slice(0, 32)} on connection ${connection.id} failed: ${describe(error)}`);
      response = createResponse(request, 500, { headers: [['Retry-After', '5']] });
    }
    if (response !== undefined) connection.send(response);
  }

  closed(connection: SipConnection): void {
    this.connections.remove(connection);
    this.registrar.removeConnection(connection.id);
    this.subscriptions.connectionClosed(connection.id);
    this.endpoints
      .connectionClosed(connection.id)
      .catch((error: unknown) => this.logger.warn(`SIP endpoints of connection ${connection.id} did not close: ${describe(error)}`));
    if (this.connections.size === 0) for (const wake of this.drained.splice(0)) wake();
  }

  failed(connection: SipConnection, error: unknown): void {
    this.logger.error(`SIP request on ${connection.transport} connection ${connection.id} failed: ${describe(error)}`);
    connection.close();
  }

  private listenTcp(): Promise<void> {
    const tcp = createServer((socket) => this.acceptTcp(socket));
    this.tcp = tcp;
    return this.listen(tcp, this.options.tcpPort, 'TCP');
  }

  /** Fails the start when the files are unreadable or do not belong together, as the SMTP front does. */
  private async listenTls(files: TlsFiles): Promise<void> {
    this.secureContext = secureContextOf(await readTlsFiles(files));
    const tls = createServer((socket) => this.acceptTls(socket));
    this.tls = tls;
    await this.listen(tls, this.options.tlsPort, 'TLS');
    this.stopHangup = onHangup(() => void this.reloadTls());
  }

  private listen(server: NetServer, port: number, kind: string): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.tcpHost, () => {
        server.off('error', reject);
        server.on('error', (error) => this.logger.error(`SIP ${kind} listener: ${describe(error)}`));
        resolve();
      });
    });
  }

  /** The client's address, or undefined (and the socket dropped) when shutting down or past the per-address cap. */
  private admit(socket: Socket): string | undefined {
    const address = normalizeIpAddress(socket.remoteAddress ?? '') ?? UNKNOWN_CLIENT_ADDRESS;
    if (this.shuttingDown || !this.connections.admits(address)) {
      socket.destroy();
      return undefined;
    }
    return address;
  }

  private acceptTcp(socket: Socket): void {
    const address = this.admit(socket);
    if (address !== undefined) this.connections.add(new SipTcpConnection(socket, address, this));
  }

  /**
   * A TLS connection counts against the per-address cap from its first byte, handshake included, so a client cannot
   * hold more half-open handshakes than connections; one that has not finished its handshake in time is dropped.
   */
  private acceptTls(socket: Socket): void {
    const address = this.admit(socket);
    if (address === undefined || this.secureContext === null) return;
    socket.setNoDelay(true);
    const secure = new TLSSocket(socket, { isServer: true, secureContext: this.secureContext });
    const handshake = setTimeout(() => secure.destroy(), this.options.tlsHandshakeTimeoutMs ?? SIP_TLS_HANDSHAKE_TIMEOUT_MS);
    handshake.unref();
    secure.once('secure', () => clearTimeout(handshake));
    secure.once('close', () => clearTimeout(handshake));
    this.connections.add(new SipTcpConnection(secure, address, this, 'TLS'));
  }

  /** Upgrades of `/sip` (the app's `UpgradeRoutes` answers other paths). */
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    // RFC 7118 §4.1: the client must ask for the `sip` subprotocol, else this is not a SIP connection.
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SIP_WEBSOCKET_PROTOCOL)) return refuseUpgrade(socket, 400);
    const address = clientAddressOf(this.clientAddresses, req);
    if (this.shuttingDown || this.wss === null) return refuseUpgrade(socket, 503);
    if (!this.connections.admits(address)) return refuseUpgrade(socket, 429);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.shuttingDown) return ws.close(1001);
      this.connections.add(new SipWebSocketConnection(ws, address, this, { address: req.socket.localAddress, port: req.socket.localPort }));
    });
  };

  private allClosed(): Promise<void> {
    return this.connections.size === 0 ? Promise.resolve() : new Promise((resolve) => this.drained.push(resolve));
  }
}

/** TLS 1.2 at least, as the SMTP front (RFC 3261 §26.3.1 asks for TLS; RFC 8996 retired 1.0 and 1.1). */
function secureContextOf(pair: { cert: string; key: string }): SecureContext {
  return createSecureContext({ cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2' });
}

function refuseUpgrade(socket: Duplex, status: number): void {
  if (socket.destroyed) return;
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
