import { TokenBucket } from '@parley/sign-in';
import { randomUUID } from 'node:crypto';
import {
  createRefusal,
  createResponse,
  serializeSipMessage,
  type SipMessageOf,
  type SipParseError,
  SipRequest,
} from '@parley/presence-bridge/sip';
import { ServerTransactionTable } from './server-transaction.table';
import {
  SIP_AGENT,
  SIP_MAX_SEND_BUFFER_BYTES,
  SIP_MAX_TRANSACTIONS_PER_CONNECTION,
  SIP_REQUEST_BURST,
  SIP_TRANSACTION_LIFETIME_MS,
} from './sip-front.options';

export type SipTransport = 'TCP' | 'WS';

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

  /** A complete, well-formed message from the client. */
  receive(message: SipMessageOf): void {
    // Responses would belong to client transactions, which this step does not start yet: nothing to match them to.
    if (this.ended || this.closing || !(message instanceof SipRequest) || message.method === 'ACK') return;
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
    this.host.closed(this);
  }
}
