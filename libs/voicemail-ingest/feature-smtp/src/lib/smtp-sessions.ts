import { Logger } from '@nestjs/common';
import { Authenticator, AuthException } from '@parley/auth';
import { toMailboxKey } from '@parley/contracts';
import type { DirectoryRepository, DirectoryUser } from '@parley/directory';
import type { AddressList } from '@parley/sign-in';
import { type MailboxDelivery, MailboxDeliveryError, type OutboundMail, OutboundMailError } from '@parley/voicemail-ingest/feature-mailbox';
import type {
  SMTPServerAddress,
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerDataStream,
  SMTPServerEnvelope,
  SMTPServerSession,
} from 'smtp-server';
import { authorAddresses, receivedHeader } from './message-headers';
import type { SendAsPolicy } from './send-as.policy';
import type { SmtpListenerKind } from './smtp-listener';
import { replyForAuthError, replyForOutboundRefusal, replyForRefusal, SmtpReplies, SmtpReply } from './smtp-reply';

type Done = (error?: Error | null) => void;

/** What the handlers need to know of the configuration. */
export interface SmtpSessionSettings {
  /** This server's name (greeting, `Received:`). */
  readonly hostname: string;
  readonly maxMessageBytes: number;
  readonly maxConnectionsPerClient: number;
  readonly relayAllowList: AddressList;
}

/** The collaborators: the store's port, the outbound queue, the shared sign-in, the directory, the send-as rule. */
export interface SmtpSessionDependencies {
  readonly delivery: MailboxDelivery;
  /** Where an authenticated submission's recipients outside Parley go (when it has a smarthost); absent: they are refused as relaying. */
  readonly outbound?: OutboundMail;
  readonly authenticator: Authenticator;
  readonly directory: DirectoryRepository;
  readonly sendAs: SendAsPolicy;
}

/**
 * The SMTP front's rules, as smtp-server handlers: who may connect, sign in, send as whom and to
 * whom, and what happens to a message. One instance serves every listener; `kind` tells them apart.
 * Every handler answers exactly once and turns anything unexpected into `451 4.3.0`: a failing
 * store or directory never crashes the process or leaves a client waiting.
 */
export class SmtpSessions {
  private readonly log = new Logger('SmtpFront');
  /** Open connections by client address (all listeners), and the sessions counted in it. */
  private readonly openByClient = new Map<string, number>();
  private readonly counted = new Set<string>();
  /** The mailboxes `checkRecipient` accepted, per mail transaction (smtp-server makes a new envelope for each). */
  private readonly accepted = new WeakMap<SMTPServerEnvelope, Set<string>>();
  /** Recipients outside Parley an authenticated submission may relay to (through the outbound queue), per mail transaction. */
  private readonly relayed = new WeakMap<SMTPServerEnvelope, Set<string>>();
  /** Sessions receiving a message's DATA, each with what cuts it off at shutdown. */
  private readonly receiving = new Map<string, () => void>();
  /** Sessions whose message arrived in full and is being stored (shutdown lets them finish). */
  private readonly storing = new Set<string>();

  constructor(
    private readonly settings: SmtpSessionSettings,
    private readonly deps: SmtpSessionDependencies,
    private readonly onStored: (kind: SmtpListenerKind) => void = () => undefined,
  ) {}

  onConnect(kind: SmtpListenerKind, session: SMTPServerSession, done: Done): void {
    const client = session.remoteAddress;
    if (kind === 'relay' && !this.settings.relayAllowList.includes(client)) {
      this.log.warn(`relay connection from ${client} refused: not in PARLEY_SMTP_RELAY_CIDRS`);
      return done(SmtpReplies.relayClientRefused(client));
    }
    const open = this.openByClient.get(client) ?? 0;
    if (open >= this.settings.maxConnectionsPerClient) return done(SmtpReplies.tooManyConnectionsFromClient());
    this.openByClient.set(client, open + 1);
    this.counted.add(session.id);
    done();
  }

  onClose(session: SMTPServerSession): void {
    if (!this.counted.delete(session.id)) return;
    const left = (this.openByClient.get(session.remoteAddress) ?? 1) - 1;
    if (left > 0) this.openByClient.set(session.remoteAddress, left);
    else this.openByClient.delete(session.remoteAddress);
  }

  onAuth(
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
    done: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
  ): void {
    this.signIn(auth, session).then(
      (user) => done(null, { user }),
      (error: unknown) => done(this.authFailure(error)),
    );
  }

