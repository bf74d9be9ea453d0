import * as JsSIP from 'jssip';
import { RawSipAgent, rawSipRequest } from '../../test/raw-sip-agent';
import {
  challengeParams,
  FAILURES_BEFORE_THROTTLE,
  PASSWORD,
  RawSipClient,
  REALM,
  type SipFrontTestBed,
  startSipFrontTestBed,
} from '../../test/sip-front-test-bed';

const ALICE = 'alice@parley.test';
const BOB = 'bob@parley.test';
const CAROL = 'carol@parley.test';

let bed: SipFrontTestBed;

beforeAll(async () => {
  bed = await startSipFrontTestBed();
});

afterAll(async () => {
  await bed?.close();
});

/** A request of alice's without credentials, as a raw client writes it. */
const unsignedRequest = (method: string, uri: string) => rawSipRequest(method, uri, { from: `sip:${ALICE}`, to: `<sip:${ALICE}>` });

describe('SIP over TCP with a raw client', () => {
  let client: RawSipClient;
  let alice: RawSipAgent;
  beforeEach(async () => {
    client = await RawSipClient.open(bed.tcpPort);
    alice = new RawSipAgent(client, { user: ALICE });
  });
  afterEach(() => client.close());

  it('challenges, accepts MD5 credentials computed independently, lists the binding, and repeats the answer to a retransmission', async () => {
    const contact = '<sip:alice@phone.invalid;transport=tcp>';
    const callId = 'reg-call-1';
    const fields = { to: `<sip:${ALICE}>`, callId, headers: [`Contact: ${contact}`, 'Expires: 300'] };
    const challenge = await alice.challenge('REGISTER', `sip:${REALM}`, { ...fields, cseq: 1 });
    expect(challenge.status).toBe(401);
    const offers = challenge.header('WWW-Authenticate');
    expect(offers).toHaveLength(2);
    expect(offers[0]).toMatch(/algorithm=SHA-256/);
    expect(offers[1]).toMatch(/algorithm=MD5/);
    expect(challengeParams(offers[1])).toMatchObject({ realm: REALM, qop: 'auth' });

    // Signed with the nonce of that challenge (MD5, computed independently by the agent).
    const registered = await alice.signedText('REGISTER', `sip:${REALM}`, { ...fields, branch: 'z9hG4bK-register-2', cseq: 2 });
    client.send(registered);
    const ok = await alice.nextResponse();
    expect(ok.status).toBe(200);
    expect(ok.header('Contact')).toEqual([expect.stringMatching(/^<sip:alice@phone\.invalid;transport=tcp>;expires=(300|299)$/)]);
    expect(bed.server.registrar.bindingsOf(ALICE)).toHaveLength(1);

    // The same request again (same branch): the same response, not a second registration attempt (its nc would be a replay).
    client.send(registered);
    const again = await alice.nextResponse();
    expect(again.raw).toBe(ok.raw);

    // The connection closing takes its bindings with it.
    client.close();
    await waitUntil(() => bed.server.registrar.bindingsOf(ALICE).length === 0);
  });

  it('refuses a REGISTER for another user with 403 and an interval below the minimum with 423', async () => {
    // Signed as bob; From and To name `user`.
    const bob = new RawSipAgent(client, { user: BOB });
    const auth = (method: string, uri: string, headers: string[], user = BOB) =>
      bob.request(method, uri, { from: `sip:${user}`, to: `<sip:${user}>`, headers });
    expect((await auth('REGISTER', `sip:${REALM}`, ['Contact: <sip:x@h.invalid>'], ALICE)).status).toBe(403);
    const brief = await auth('REGISTER', `sip:${REALM}`, ['Contact: <sip:x@h.invalid>', 'Expires: 10']);
    expect(brief.status).toBe(423);
    expect(brief.header('Min-Expires')).toEqual(['60']);
    expect((await auth('OPTIONS', 'sip:nobody@parley.test', [])).status).toBe(404);
    const options = await auth('OPTIONS', `sip:${CAROL}`, []);
    expect(options.status).toBe(200);
    expect(options.header('Allow')).toEqual(['REGISTER, OPTIONS, SUBSCRIBE, NOTIFY, PUBLISH, MESSAGE']);
    expect(options.header('Accept')).toHaveLength(1);
    expect(options.header('Supported')).toHaveLength(1);
  });

  it('answers INVITE with 405 and Allow, an unknown method with 501, and a CANCEL of nothing with 481', async () => {
    const invite = await alice.unsigned('INVITE', `sip:${BOB}`, { to: `<sip:${ALICE}>` });
    expect(invite.status).toBe(405);
    expect(invite.header('Allow')).toEqual(['REGISTER, OPTIONS, SUBSCRIBE, NOTIFY, PUBLISH, MESSAGE']);
    expect((await alice.unsigned('FROBNICATE', `sip:${BOB}`, { to: `<sip:${ALICE}>` })).status).toBe(501);
    expect((await alice.unsigned('CANCEL', `sip:${BOB}`, { to: `<sip:${ALICE}>` })).status).toBe(481);
  });

  it('answers a keep-alive ping with a pong, a malformed request with 400 and a Warning, and closes on garbage', async () => {
    client.send('\r\n\r\n');
    await waitUntil(() => client.leftover === '\r\n');
    client.dropLeftover();
    client.send(unsignedRequest('OPTIONS', 'sip:parley.test').replace('CSeq: 1 OPTIONS', 'CSeq: 1 REGISTER'));
    const refused = await client.next();
    expect(refused.status).toBe(400);
    expect(refused.header('Warning')).toEqual([expect.stringMatching(/^399 parley "/)]);
    client.send('\u0000\u0001 this is not SIP at all\r\n\r\n');
    await client.closedByServer();
  });
});

describe('SIP over WebSocket with JsSIP', () => {
  it('registers with digest and fails with a wrong password', async () => {
    const ok = await registerWithJsSip(PASSWORD);
    expect(ok).toEqual({ event: 'registered' });
    const failed = await registerWithJsSip('wrong password');
    expect(failed.event).toBe('registrationFailed');
    expect([401, 403]).toContain(failed.status);
  });

  it('reads one message per frame without Content-Length and answers a malformed frame with 400', async () => {
    const ws = new WebSocket(bed.wsUrl, 'sip');
    const frames: string[] = [];
    ws.addEventListener('message', (event) => frames.push(String(event.data)));
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', reject);
    });
    try {
      expect(ws.protocol).toBe('sip');
      const withoutLength = unsignedRequest('OPTIONS', `sip:${REALM}`).replace(/Content-Length: 0\r\n/, '');
      ws.send(withoutLength);
      ws.send(withoutLength.replace('CSeq: 1 OPTIONS', 'CSeq: 1 MESSAGE'));
      await waitUntil(() => frames.length === 2);
      expect(frames[0]).toMatch(/^SIP\/2\.0 401 /);
      expect(frames[1]).toMatch(/^SIP\/2\.0 400 [^]*\r\nWarning: 399 parley "/);
    } finally {
      ws.close();
    }
  });

  it('refuses a WebSocket upgrade without the sip subprotocol', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(bed.wsUrl, 'not-sip');
      ws.addEventListener('error', () => resolve(0));
      ws.addEventListener('open', () => resolve(101));
    });
    expect(status).not.toBe(101);
  });
});

