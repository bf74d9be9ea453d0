import { DirectoryRepository } from '@parley/directory';
import { parseMessageSummary, parsePidf } from '@parley/presence-bridge/sip';
import { randomUUID } from 'node:crypto';
import {
  challengeParams,
  md5Authorization,
  PASSWORD,
  RawSipClient,
  REALM,
  type SipFrontTestBed,
  startSipFrontTestBed,
  type WireMessage,
} from '../../test/sip-front-test-bed';

/** Dave's SIP URI is not his SMTP address: another user part (mixed case) and another host. */
const DAVE = 'dave@parley.test';
const DAVE_URI = 'sip:Dave.Smith@voice.parley.test';
const ALICE = 'alice@parley.test';

let bed: SipFrontTestBed;

beforeAll(async () => {
  bed = await startSipFrontTestBed();
  await bed.app.get(DirectoryRepository).add({ smtpAddress: DAVE, displayName: 'Dave Smith', password: PASSWORD, sipUri: DAVE_URI });
});

afterAll(async () => {
  await bed?.close();
});

/**
 * A raw SIP-over-TCP user agent: signs in with the SMTP address as the digest user name, names itself by `self` (its
 * SIP URI) in From, and keeps the server's requests (NOTIFY, MESSAGE) apart from the responses to its own.
 */
class Agent {
  private nonce: { nonce: string; opaque?: string } | undefined;
  private nc = 0;
  private readonly requests: WireMessage[] = [];
  private readonly responses: WireMessage[] = [];

  private constructor(
    private readonly client: RawSipClient,
    readonly user: string,
    readonly self: string,
  ) {}

  static async open(user: string, self: string): Promise<Agent> {
    return new Agent(await RawSipClient.open(bed.tcpPort), user, self);
  }

  async request(method: string, uri: string, opts: { to?: string; from?: string; headers?: string[]; body?: string } = {}) {
    if (this.nonce === undefined) {
      this.client.send(this.text('OPTIONS', `sip:${REALM}`, {}));
      const challenge = await this.nextResponse();
      const md5 = challengeParams(challenge.header('WWW-Authenticate')[1]);
      this.nonce = { nonce: md5.nonce, opaque: md5.opaque };
    }
    this.nc += 1;
    const authorization = md5Authorization({
      username: this.user,
      password: PASSWORD,
      realm: REALM,
      nonce: this.nonce.nonce,
      opaque: this.nonce.opaque,
      method,
      uri,
      nc: this.nc.toString(16).padStart(8, '0'),
    });
    this.client.send(this.text(method, uri, { ...opts, headers: [...(opts.headers ?? []), `Authorization: ${authorization}`] }));
    return this.nextResponse();
  }

  async nextRequest(): Promise<WireMessage> {
    for (;;) {
      const waiting = this.requests.shift();
      if (waiting !== undefined) return waiting;
      this.sort(await this.client.next());
    }
  }

  answer(request: WireMessage, status: number): void {
    const copied = request.headers.filter((line) => /^(via|from|to|call-id|cseq)\s*:/i.test(line));
    this.client.send([`SIP/2.0 ${status} Answer`, ...copied, 'Content-Length: 0', '', ''].join('\r\n'));
  }

  close(): void {
    this.client.close();
  }

  private async nextResponse(): Promise<WireMessage> {
    for (;;) {
      const waiting = this.responses.shift();
      if (waiting !== undefined) return waiting;
      this.sort(await this.client.next());
    }
  }

  private sort(message: WireMessage): void {
    (message.startLine.startsWith('SIP/2.0 ') ? this.responses : this.requests).push(message);
  }

