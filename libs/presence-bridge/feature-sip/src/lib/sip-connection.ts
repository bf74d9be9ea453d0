import { TokenBucket } from '@parley/sign-in';
import { randomUUID } from 'node:crypto';
import {
  createRefusal,
  createRequest,
  createResponse,
  newTag,
  serializeSipMessage,
  type SipMessageOf,
  type SipParseError,
  SipRequest,
  type SipRequestInit,
  SipResponse,
} from '@parley/presence-bridge/sip';
import { ClientTransactionTable, type ClientTransactionOutcome } from './client-transaction.table';
import { ServerTransactionTable } from './server-transaction.table';
import {
  SIP_AGENT,
  SIP_MAX_PENDING_CLIENT_TRANSACTIONS,
  SIP_MAX_SEND_BUFFER_BYTES,
  SIP_MAX_TRANSACTIONS_PER_CONNECTION,
  SIP_REQUEST_BURST,
  SIP_TRANSACTION_LIFETIME_MS,
} from './sip-front.options';

/** The Via transport of each connection kind (RFC 3261 §18.2.1, RFC 7118 §5): TLS is SIP over TLS on its own port. */
export type SipTransport = 'TCP' | 'TLS' | 'WS';

/** What a connection needs from the front: the request handling, and word of its end. */
export interface SipConnectionHost {
  readonly maxRequestsPerSecond: number;
  /** A connection silent this long has no live registration left (clients refresh before it ends): it is closed. */
  readonly idleTimeoutMs: number;
  process(request: SipRequest, connection: SipConnection): Promise<void>;
  closed(connection: SipConnection): void;
  failed(connection: SipConnection, error: unknown): void;
}

/**
 * One client connection (a TCP stream or a WebSocket) and the flow back to it: responses, and later requests to the
 * endpoints registered over it, are written here because clients name unreachable `.invalid` hosts in Via and Contact
 * (RFC 7118 §5). Requests are processed one at a time in arrival order, within a per-connection rate budget.
 */
export abstract class SipConnection {
  readonly id = randomUUID();
  readonly transactions = new ServerTransactionTable(SIP_TRANSACTION_LIFETIME_MS, SIP_MAX_TRANSACTIONS_PER_CONNECTION, () =>
    performance.now(),
  );
  /** Requests this front sent to the client (NOTIFY, MESSAGE) waiting for its answer. */
  readonly clientTransactions = new ClientTransactionTable(SIP_TRANSACTION_LIFETIME_MS, SIP_MAX_PENDING_CLIENT_TRANSACTIONS);
  private readonly limiter: TokenBucket;
  private queue: Promise<void> = Promise.resolve();
  private ended = false;
  /** A close is queued behind the pending requests: nothing more is read. */
  private closing = false;

  protected constructor(
    readonly transport: SipTransport,
    /** The client's IP address (behind a trusted proxy, the forwarded one). */
    readonly clientAddress: string,
    protected readonly host: SipConnectionHost,
  ) {
    this.limiter = new TokenBucket(host.maxRequestsPerSecond, SIP_REQUEST_BURST, performance.now());
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** This end's sent-by (RFC 3261 §18.2.1) for the Via of requests sent here: the socket's local address and port. */
  protected abstract get localSentBy(): string;
  /** Bytes accepted by the socket but not yet sent. */
  protected abstract get pendingBytes(): number;
  protected abstract write(bytes: Buffer): void;
  /** Closes the transport; `ended()` follows when it is gone. */
  protected abstract shutdown(): void;
  /** Drops the transport at once. */
  abstract destroy(): void;

  send(message: SipMessageOf): void {
    if (this.ended) return;
    if (this.pendingBytes > SIP_MAX_SEND_BUFFER_BYTES) {
      this.destroy();
      return;
    }
    this.write(serializeSipMessage(message));
  }

  close(): void {
    if (!this.ended) this.shutdown();
  }

  /**
   * Sends a request to the client over this connection (RFC 7118 §5: the only way back to it) and resolves with how
   * its client transaction ended. `init.headers` carry everything but Via, which is added here with a new branch.
   */
  request(init: SipRequestInit): Promise<ClientTransactionOutcome> {
    if (this.ended) return Promise.resolve({ kind: 'closed' });
    if (!this.clientTransactions.hasRoom) return Promise.resolve({ kind: 'overloaded' });
    const branch = `z9hG4bK${newTag()}`;
    // `rport` (RFC 3581): clients that route answers by Via (belle-sip) then answer over this connection even when a
    // relay or load balancer stands between (our local end is not the address they connected to); docs/sip.md.
    const request = createRequest({
      ...init,
      headers: [['Via', `SIP/2.0/${this.transport} ${this.localSentBy};rport;branch=${branch}`], ...init.headers],
    });
    const outcome = this.clientTransactions.start(branch, request.method);
    this.send(request);
    return outcome;
  }

  /** A complete, well-formed message from the client. */
  receive(message: SipMessageOf): void {
    if (this.ended) return;
    // A response belongs to a request this front sent; one that matches none is dropped (RFC 3261 §17.1.3).
    if (message instanceof SipResponse) {
      this.clientTransactions.match(message);
      return;
    }
    if (this.closing || !(message instanceof SipRequest) || message.method === 'ACK') return;
    if (!this.limiter.take(performance.now())) {
      // RFC 3261 §21.5.4: 503 with Retry-After is how a SIP server asks a client to slow down. Sent at once, not
      // queued, so that a flood costs no more than writing these.
      const retryAfter = String(this.limiter.retryAfterSeconds(performance.now()));
      this.send(createResponse(message, 503, { headers: [['Retry-After', retryAfter]] }));
      return;
    }
    this.enqueue(() => this.host.process(message, this).catch((error: unknown) => this.host.failed(this, error)));
  }

  /**
   * A message the codec refused: 400 (or 413/513) with a Warning when it can be answered, else the connection ends,
   * in turn with the requests before it. Refusals spend the request budget too; past it the connection ends.
   */
  refuse(error: SipParseError): void {
    if (this.ended || this.closing) return;
    const refusal = createRefusal(error, SIP_AGENT);
    const parsed = error.parsed;
    if (refusal === undefined && parsed instanceof SipRequest && parsed.method === 'ACK') return;
    if (refusal === undefined || !this.limiter.take(performance.now())) return this.closeAfterPending();
    this.enqueue(async () => this.send(refusal));
  }

  /** Ends the connection once the requests already received are answered; anything after is ignored. */
  closeAfterPending(): void {
    this.closing = true;
    this.enqueue(async () => this.close());
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(() => (this.ended ? undefined : work()));
  }

  /** Called by the transport once, when the connection is gone. */
  protected markEnded(): void {
    if (this.ended) return;
    this.ended = true;
    this.clientTransactions.closeAll();
    this.host.closed(this);
  }
}

/** A sent-by (host:port) for a socket's local end; IPv6 addresses go in brackets (RFC 3261 §25.1). */
export function sentByOf(address: string | undefined, port: number | undefined): string {
  const host = address === undefined || address === '' ? 'parley.invalid' : address.includes(':') ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}