async function registerWithJsSip(password: string): Promise<{ event: string; status?: number }> {
  const socket = new JsSIP.WebSocketInterface(bed.wsUrl);
  const ua = new JsSIP.UA({
    sockets: [socket],
    uri: 'sip:alice@parley.test',
    authorization_user: 'alice@parley.test',
    password,
    register: true,
    register_expires: 300,
    connection_recovery_min_interval: 60,
    connection_recovery_max_interval: 60,
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('JsSIP neither registered nor failed')), 10_000);
      ua.on('registered', () => {
        clearTimeout(timer);
        resolve({ event: 'registered' });
      });
      ua.on('registrationFailed', (e: { response?: { status_code: number } }) => {
        clearTimeout(timer);
        resolve({ event: 'registrationFailed', status: e.response?.status_code });
      });
      ua.start();
    });
  } finally {
    // Stopping un-REGISTERs and then closes the socket; waited for so that no JsSIP work outlives the test.
    const disconnected = new Promise<void>((resolve) => ua.on('disconnected', () => resolve()));
    ua.stop();
    await disconnected;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sign-in throttling', () => {
  it('counts wrong digests in the shared throttle and then answers 403 with Retry-After, even to the right password', async () => {
    // From an address of its own: the budget is per client address, and the other tests spend 127.0.0.1's.
    const client = await RawSipClient.open(bed.tcpPort, '127.0.0.2');
    try {
      // Each attempt challenged afresh, then signed as carol with `password`.
      const attempt = async (password: string) => {
        const carol = new RawSipAgent(client, { user: CAROL, password });
        const fields = { to: `<sip:${CAROL}>` };
        expect((await carol.challenge('OPTIONS', `sip:${REALM}`, fields)).status).toBe(401);
        return carol.request('OPTIONS', `sip:${REALM}`, fields);
      };
      for (let i = 0; i < FAILURES_BEFORE_THROTTLE; i += 1) expect((await attempt('guess')).status).toBe(401);
      const refused = await attempt(PASSWORD);
      expect(refused.status).toBe(403);
      expect(Number(refused.header('Retry-After')[0])).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });
});

describe('connections per client address', () => {
  let small: SipFrontTestBed;
  beforeAll(async () => {
    small = await startSipFrontTestBed({ maxConnectionsPerAddress: 1 });
  });
  afterAll(async () => {
    await small?.close();
  });

  it('refuses a second connection from one address, over TCP and WebSocket together, until the first closes', async () => {
    const first = await RawSipClient.open(small.tcpPort);
    try {
      await waitUntil(() => small.server.connections.size === 1);
      const second = await RawSipClient.open(small.tcpPort);
      await second.closedByServer();
      const upgrade = await new Promise<string>((resolve) => {
        const ws = new WebSocket(small.wsUrl, 'sip');
        ws.addEventListener('open', () => {
          ws.close();
          resolve('open');
        });
        ws.addEventListener('error', () => resolve('refused'));
      });
      expect(upgrade).toBe('refused');
    } finally {
      first.close();
    }
    await waitUntil(() => small.server.connections.size === 0);
    const again = await RawSipClient.open(small.tcpPort);
    try {
      again.send(unsignedRequest('INVITE', `sip:${BOB}`));
      expect((await again.next()).status).toBe(405);
    } finally {
      again.close();
    }
  });
});
