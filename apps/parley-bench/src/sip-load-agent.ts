// The load generator's SIP user agent for `bench sip`: one TCP connection per user, speaking just
// enough RFC 3261 to drive a registrar and a presence server — non-INVITE client transactions
// matched by Via branch, MD5 digest answers (RFC 2617/8760, qop=auth), and a 200 for every request
// the server sends (NOTIFY). Messages are cut, parsed and built with Parley's SIP codec; the agent
// is the client side only, so it is not the system under test.
import {
  createRequest,
  createResponse,
  newTag,
  type SipRequest,
  type SipResponse,
  serializeSipMessage,
  SipStreamFramer,
} from '@parley/presence-bridge/sip';
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface SipAccount {
  /** The address of record's user@domain, also the digest user name (Parley's rule: the SMTP address). */
  address: string;
  password: string;
}

export interface SipAgentOptions {
  host: string;
  port: number;
  /** The loopback address this connection comes from (servers cap connections per client address). */
  localAddress: string;
  account: SipAccount;
  /** Most requests this connection sends in any second (a token bucket with bursts of that size). */
  requestsPerSecond: number;
  /** How long a transaction waits for its final response (RFC 3261 Timer F: 64·T1). */
  transactionTimeoutMs?: number;
}

export interface RequestSpec {
  method: string;
  uri: string;
  /** Without a tag: a new dialog (From gets a fresh tag). */
  to: string;
  fromTag?: string;
  callId?: string;
  cseq?: number;
  headers?: [string, string][];
  body?: string;
  contentType?: string;
}

/** The nonce a server gave, kept so that later requests can answer it again with the next nonce count. */
interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  nc: number;
}

export class SipTransactionTimeout extends Error {}

const TIMER_F_MS = 32_000;