  onMailFrom(kind: SmtpListenerKind, address: SMTPServerAddress, session: SMTPServerSession, done: Done): void {
    const user = this.userOf(session);
    // The relay takes any sender (devices write what they are configured with); it is bounded by its recipients.
    if (kind === 'relay' || user === undefined || address.address === '') return done();
    this.deps.sendAs.maySendAs(user, address.address).then(
      (allowed) => done(allowed ? null : SmtpReplies.sendAsDenied(address.address)),
      (error: unknown) => done(this.unexpected('MAIL FROM', session, error)),
    );
  }

  onRcptTo(kind: SmtpListenerKind, address: SMTPServerAddress, session: SMTPServerSession, done: Done): void {
    this.checkRecipient(kind, address.address, session).then(
      (reply) => done(reply),
      (error: unknown) => done(this.unexpected('RCPT TO', session, error)),
    );
  }

  onData(
    kind: SmtpListenerKind,
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    done: (error?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let cut = false;
    this.receiving.set(session.id, () => {
      cut = true;
      chunks.length = 0;
    });
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Past the limit nothing more is kept; smtp-server answers 552 5.3.4 itself (rejectOversized).
      if (bytes <= this.settings.maxMessageBytes && !cut) chunks.push(chunk);
    });
    // The client went away mid-message: smtp-server destroys the stream and nothing is stored.
    stream.on('error', () => {
      chunks.length = 0;
      this.receiving.delete(session.id);
    });
    stream.on('end', () => {
      this.receiving.delete(session.id);
      // Cut off at shutdown (the client already has its 421): what arrived is never stored.
      if (cut) return done(SmtpReplies.shuttingDown());
      if (stream.sizeExceeded || bytes > this.settings.maxMessageBytes) return done(SmtpReplies.tooLarge(this.settings.maxMessageBytes));
      this.storing.add(session.id);
      this.store(kind, Buffer.concat(chunks, bytes), session)
        .finally(() => this.storing.delete(session.id))
        .then(
          (message) => done(null, message),
          (error: unknown) => done(error instanceof SmtpReply ? error : this.unexpected('DATA', session, error)),
        );
    });
  }

  /**
   * Where a session stands for the shutdown: still receiving a message (cut it off: `421 4.3.2`, and
   * nothing of it is stored), storing one that arrived in full (let it finish: its `250` follows),
   * or between transactions (`421 4.3.2` and close).
   */
  shutdownStateOf(sessionId: string): 'receiving' | 'storing' | 'idle' {
    if (this.storing.has(sessionId)) return 'storing';
    return this.receiving.has(sessionId) ? 'receiving' : 'idle';
  }

  /** Drops what a session received of its message and makes sure it is never stored. */
  cutOff(sessionId: string): void {
    this.receiving.get(sessionId)?.();
    this.receiving.delete(sessionId);
  }

  private async signIn(auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<DirectoryUser> {
    const user = auth.username ?? '';
    const password = auth.password ?? '';
    // PLAIN may name another identity to act as; Parley has no such proxy sign-in.
    if (auth.authzid && toMailboxKey(auth.authzid) !== toMailboxKey(user)) throw SmtpReplies.badCredentials();
    if (user === '' || user.includes(':')) throw SmtpReplies.badCredentials();
    // The shared authenticator reads credentials as HTTP Basic: the same throttle, cache and rules as EWS.
    const basic = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
    return this.deps.authenticator.authenticate(basic, session.remoteAddress);
  }

  private authFailure(error: unknown): Error {
    if (error instanceof SmtpReply) return error;
    if (error instanceof AuthException) return replyForAuthError(error.code, error.retryAfterMs);
    this.log.error(`sign-in check failed: ${String(error)}`);
    return new SmtpReply(454, '4.7.0', 'Temporary authentication failure');
  }

  private async checkRecipient(kind: SmtpListenerKind, rawAddress: string, session: SMTPServerSession): Promise<SmtpReply | null> {
    const address = toMailboxKey(rawAddress);
    const declared = session.envelope.mailFrom ? Number(session.envelope.mailFrom.args ? session.envelope.mailFrom.args['SIZE'] : 0) : 0;
    const check = await this.deps.delivery.checkRecipient(address, Number.isFinite(declared) ? declared : 0);
    if (check.accepted) {
      const mailboxes = this.accepted.get(session.envelope) ?? new Set<string>();
      mailboxes.add(toMailboxKey(check.mailbox));
      this.accepted.set(session.envelope, mailboxes);
      return null;
    }
    if (check.reason === 'over-quota') return SmtpReplies.overQuota(address);
    const domain = address.slice(address.lastIndexOf('@') + 1);
    // Never an open relay: a domain Parley does not serve is refused as relaying, one it serves as an unknown mailbox;
    // only a signed-in submission (never the trusted relay) reaches other domains, and only through the smarthost.
    const served = address.includes('@') && (await this.deps.directory.servesDomain(domain));
    if (served) return SmtpReplies.unknownRecipient(address);
    if (kind !== 'relay' && this.userOf(session) !== undefined && address.includes('@') && this.deps.outbound?.relayEnabled) {
      const relayed = this.relayed.get(session.envelope) ?? new Set<string>();
      relayed.add(address);
      this.relayed.set(session.envelope, relayed);
      return null;
    }
    return SmtpReplies.relayDenied(address);
  }

  private async store(kind: SmtpListenerKind, message: Buffer, session: SMTPServerSession): Promise<string> {
    const user = this.userOf(session);
    if (user !== undefined) {
      for (const author of authorAddresses(message)) {
        if (!(await this.deps.sendAs.maySendAs(user, author))) throw SmtpReplies.sendAsDenied(author || '(no address)');
      }
    }
    const recipients = [...(this.accepted.get(session.envelope) ?? [])];
    const relayed = [...(this.relayed.get(session.envelope) ?? [])];
    if (recipients.length === 0 && relayed.length === 0) throw SmtpReplies.temporaryFailure();
    const trace = receivedHeader({
      helo: session.hostNameAppearsAs || '',
      clientAddress: session.remoteAddress,
      protocol: session.transmissionType || 'ESMTP',
      sessionId: session.id,
      by: this.settings.hostname,
      recipients: [...recipients, ...relayed],
      at: new Date(),
    });
    const raw = Buffer.concat([Buffer.from(trace, 'latin1'), message]);
    const mailFrom = session.envelope.mailFrom;
    const envelopeFrom = mailFrom && mailFrom.address !== '' ? mailFrom.address : null;
    try {
      // Parley's mailboxes first, as before; a failure there answers the whole message and nothing is queued.
      if (recipients.length > 0) {
        const receipt = await this.deps.delivery.deliver({
          channel: kind === 'relay' ? 'relay' : 'submission',
          envelopeFrom,
          recipients,
          raw,
          submittedBy: user?.smtpAddress ?? null,
          clientAddress: session.remoteAddress,
        });
        this.log.log(
          `${session.id}: stored ${raw.length} bytes from ${session.remoteAddress}${user ? ` (${user.smtpAddress})` : ''} for ${receipt.deliveries.length} mailbox(es)`,
        );
      }
      if (relayed.length > 0) {
        const outbound = this.deps.outbound;
        if (!outbound) throw SmtpReplies.temporaryFailure();
        // If queuing fails after a local delivery the client retries and the local copies repeat (docs/smtp.md, "Outbound mail").
        const queued = await outbound.enqueue({ envelopeFrom, recipients: relayed, mime: raw, submittedBy: user?.smtpAddress ?? null });
        this.log.log(`${session.id}: queued ${raw.length} bytes as ${queued.id} for ${relayed.length} recipient(s) outside Parley`);
      }
      this.onStored(kind);
      return `Message stored as ${session.id}`;
    } catch (error) {
      if (error instanceof MailboxDeliveryError) {
        const reply = replyForRefusal(error.refusal, error.recipients, this.settings.maxMessageBytes);
        if (error.refusal === 'temporary') this.log.warn(`${session.id}: temporary delivery failure: ${error.message}`);
        throw reply;
      }
      if (error instanceof OutboundMailError) {
        this.log.warn(`${session.id}: not queued (${error.refusal}): ${error.message}`);
        throw replyForOutboundRefusal(error.refusal, relayed);
      }
      throw error;
    }
  }

  /** smtp-server leaves `user` undefined or false (after STARTTLS, on the relay) until a sign-in. */
  private userOf(session: SMTPServerSession): DirectoryUser | undefined {
    return session.user ? (session.user as DirectoryUser) : undefined;
  }

  private unexpected(stage: string, session: SMTPServerSession, error: unknown): SmtpReply {
    this.log.error(`${session.id}: ${stage} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return SmtpReplies.temporaryFailure();
  }
}