  private text(method: string, uri: string, opts: { to?: string; from?: string; headers?: string[]; body?: string }): string {
    const body = opts.body ?? '';
    return [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/TCP client.invalid;branch=z9hG4bK-${randomUUID()}`,
      'Max-Forwards: 70',
      `To: ${opts.to ?? `<${uri}>`}`,
      `From: <${opts.from ?? this.self}>;tag=${randomUUID().slice(0, 8)}`,
      `Call-ID: ${randomUUID()}`,
      `CSeq: 1 ${method}`,
      ...(opts.headers ?? []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }
}

function bodyOf(message: WireMessage): string {
  return message.raw.slice(message.raw.indexOf('\r\n\r\n') + 4);
}

const CONTACT = 'Contact: <sip:phone@client.invalid;transport=tcp>';
const register = (agent: Agent, to: string) =>
  agent.request('REGISTER', 'sip:voice.parley.test', { to: `<${to}>`, headers: [CONTACT, 'Expires: 600'] });

describe('identities from the directory: a user whose SIP URI is not their SMTP address', () => {
  let dave: Agent;
  let alice: Agent;
  beforeEach(async () => {
    dave = await Agent.open(DAVE, DAVE_URI);
    alice = await Agent.open(ALICE, `sip:${ALICE}`);
  });
  afterEach(() => {
    dave.close();
    alice.close();
  });

  it('registers under the SIP URI (digest user name: the SMTP address); the SMTP form and another case are 404, another user 403', async () => {
    expect((await register(dave, DAVE_URI)).status).toBe(200);
    expect(bed.server.registrar.bindingsOf(DAVE)).toHaveLength(1);
    const smtpForm = await register(dave, `sip:${DAVE}`);
    expect(smtpForm.status).toBe(404);
    expect(smtpForm.header('Warning')[0]).toContain('To names no user of this directory');
    // RFC 3261 §19.1.4: the user part compares case-sensitively (the host does not).
    expect((await register(dave, 'sip:dave.smith@voice.parley.test')).status).toBe(404);
    expect((await register(dave, 'sips:Dave.Smith@VOICE.parley.test')).status).toBe(200);
    expect((await register(dave, `sip:${ALICE}`)).status).toBe(403);
  });

  it('is subscribed to under the SIP URI, which the PIDF names; the SMTP form is 404', async () => {
    const ok = await alice.request('SUBSCRIBE', DAVE_URI, { headers: ['Event: presence', CONTACT, 'Expires: 600'] });
    expect(ok.status).toBe(200);
    const notify = await alice.nextRequest();
    alice.answer(notify, 200);
    const pidf = parsePidf(Buffer.from(bodyOf(notify)));
    expect(pidf.entity).toBe('pres:Dave.Smith@voice.parley.test');
    expect(pidf.tuples[0].contact).toBe(DAVE_URI);
    expect((await alice.request('SUBSCRIBE', `sip:${DAVE}`, { headers: ['Event: presence', CONTACT, 'Expires: 600'] })).status).toBe(404);

    // The owner's own message-summary names the account by the SIP URI too.
    const own = await dave.request('SUBSCRIBE', DAVE_URI, { headers: ['Event: message-summary', CONTACT, 'Expires: 600'] });
    expect(own.status).toBe(200);
    const summary = await dave.nextRequest();
    dave.answer(summary, 200);
    expect(parseMessageSummary(bodyOf(summary)).account).toBe(DAVE_URI);
  });

  it('receives a MESSAGE under the SIP URI, and sends one with it as From; the SMTP form is 404 as target and 403 as From', async () => {
    expect((await register(dave, DAVE_URI)).status).toBe(200);
    const sent = alice.request('MESSAGE', DAVE_URI, { headers: ['Content-Type: text/plain'], body: 'hello Dave' });
    const message = await dave.nextRequest();
    expect(message.startLine).toBe('MESSAGE sip:phone@client.invalid;transport=tcp SIP/2.0');
    expect(message.header('To')).toEqual([`<${DAVE_URI}>`]);
    expect(message.header('From')[0]).toMatch(/^<sip:alice@parley\.test>;tag=/);
    expect(bodyOf(message)).toBe('hello Dave');
    dave.answer(message, 200);
    expect((await sent).status).toBe(200);

    expect((await alice.request('MESSAGE', `sip:${DAVE}`, { headers: ['Content-Type: text/plain'], body: 'lost' })).status).toBe(404);
    // Alice has no endpoint: Dave's From is accepted and the answer is the core's 480; his SMTP form is not his URI.
    const fromUri = await dave.request('MESSAGE', `sip:${ALICE}`, { headers: ['Content-Type: text/plain'], body: 'hi' });
    expect(fromUri.status).toBe(480);
    const fromSmtp = await dave.request('MESSAGE', `sip:${ALICE}`, {
      from: `sip:${DAVE}`,
      headers: ['Content-Type: text/plain'],
      body: 'hi',
    });
    expect(fromSmtp.status).toBe(403);
  });

  it('publishes under the SIP URI; a PUBLISH to the SMTP form is 404', async () => {
    const pidf =
      '<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:Dave.Smith@voice.parley.test">' +
      '<tuple id="t"><status><basic>open</basic></status></tuple></presence>';
    const headers = ['Event: presence', 'Content-Type: application/pidf+xml', 'Expires: 600'];
    expect((await dave.request('PUBLISH', DAVE_URI, { headers, body: pidf })).status).toBe(200);
    expect((await dave.request('PUBLISH', `sip:${DAVE}`, { headers, body: pidf })).status).toBe(404);
  });
});
