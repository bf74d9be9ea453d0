import { Logger } from '@nestjs/common';
import type { SmtpConfig } from '@parley/config';
import { AddressList } from '@parley/sign-in';
import { loadTlsPair, onHangup, type TlsPair } from '@parley/tls';
import { hostname as machineName } from 'node:os';
import type { SMTPServerOptions } from 'smtp-server';
import { SmtpListener, type SmtpListenerKind } from './smtp-listener';
import type { SmtpMetrics } from './smtp.metrics';
import { SmtpReplies } from './smtp-reply';
import { type SmtpSessionDependencies, SmtpSessions } from './smtp-sessions';

/** How long a closing listener waits for sessions in progress before it cuts them off. */
const CLOSE_TIMEOUT_MS = 5000;
/** How often shutdown looks again for sessions that finished storing their message (and may now close). */
const SHUTDOWN_PASS_MS = 20;

/**
 * The SMTP front of voicemail-ingest: submission (STARTTLS), submission over implicit TLS and the
 * trusted relay, each a listener over the same rules (`SmtpSessions`). Listeners whose port is 0
 * (and the relay without an allow-list) are not started. The certificate is read at start and
 * again on `SIGHUP`; sessions already running keep the one they began with.
 */
export class SmtpFront {
  private readonly log = new Logger('SmtpFront');
  private readonly listeners: SmtpListener[] = [];
  private sessions: SmtpSessions | undefined;
  private readonly hostname: string;
  private stopHangup: (() => void) | undefined;

  constructor(
    private readonly config: SmtpConfig,
    private readonly deps: SmtpSessionDependencies,
    private readonly metrics?: SmtpMetrics,
  ) {
    this.hostname = config.hostname ?? machineName();
  }

  /** The listeners started, by kind, with the address each is bound to. */
  get addresses(): { kind: SmtpListenerKind; host: string; port: number }[] {
    return this.listeners.map((l) => {
      const bound = l.server.address();
      return typeof bound === 'object' && bound
        ? { kind: l.kind, host: bound.address, port: bound.port }
        : { kind: l.kind, host: '', port: 0 };
    });
  }

  /** Open connections by listener (the metrics gauge). */
  openConnections(): Map<SmtpListenerKind, number> {
    return new Map(this.listeners.map((l) => [l.kind, l.connections.size]));
  }

  async start(): Promise<void> {
    const wanted = (
      [
        ['submission', this.config.submissionPort],
        ['implicit-tls', this.config.implicitTlsPort],
        ['relay', this.config.relayAllowList.length === 0 ? 0 : this.config.relayPort],
      ] as const
    ).filter(([, port]) => port !== 0);
    if (wanted.length === 0) return;
    const tls = await this.loadTls();
    const sessions = new SmtpSessions(
      {
        hostname: this.hostname,
        maxMessageBytes: this.config.maxMessageBytes,
        maxConnectionsPerClient: this.config.maxConnectionsPerClient,
        relayAllowList: new AddressList(this.config.relayAllowList),
      },
      this.deps,
      (kind) => this.metrics?.messageStored(kind),
    );
    this.sessions = sessions;
    try {
      for (const [kind, port] of wanted) {
        const listener = new SmtpListener(kind, this.optionsFor(kind, sessions, tls), (code) => this.metrics?.replied(kind, code));
        // smtp-server reports a client's socket and TLS errors here; without a listener they would end the process.
        listener.on('error', (error: Error) => this.log.debug(`${kind}: ${error.message}`));
        this.listeners.push(listener);
        await listen(listener, port, this.config.host);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.stopHangup = onHangup(() => void this.reloadTls());
    this.log.log(`SMTP listening: ${this.addresses.map((a) => `${a.kind} ${a.host}:${a.port}`).join(', ')}`);
  }

  /**
   * Shutdown: the listeners stop accepting; sessions between transactions get `421 4.3.2` and are
   * closed; a session still receiving a message gets the same and its message is not stored; a
   * message received in full is stored and answered `250` first. Whatever is still open after
   * `CLOSE_TIMEOUT_MS` is closed by smtp-server (`421`).
   */
  async stop(): Promise<void> {
    this.stopHangup?.();
    this.stopHangup = undefined;
    const listeners = this.listeners.splice(0);
    const closing = listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
    const sessions = this.sessions;
    if (sessions) {
      const deadline = Date.now() + CLOSE_TIMEOUT_MS;
      let open = listeners.reduce((n, l) => n + l.refuseSessions(sessions), 0);
      while (open > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_PASS_MS));
        open = listeners.reduce((n, l) => n + l.refuseSessions(sessions), 0);
      }
    }
    await Promise.all(closing);
  }

  /** Reads the certificate and key again and uses them for new sessions; a broken pair is logged and the old one kept. */
  async reloadTls(): Promise<boolean> {
    try {
      const tls = await this.loadTls();
      for (const listener of this.listeners) listener.updateSecureContext({ key: tls.key, cert: tls.cert });
      this.log.log('SMTP TLS certificate reloaded');
      return true;
    } catch (error) {
      this.log.error(`SMTP TLS certificate not reloaded, the previous one stays in use: ${(error as Error).message}`);
      return false;
    }
  }

  private loadTls(): Promise<TlsPair> {
    return loadTlsPair({ files: this.config.tls, selfSigned: { dir: this.config.selfSignedDir, hostname: this.hostname, name: 'smtp' } });
  }

  private optionsFor(kind: SmtpListenerKind, sessions: SmtpSessions, tls: TlsPair): SMTPServerOptions {
    return {
      name: this.hostname,
      banner: 'Parley',
      key: tls.key,
      cert: tls.cert,
      minVersion: 'TLSv1.2',
      secure: kind === 'implicit-tls',
      size: this.config.maxMessageBytes,
      rejectOversized: true,
      maxRecipients: this.config.maxRecipients,
      maxClients: this.config.maxConnections,
      socketTimeout: this.config.socketTimeoutMs,
      closeTimeout: CLOSE_TIMEOUT_MS,
      maxAllowedUnauthenticatedCommands: this.config.maxUnauthenticatedCommands,
      disableReverseLookup: true,
      // Only named balancers: a PROXY header from anyone else would let a client choose its own address.
      useProxy: this.config.proxyProtocolFrom.length > 0 ? this.config.proxyProtocolFrom : false,
      hideENHANCEDSTATUSCODES: false,
      logger: false,
      authMethods: ['PLAIN', 'LOGIN'],
      ...(kind === 'relay'
        ? { authOptional: true, disabledCommands: ['AUTH'] }
        : { authOptional: false, authRequiredMessage: SmtpReplies.authenticationRequired().message }),
      onConnect: (session, done) => sessions.onConnect(kind, session, done),
      onAuth: (auth, session, done) => sessions.onAuth(auth, session, done),
      onMailFrom: (address, session, done) => sessions.onMailFrom(kind, address, session, done),
      onRcptTo: (address, session, done) => sessions.onRcptTo(kind, address, session, done),
      onData: (stream, session, done) => sessions.onData(kind, stream, session, done),
      onClose: (session) => sessions.onClose(session),
    };
  }
}

function listen(listener: SmtpListener, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`SMTP ${listener.kind} listener could not bind ${host}:${port}: ${error.message}`));
    listener.server.once('error', failed);
    listener.server.listen(port, host, () => {
      listener.server.off('error', failed);
      resolve();
    });
  });
}
