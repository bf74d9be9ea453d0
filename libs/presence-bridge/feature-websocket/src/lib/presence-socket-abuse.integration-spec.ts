import { Metrics } from '@parley/observability';
import { CloseCodes, CloseReasons } from '@parley/presence-bridge/protocol';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import {
  FAILURES_BEFORE_THROTTLE,
  PASSWORD,
  type PresenceSocketTestBed,
  startPresenceSocketTestBed,
  testCoreLimits,
  type TestClient,
  UpgradeRefused,
} from '../../test/presence-socket-test-bed';

// Protocol abuse: each case gets its documented answer (docs/presence-protocol.md), and a second
// client on the same server — carol, watching bob — keeps getting bob's changes and answers to pings.

const ALICE = 'alice@parley.test';
const BOB = 'bob@parley.test';
const CAROL = 'carol@parley.test';
const DAVE = 'dave@parley.test';

describe('presence WebSocket: protocol abuse', () => {
  let bed: PresenceSocketTestBed;
  let carol: TestClient;
  let bob: TestClient;
  const open: TestClient[] = [];
  let change = 0;

  const connect = async (user: string, opts: Parameters<PresenceSocketTestBed['connect']>[1] = {}) => {
    const client = await bed.connect(user, opts);
    open.push(client);
    await client.next('hello');
    return client;
  };

  /** Carol still gets bob's next change and her pings answered. */
  const expectCarolUnaffected = async () => {
    change += 1;
    bed.core.setNoteDirectly(BOB, `change ${change}`);
    const update = await carol.next('presence', (m) => m.mailbox === BOB && m.presence.note?.text === `change ${change}`);
    expect(update.presence.note).toEqual({ kind: 'personal', text: `change ${change}` });
    expect(await carol.request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
    expect(carol.invalid).toEqual([]);
  };

  beforeAll(async () => {
    bed = await startPresenceSocketTestBed();
    bob = await bed.connect(BOB);
    carol = await bed.connect(CAROL);
    await Promise.all([bob.next('hello'), carol.next('hello')]);
    await carol.request({ type: 'subscribe', targets: [BOB] });
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await expectCarolUnaffected();
  });

  afterAll(async () => {
    // What the abuse above shows on /metrics.
    const exposition = await bed.app.get(Metrics).registry.metrics();
    expect(exposition).toMatch(/^parley_presence_ws_connections\{[^}]*\} 2$/m);
    for (const code of [1003, 1007, 1008, 1009, 1011, 1013])
      expect(exposition).toMatch(new RegExp(`^parley_presence_ws_closed_total\\{[^}]*code="${code}"[^}]*\\} [1-9]`, 'm'));
    for (const status of [401, 403, 429]) {
      expect(exposition).toMatch(new RegExp(`^parley_presence_ws_upgrades_refused_total\\{[^}]*status="${status}"[^}]*\\} [1-9]`, 'm'));
    }
    // Another path is the app's upgrade router's 404, not the presence front's.
    expect(exposition).toMatch(/^parley_http_upgrades_not_found_total\{[^}]*\} [1-9]/m);
    await Promise.all([carol.close(), bob.close()]);
    await waitUntil(() => bed.server.stats().connections === 0);
    expect(bed.core.counts()).toEqual({ endpoints: 0, watches: 0, attachments: 0 });
    await bed.close();
  });

  it('bad JSON: closed with 1007 "malformed JSON"', async () => {
    const alice = await connect(ALICE);
    alice.send('{"type": "ping",');
    expect(await alice.closed).toEqual({ code: CloseCodes.malformed, reason: CloseReasons.malformedJson });
  });

  it('JSON that is not an object: closed with 1007', async () => {
    const alice = await connect(ALICE);
    alice.send('[{"type":"ping"}]');
    expect(await alice.closed).toEqual({ code: CloseCodes.malformed, reason: CloseReasons.notAnObject });
  });

  it('invalid UTF-8 in a text frame: closed with 1007 (by ws, no reason)', async () => {
    const alice = await connect(ALICE);
    alice.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await alice.closed).toEqual({ code: CloseCodes.malformed, reason: '' });
  });

  it('a binary frame: closed with 1003', async () => {
    const alice = await connect(ALICE);
    alice.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    expect(await alice.closed).toEqual({ code: CloseCodes.unsupportedData, reason: CloseReasons.binaryFrame });
  });

  it('an oversized frame: closed with 1009 before it is read', async () => {
    const alice = await connect(ALICE);
    alice.send({ type: 'set-note', note: 'x'.repeat(bed.options.maxFrameBytes) });
    expect(await alice.closed).toEqual({ code: CloseCodes.tooBig, reason: '' });
  });

  it('an unknown type: error unknown-type with the id, and the socket stays open', async () => {
    const alice = await connect(ALICE);
    expect(await alice.request({ type: 'launch-rockets' })).toEqual({
      type: 'error',
      id: expect.any(String),
      code: 'unknown-type',
      message: expect.stringContaining('launch-rockets'),
    });
    alice.send({ noType: true, id: 5 });
    expect(await alice.next('error', (m) => m.id === 5)).toEqual(expect.objectContaining({ code: 'unknown-type' }));
    expect(await alice.request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
  });

  it('a known type with bad fields: error invalid-message naming the field, and the socket stays open', async () => {
    const alice = await connect(ALICE);
    expect(await alice.request({ type: 'subscribe', targets: ['not an address'] })).toEqual({
      type: 'error',
      id: expect.any(String),
      code: 'invalid-message',
      message: expect.stringContaining('targets.0'),
    });
    expect(await alice.request({ type: 'set-state', state: 'sleeping' })).toEqual(expect.objectContaining({ code: 'invalid-message' }));
    expect(await alice.request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
  });

  it('subscribing to an unknown user: listed as unknown in the snapshot, not subscribed', async () => {
    const alice = await connect(ALICE);
    expect(await alice.request({ type: 'subscribe', targets: ['ghost@parley.test'] })).toEqual({
      type: 'snapshot',
      id: expect.any(String),
      presences: [],
      unknown: ['ghost@parley.test'],
    });
    expect(bed.core.watchersOf('ghost@parley.test')).toEqual([]);
  });

  it('more subscriptions than the limit: error too-many-subscriptions, nothing subscribed', async () => {
    const alice = await connect(ALICE);
    const four = [BOB, CAROL, DAVE, 'ghost@parley.test'];
    expect(await alice.request({ type: 'subscribe', targets: four })).toEqual(
      expect.objectContaining({ type: 'error', code: 'too-many-subscriptions' }),
    );
    expect(bed.core.watchersOf(DAVE)).toEqual([]);
    expect(await alice.request({ type: 'subscribe', targets: [BOB, CAROL, DAVE] })).toEqual(expect.objectContaining({ type: 'snapshot' }));
    // Subscribing again to a held target is not a new subscription; the user themself never counts.
    expect(await alice.request({ type: 'subscribe', targets: [BOB, ALICE] })).toEqual(expect.objectContaining({ type: 'snapshot' }));
    expect(await alice.request({ type: 'subscribe', targets: ['ghost@parley.test'] })).toEqual(
      expect.objectContaining({ type: 'error', code: 'too-many-subscriptions' }),
    );
  });

  it('a burst past the rate: rate-limited, then served again once the bucket refills', async () => {
    const alice = await connect(ALICE);
    for (let i = 0; i <= bed.options.messageBurst; i++) alice.send({ type: 'ping', id: i });
    const limited = await alice.next('error');
    expect(limited).toEqual({ type: 'error', code: 'rate-limited', message: expect.any(String), retryAfterMs: expect.any(Number) });
    expect(alice.all('pong')).toHaveLength(bed.options.messageBurst);
    await new Promise((r) => setTimeout(r, 200));
    expect(await alice.request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
  });

  it('a flood: rate-limited, then closed with 1008 "rate limit exceeded"', async () => {
    const alice = await connect(ALICE);
    for (let i = 0; i < 500; i++) alice.send({ type: 'ping', id: i });
    expect(await alice.closed).toEqual({ code: CloseCodes.policyViolation, reason: CloseReasons.rateLimit });
    expect(alice.all('error').map((e) => e.code)).toEqual(['rate-limited']);
    expect(alice.all('pong').length).toBeLessThanOrEqual(bed.options.messageBurst + 1);
  });

  it('one connection more than a user may have: closed with 1008, the others keep working', async () => {
    const first = await connect(ALICE);
    await connect(ALICE);
    await connect(ALICE);
    const extra = await bed.connect(ALICE);
    open.push(extra);
    expect(await extra.closed).toEqual({ code: CloseCodes.policyViolation, reason: CloseReasons.tooManyConnections });
    expect(extra.received).toEqual([]);
    expect(await first.request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
    expect(bed.server.stats().connections).toBe(2 + 3);
  });

  it('an upgrade without credentials: 401 with the Basic and Bearer challenge, no socket', async () => {
    const refused = await bed.connect(ALICE, { authorization: null }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect((refused as UpgradeRefused).status).toBe(401);
    expect((refused as UpgradeRefused).headers['www-authenticate']).toBe('Basic realm="Parley", Bearer realm="Parley"');
  });

  it('wrong credentials: 401; past the shared throttle budget 429 with Retry-After, for that client address only', async () => {
    const from = '203.0.113.7';
    for (let i = 0; i < FAILURES_BEFORE_THROTTLE; i++) {
      const refused = await bed.connect(DAVE, { password: 'guess', clientAddress: from }).catch((e: unknown) => e);
      expect(refused).toEqual(expect.objectContaining({ status: 401 }));
    }
    const throttled = await bed.connect(DAVE, { password: PASSWORD, clientAddress: from }).catch((e: unknown) => e);
    expect(throttled).toEqual(expect.objectContaining({ status: 429 }));
    expect(Number((throttled as UpgradeRefused).headers['retry-after'])).toBeGreaterThan(0);
    const bearer = await bed
      .connect(DAVE, { authorization: 'Bearer forged.token.value', clientAddress: '203.0.113.8' })
      .catch((e: unknown) => e);
    expect(bearer).toEqual(expect.objectContaining({ status: 401 }));
    const elsewhere = await connect(DAVE, { clientAddress: '203.0.113.9' });
    expect(await elsewhere.request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
  });

  it('an upgrade from a browser page (with Origin): 403, credentials or not', async () => {
    const refused = await bed.connect(ALICE, { origin: 'https://evil.example' }).catch((e: unknown) => e);
    expect(refused).toEqual(expect.objectContaining({ status: 403 }));
  });

  it('an upgrade on another path: 404', async () => {
    const refused = await bed.connect(ALICE, { path: '/elsewhere' }).catch((e: unknown) => e);
    expect(refused).toEqual(expect.objectContaining({ status: 404 }));
  });

  it('a slow reader: closed with 1013 "slow reader" once its send buffer passes the limit, its watches released', async () => {
    const alice = await connect(ALICE);
    await alice.request({ type: 'subscribe', targets: [BOB] });
    alice.ws.pause();
    const note = 'n'.repeat(480);
    for (let i = 0; bed.core.watchersOf(BOB).includes(ALICE); i++) {
      if (i > 200_000) throw new Error('the slow reader was never closed');
      bed.core.setNoteDirectly(BOB, `${i} ${note}`);
      if (i % 200 === 0) await yieldToIo();
    }
    expect(bed.server.stats().connections).toBe(2);
    alice.ws.resume();
    expect(await alice.closed).toEqual({ code: CloseCodes.tryAgainLater, reason: CloseReasons.slowReader });
  });

  it('a session whose setup fails: closed with 1011, nothing left registered', async () => {
    bed.core.failNextSnapshot = true;
    const alice = await bed.connect(ALICE);
    open.push(alice);
    expect(await alice.closed).toEqual({ code: CloseCodes.internalError, reason: CloseReasons.setupFailed });
    await waitUntil(() => bed.core.counts().endpoints === 2);
    expect(bed.core.watchersOf(ALICE)).toEqual([]);
  });

  it('a core failure during a request: error internal-error, the subscription not left half made', async () => {
    const alice = await connect(ALICE);
    bed.core.failNextSnapshot = true;
    expect(await alice.request({ type: 'subscribe', targets: [DAVE] })).toEqual(
      expect.objectContaining({ type: 'error', code: 'internal-error' }),
    );
    expect(bed.core.watchersOf(DAVE)).toEqual([]);
    expect(await alice.request({ type: 'subscribe', targets: [DAVE] })).toEqual(expect.objectContaining({ type: 'snapshot' }));
  });
});

describe('presence WebSocket: keepalive and shutdown', () => {
  it('drops a peer that stops answering pings, keeps one that answers, with one interval for all', async () => {
    const bed = await startPresenceSocketTestBed({ pingIntervalMs: 150 });
    try {
      const live = await bed.connect(ALICE);
      // A peer that is gone answers no ping: a client that does not answer them stands in for it.
      const dead = await bed.connect(BOB, { autoPong: false });
      await Promise.all([live.next('hello'), dead.next('hello')]);
      const closed = await dead.closed;
      expect(closed.code).toBe(1006);
      await new Promise((r) => setTimeout(r, 400));
      expect(await live.request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
      expect(bed.server.stats()).toEqual({ connections: 1, users: 1 });
      await live.close();
    } finally {
      await bed.close();
    }
  });

  it("past the core's endpoint limit (all replicas): closed with 1008 like this replica's own limit", async () => {
    const bed = await startPresenceSocketTestBed({ maxConnectionsPerUser: 100 });
    try {
      const clients = [];
      for (let i = 0; i < testCoreLimits.maxEndpointsPerUser; i++) {
        const client = await bed.connect(ALICE);
        await client.next('hello');
        clients.push(client);
      }
      const extra = await bed.connect(ALICE);
      expect(await extra.closed).toEqual({ code: CloseCodes.policyViolation, reason: CloseReasons.tooManyConnections });
      expect(extra.received).toEqual([]);
      expect(await clients[0].request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
      await waitUntil(() => bed.server.stats().connections === testCoreLimits.maxEndpointsPerUser);
      await Promise.all(clients.map((c) => c.close()));
    } finally {
      await bed.close();
    }
  });

  it('closes every socket with 1001 when the app shuts down', async () => {
    const bed = await startPresenceSocketTestBed();
    const alice = await bed.connect(ALICE);
    await alice.next('hello');
    await bed.close();
    expect(await alice.closed).toEqual({ code: CloseCodes.goingAway, reason: CloseReasons.shutdown });
    expect(bed.core.counts()).toEqual({ endpoints: 0, watches: 0, attachments: 0 });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