export class SipLoadAgent {
  private socket!: Socket;
  private readonly framer = new SipStreamFramer();
  private readonly pending = new Map<string, { resolve: (r: SipResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private challenge: DigestChallenge | undefined;
  private tokens: number;
  private refilledAt = performance.now();
  private closed = false;
  /** Called for every request from the server, after it was answered 200. */
  onRequest: (request: SipRequest) => void = () => undefined;
  /** `host:port` of this end of the connection: Via sent-by and Contact, so the server can also route to it. */
  local = '';

  private constructor(private readonly options: SipAgentOptions) {
    this.tokens = options.requestsPerSecond;
  }

  static open(options: SipAgentOptions): Promise<SipLoadAgent> {
    const agent = new SipLoadAgent(options);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port, localAddress: options.localAddress, noDelay: true });
      agent.socket = socket;
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', (error) => agent.fail(error));
        agent.local = `${socket.localAddress}:${socket.localPort}`;
        resolve(agent);
      });
      socket.on('data', (chunk: Buffer) => agent.receive(chunk));
      socket.on('close', () => agent.fail(new Error('the server closed the connection')));
    });
  }

  get address(): string {
    return this.options.account.address;
  }

  get contact(): string {
    return `<sip:${this.address.split('@')[0]}@${this.local};transport=tcp>`;
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /**
   * Sends one request and resolves with its final response. With `authenticate`, a 401/407 is
   * answered once with MD5 digest credentials (new branch, CSeq + 1), and the final response to that
   * is returned; with `reuseNonce`, the first attempt already carries credentials for the last
   * nonce with the next nonce count (RFC 7616 §3.4.5), so a server that accepts it answers at once.
   */
  async send(
    spec: RequestSpec,
    opts: { authenticate: boolean; reuseNonce?: boolean; onFirstSend?: (at: number) => void },
  ): Promise<SipResponse> {
    const fromTag = spec.fromTag ?? newTag();
    const callId = spec.callId ?? randomBytes(12).toString('hex');
    let cseq = spec.cseq ?? 1;
    let authorization = opts.reuseNonce && this.challenge ? this.credentials(spec.method, spec.uri, this.challenge) : undefined;
    for (let attempt = 0; ; attempt++) {
      const response = await this.transact(spec, fromTag, callId, cseq, authorization, attempt === 0 ? opts.onFirstSend : undefined);
      if (!opts.authenticate || attempt > 0 || (response.status !== 401 && response.status !== 407)) return response;
      const challenge = md5Challenge(response);
      if (!challenge) return response;
      this.challenge = challenge;
      authorization = this.credentials(spec.method, spec.uri, challenge);
      if (response.status === 407) authorization = { ...authorization, header: 'Proxy-Authorization' };
      cseq++;
    }
  }

  /** Answers a request from the server (a NOTIFY) with 200. */
  private answer(request: SipRequest): void {
    if (request.method === 'ACK') return;
    this.write(serializeSipMessage(createResponse(request, 200)));
  }

  private async transact(
    spec: RequestSpec,
    fromTag: string,
    callId: string,
    cseq: number,
    authorization: { header: string; value: string } | undefined,
    onSend: ((at: number) => void) | undefined,
  ): Promise<SipResponse> {
    await this.takeToken();
    const branch = `z9hG4bK${randomBytes(10).toString('hex')}`;
    const headers: [string, string][] = [
      ['Via', `SIP/2.0/TCP ${this.local};branch=${branch};rport`],
      ['From', `<sip:${this.address}>;tag=${fromTag}`],
      ['To', spec.to],
      ['Call-ID', callId],
      ['CSeq', `${cseq} ${spec.method}`],
      ['Max-Forwards', '70'],
      ['User-Agent', 'parley-bench'],
      ...(spec.headers ?? []),
    ];
    if (authorization) headers.push([authorization.header, authorization.value]);
    const request = createRequest({ method: spec.method, uri: spec.uri, headers, body: spec.body, contentType: spec.contentType });
    return new Promise<SipResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(branch);
        reject(new SipTransactionTimeout(`${spec.method} to ${spec.uri}: no final response within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(branch, { resolve, reject, timer });
      const bytes = serializeSipMessage(request);
      onSend?.(performance.now());
      this.write(bytes);
    });
  }

  private get timeoutMs(): number {
    return this.options.transactionTimeoutMs ?? TIMER_F_MS;
  }

  private credentials(method: string, uri: string, challenge: DigestChallenge): { header: string; value: string } {
    const nc = (++challenge.nc).toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const { address, password } = this.options.account;
    const ha1 = md5(`${address}:${challenge.realm}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    const response = md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`);
    const parts = [
      `username="${address}"`,
      `realm="${challenge.realm}"`,
      `nonce="${challenge.nonce}"`,
      `uri="${uri}"`,
      `response="${response}"`,
      'algorithm=MD5',
      `cnonce="${cnonce}"`,
      'qop=auth',
      `nc=${nc}`,
    ];
    if (challenge.opaque !== undefined) parts.push(`opaque="${challenge.opaque}"`);
    return { header: 'Authorization', value: `Digest ${parts.join(', ')}` };
  }

  /** Waits for the connection's request budget (the same shape as Parley's per-connection limit). */
  private async takeToken(): Promise<void> {
    const rate = this.options.requestsPerSecond;
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(rate, this.tokens + ((now - this.refilledAt) / 1000) * rate);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.tokens) / rate) * 1000)));
    }
  }

  private write(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  private receive(chunk: Buffer): void {
    let events;
    try {
      events = this.framer.push(chunk);
    } catch (error) {
      return this.fail(new Error(`unreadable stream from the server: ${(error as Error).message}`));
    }
    for (const event of events) {
      if (event.kind === 'ping') this.write(Buffer.from('\r\n'));
      if (event.kind !== 'message') continue;
      const message = event.message;
      if (message.kind === 'request') {
        this.answer(message);
        this.onRequest(message);
        continue;
      }
      if (message.status < 200) continue;
      const branch = message.vias()[0]?.branch;
      const waiting = branch === undefined ? undefined : this.pending.get(branch);
      if (!waiting || branch === undefined) continue;
      this.pending.delete(branch);
      clearTimeout(waiting.timer);
      waiting.resolve(message);
    }
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const [branch, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      this.pending.delete(branch);
      waiting.reject(error);
    }
  }
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * The MD5 challenge among a 401's WWW-Authenticate (or a 407's Proxy-Authenticate) headers: Parley
 * offers SHA-256 first and MD5 last, Kamailio MD5 only (algorithm absent means MD5).
 */
function md5Challenge(response: SipResponse): DigestChallenge | undefined {
  const name = response.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  for (const value of response.headers.getAll(name)) {
    if (!/^digest\s/i.test(value)) continue;
    const params = new Map<string, string>();
    for (const match of value.slice(7).matchAll(/([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
      params.set(match[1].toLowerCase(), match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]);
    const algorithm = params.get('algorithm') ?? 'MD5';
    const qop = (params.get('qop') ?? '').split(',').map((q) => q.trim());
    const realm = params.get('realm');
    const nonce = params.get('nonce');
    if (algorithm.toUpperCase() !== 'MD5' || !qop.includes('auth') || realm === undefined || nonce === undefined) continue;
    return { realm, nonce, opaque: params.get('opaque'), nc: 0 };
  }
  return undefined;
}
