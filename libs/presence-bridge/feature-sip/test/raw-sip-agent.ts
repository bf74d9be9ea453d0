import { randomUUID } from 'node:crypto';
import { challengeParams, md5Authorization, PASSWORD, RawSipClient, REALM, type WireMessage } from './sip-front-test-bed';

/** The header fields of one request as a raw client writes it; what is left out gets a fresh value. */
export interface RawRequestFields {
  /** The transport named in Via (TCP unless said). */
  transport?: 'TCP' | 'TLS';
  branch?: string;
  /** The whole To value; `<request URI>` unless said. */
  to?: string;
  /** The URI in From. */
  from: string;
  fromTag?: string;
  callId?: string;
  cseq?: number;
  /** Further header lines, `Name: value`, before Content-Length. */
  headers?: readonly string[];
  body?: string;
}

/** One request's text, written by the test itself (never by the codec under test). */
export function rawSipRequest(method: string, uri: string, fields: RawRequestFields): string {
  const body = fields.body ?? '';
  return [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/${fields.transport ?? 'TCP'} client.invalid;branch=${fields.branch ?? `z9hG4bK-${randomUUID()}`}`,
    'Max-Forwards: 70',
    `To: ${fields.to ?? `<${uri}>`}`,
    `From: <${fields.from}>;tag=${fields.fromTag ?? randomUUID().slice(0, 8)}`,
    `Call-ID: ${fields.callId ?? randomUUID()}`,
    `CSeq: ${fields.cseq ?? 1} ${method}`,
    ...(fields.headers ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** What follows the head of a message read off the wire. */
export function bodyOf(message: WireMessage): string {
  return message.raw.slice(message.raw.indexOf('\r\n\r\n') + 4);
}

export interface RawSipAgentOptions {
  /** The digest user name (the SMTP address). */
  user: string;
  /** PASSWORD (every test user's) unless said. */
  password?: string;
  /** The URI it names itself by in From: `sip:<user>` unless said. */
  self?: string;
  /** The transport named in Via: TCP unless said. */
  transport?: 'TCP' | 'TLS';
}

/** A request's fields as the agent takes them: From is its own URI unless `from` says otherwise. */
export type RawAgentRequest = Omit<RawRequestFields, 'from' | 'transport'> & { from?: string };

/**
 * A raw SIP user agent of the tests' own over one connection: writes requests, signs them with an MD5 digest computed
 * here with node:crypto (one challenge per agent, then the same nonce with a rising nc, which the front accepts), keeps
 * the server's requests (NOTIFY, MESSAGE) apart from the responses to its own, and answers them.
 */
export class RawSipAgent {
  private nonce: { nonce: string; opaque?: string } | undefined;
  private nc = 0;
  private seq = 0;
  private readonly requests: WireMessage[] = [];
  private readonly responses: WireMessage[] = [];
  readonly user: string;
  readonly self: string;
  private readonly password: string;
  private readonly transport: 'TCP' | 'TLS';

  /** An agent over a connection opened already (several agents may take turns on one). */
  constructor(
    readonly client: RawSipClient,
    options: RawSipAgentOptions,
  ) {
    this.user = options.user;
    this.self = options.self ?? `sip:${options.user}`;
    this.password = options.password ?? PASSWORD;
    this.transport = options.transport ?? 'TCP';
  }

  /** Over SIP over TCP; `localAddress` as for RawSipClient.open. */
  static async open(port: number, options: RawSipAgentOptions, localAddress?: string): Promise<RawSipAgent> {
    return new RawSipAgent(await RawSipClient.open(port, localAddress), options);
  }

  /** Over SIP over TLS (Via names TLS), trusting `ca` for `servername`. */
  static async openTls(port: number, ca: string, options: RawSipAgentOptions, servername?: string): Promise<RawSipAgent> {
    return new RawSipAgent(await RawSipClient.openTls(port, ca, servername), { transport: 'TLS', ...options });
  }

  /** The text of a request without credentials: CSeq and From tag rise with each one built unless given. */
  build(method: string, uri: string, fields: RawAgentRequest = {}): string {
    this.seq += 1;
    return rawSipRequest(method, uri, {
      fromTag: `raw${this.seq}`,
      cseq: this.seq,
      ...fields,
      from: fields.from ?? this.self,
      transport: this.transport,
    });
  }

  /** Sends a request without credentials and returns its response. */
  async unsigned(method: string, uri: string, fields: RawAgentRequest = {}): Promise<WireMessage> {
    this.client.send(this.build(method, uri, fields));
    return this.nextResponse();
  }

  /** Sends a request without credentials (an OPTIONS unless said) and signs from then on with the MD5 nonce of its 401. */
  async challenge(method = 'OPTIONS', uri = `sip:${REALM}`, fields: RawAgentRequest = {}): Promise<WireMessage> {
    const challenge = await this.unsigned(method, uri, fields);
    const offer = challenge.header('WWW-Authenticate').find((value) => /algorithm=MD5\b/i.test(value));
    if (offer === undefined) throw new Error(`no MD5 challenge in the answer: ${challenge.startLine}`);
    const md5 = challengeParams(offer);
    this.nonce = { nonce: md5.nonce, opaque: md5.opaque };
    this.nc = 0;
    return challenge;
  }

  /** The text of a request with credentials (the next nc), challenged first if this agent has no nonce yet. */
  async signedText(method: string, uri: string, fields: RawAgentRequest = {}): Promise<string> {
    if (this.nonce === undefined) await this.challenge();
    const nonce = this.nonce as { nonce: string; opaque?: string };
    this.nc += 1;
    const authorization = md5Authorization({
      username: this.user,
      password: this.password,
      realm: REALM,
      nonce: nonce.nonce,
      opaque: nonce.opaque,
      method,
      uri,
      nc: this.nc.toString(16).padStart(8, '0'),
    });
    return this.build(method, uri, { ...fields, headers: [...(fields.headers ?? []), `Authorization: ${authorization}`] });
  }

  /** Sends a signed request and returns its response. */
  async request(method: string, uri: string, fields: RawAgentRequest = {}): Promise<WireMessage> {
    this.client.send(await this.signedText(method, uri, fields));
    return this.nextResponse();
  }

  /** The next response to one of this agent's requests. */
  async nextResponse(timeoutMs = 5_000): Promise<WireMessage> {
    for (;;) {
      const waiting = this.responses.shift();
      if (waiting !== undefined) return waiting;
      this.sort(await this.client.next(timeoutMs));
    }
  }

  /** The next request the server sent to this agent. */
  async nextRequest(timeoutMs = 5_000): Promise<WireMessage> {
    for (;;) {
      const waiting = this.requests.shift();
      if (waiting !== undefined) return waiting;
      this.sort(await this.client.next(timeoutMs));
    }
  }

  /** Answers a request of the server (Via, From, To, Call-ID, CSeq copied). */
  answer(request: WireMessage, status: number): void {
    const copied = request.headers.filter((line) => /^(via|from|to|call-id|cseq)\s*:/i.test(line));
    this.client.send([`SIP/2.0 ${status} Answer`, ...copied, 'Content-Length: 0', '', ''].join('\r\n'));
  }

  /** Whether the server sends no request within `ms` (used only after the state that would cause one is settled). */
  async silentFor(ms: number): Promise<boolean> {
    if (this.requests.length > 0) return false;
    try {
      this.sort(await this.client.next(ms));
      return this.requests.length === 0;
    } catch {
      return true;
    }
  }

  close(): void {
    this.client.close();
  }

  private sort(message: WireMessage): void {
    (message.startLine.startsWith('SIP/2.0 ') ? this.responses : this.requests).push(message);
  }
}
