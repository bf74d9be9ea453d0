import { PROTOCOL_VERSION, ProtocolLimits } from '@parley/presence-bridge/protocol';
import {
  bearerTokenFor,
  type PresenceSocketTestBed,
  startPresenceSocketTestBed,
  testCoreLimits,
  type TestClient,
} from '../../test/presence-socket-test-bed';

// The protocol end to end: the real `ws` client against a real Nest app's HTTP server, over the
// in-memory presence core (test/in-memory-presence-core.ts). Every message a client receives is
// validated against the protocol's schema (TestClient).

const ALICE = 'alice@parley.test';
const BOB = 'bob@parley.test';
const CAROL = 'carol@parley.test';

describe('presence WebSocket: the protocol', () => {
  let bed: PresenceSocketTestBed;
  const open: TestClient[] = [];
  const connect = async (user: string) => {
    const client = await bed.connect(user);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    bed = await startPresenceSocketTestBed();
  });

  afterEach(async () => {
    const clients = open.splice(0);
    await Promise.all(clients.map((c) => c.close()));
    for (const client of clients) expect(client.invalid).toEqual([]);
  });

  afterAll(async () => {
    await bed.close();
  });

  it('greets with hello, then the user’s own presence and message-waiting counts', async () => {
    const alice = await connect(ALICE);
    const hello = await alice.next('hello');
    expect(hello).toEqual({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      serverVersion: '9.9.9-test',
      mailbox: ALICE,
      endpointId: expect.any(String),
      limits: {
        maxFrameBytes: bed.options.maxFrameBytes,
        messagesPerSecond: bed.options.messagesPerSecond,
        messageBurst: bed.options.messageBurst,
        maxSubscriptions: bed.options.maxSubscriptions,
        maxConnectionsPerUser: bed.options.maxConnectionsPerUser,
        maxSendBufferBytes: bed.options.maxSendBufferBytes,
        pingIntervalMs: bed.options.pingIntervalMs,
        maxTargetsPerRequest: ProtocolLimits.maxTargetsPerRequest,
        maxImChars: testCoreLimits.imMaxChars,
      },
    });
    const own = await alice.next('snapshot');
    expect(own.id).toBeUndefined();
    expect(own.presences).toEqual([
      {
        mailbox: ALICE,
        sequence: expect.any(Number),
        presence: expect.objectContaining({
          token: 'available',
          endpoints: [{ endpointId: hello.endpointId, label: expect.stringMatching(/^test-/), machineState: 'active' }],
        }),
      },
    ]);
    expect(await alice.next('message-waiting')).toEqual({ type: 'message-waiting', newMessages: 0, oldMessages: 0 });
    expect(alice.received.map((m) => m.type).slice(0, 3)).toEqual(['hello', 'snapshot', 'message-waiting']);

    bed.core.setMessageWaiting(ALICE, { newMessages: 2, oldMessages: 1 });
    expect(await alice.next('message-waiting')).toEqual({ type: 'message-waiting', newMessages: 2, oldMessages: 1 });
    const update = await alice.next('presence', (m) => m.mailbox === ALICE);
    expect(update.presence.messageWaiting).toEqual({ newMessages: 2, oldMessages: 1 });
    bed.core.setMessageWaiting(ALICE, { newMessages: 0, oldMessages: 0 });
    await alice.next('message-waiting', (m) => m.newMessages === 0);
  });

  it('answers ping with pong carrying the id', async () => {
    const alice = await connect(ALICE);
    await alice.next('hello');
    expect(await alice.request({ type: 'ping' })).toEqual({ type: 'pong', id: expect.any(String) });
    alice.send({ type: 'ping', id: 42 });
    expect(await alice.next('pong', (m) => m.id === 42)).toEqual({ type: 'pong', id: 42 });
  });

  it('subscribe: a snapshot, then every change with a greater sequence; unsubscribe stops them', async () => {
    const alice = await connect(ALICE);
    const bob = await connect(BOB);
    await Promise.all([alice.next('hello'), bob.next('hello')]);
    const snapshot = await alice.request({ type: 'subscribe', targets: ['Bob@Parley.Test', 'nobody@parley.test'] });
    expect(snapshot).toEqual({
      type: 'snapshot',
      id: expect.any(String),
      presences: [
        { mailbox: BOB, sequence: expect.any(Number), presence: expect.objectContaining({ token: 'available', activity: null }) },
      ],
      unknown: ['nobody@parley.test'],
    });
    if (snapshot.type !== 'snapshot') throw new Error('unreachable');
    const seen = snapshot.presences[0];
    // Another user's view never carries the user's endpoints or voicemail counts.
    expect(seen.presence).not.toHaveProperty('endpoints');
    expect(seen.presence).not.toHaveProperty('messageWaiting');

    expect(await bob.request({ type: 'set-state', state: 'busy' })).toEqual({
      type: 'settings',
      id: expect.any(String),
      userState: { state: 'busy', expiresAt: null },
      note: null,
    });
    const busy = await alice.next('presence', (m) => m.mailbox === BOB);
    expect(busy.sequence).toBeGreaterThan(seen.sequence);
    expect(busy.presence).toEqual(expect.objectContaining({ availability: 6500, token: 'busy' }));

    await bob.request({ type: 'set-note', note: '  In Paris this week ' });
    const noted = await alice.next('presence', (m) => m.mailbox === BOB);
    expect(noted.sequence).toBeGreaterThan(busy.sequence);
    expect(noted.presence.note).toEqual({ kind: 'personal', text: 'In Paris this week' });

    expect(await alice.request({ type: 'unsubscribe', targets: [BOB] })).toEqual({ type: 'ok', id: expect.any(String) });
    await bob.request({ type: 'reset-state' });
    // The pong comes after anything the change would have produced on this socket.
    await alice.request({ type: 'ping' });
    expect(alice.all('presence').filter((m) => m.mailbox === BOB)).toHaveLength(2);
    expect(bed.core.watchersOf(BOB)).toEqual([BOB]);
  });

  it('a change made while the snapshot is read is sent after it, and only if newer', async () => {
    const alice = await connect(ALICE);
    const bob = await connect(BOB);
    await Promise.all([alice.next('hello'), bob.next('hello')]);
    const release = bed.core.holdSnapshots();
    const answered = alice.request({ type: 'subscribe', targets: [BOB] });
    await waitUntil(() => bed.core.watchersOf(BOB).includes(ALICE));
    bed.core.setNoteDirectly(BOB, 'first');
    bed.core.setNoteDirectly(BOB, 'second');
    release();
    const snapshot = await answered;
    if (snapshot.type !== 'snapshot') throw new Error(`expected a snapshot, got ${snapshot.type}`);
    const read = snapshot.presences[0];
    expect(['first', 'second']).not.toContain(read.presence.note?.text);
    const update = await alice.next('presence', (m) => m.mailbox === BOB);
    expect(update.presence.note).toEqual({ kind: 'personal', text: 'second' });
    expect(update.sequence).toBe(read.sequence + 2);
    // Held changes are coalesced to the newest: 'first' is never sent, and nothing older follows.
    await alice.request({ type: 'ping' });
    expect(alice.all('presence').filter((m) => m.mailbox === BOB)).toHaveLength(1);
    const order = alice.received.map((m) => (m.type === 'presence' && m.mailbox === BOB ? 'presence' : m.type));
    expect(order.indexOf('snapshot', 1)).toBeLessThan(order.indexOf('presence'));
    await bob.request({ type: 'set-note', note: null });
  });

  it('publishes the user’s own state with an expiry, the note, and refuses what the core refuses', async () => {
    const bob = await connect(BOB);
    await bob.next('hello');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(await bob.request({ type: 'set-state', state: 'do-not-disturb', expiresAt: until })).toEqual(
      expect.objectContaining({ type: 'settings', userState: { state: 'do-not-disturb', expiresAt: until } }),
    );
    const own = await bob.next('presence', (m) => m.mailbox === BOB && m.presence.token === 'do-not-disturb');
    expect(own.presence.driver).toBe('user-state');
    expect(await bob.request({ type: 'set-state', state: 'away', expiresAt: '2000-01-01T00:00:00Z' })).toEqual(
      expect.objectContaining({ type: 'error', code: 'invalid-expiry' }),
    );
    expect(await bob.request({ type: 'set-note', note: 'x'.repeat(501) })).toEqual(
      expect.objectContaining({ type: 'error', code: 'note-too-long' }),
    );
    expect(await bob.request({ type: 'set-note', note: null })).toEqual(expect.objectContaining({ type: 'settings', note: null }));
    expect(await bob.request({ type: 'reset-state' })).toEqual(expect.objectContaining({ type: 'settings', userState: null }));
    await bob.next('presence', (m) => m.mailbox === BOB && m.presence.token === 'available');
    expect(await bob.request({ type: 'activity', lastActivityAt: new Date().toISOString() })).toEqual({
      type: 'ok',
      id: expect.any(String),
    });
  });

  it('manages contacts and groups, with the core’s refusals as error codes', async () => {
    const carol = await connect(CAROL);
    await carol.next('hello');
    const added = await carol.request({ type: 'add-group', name: 'Team' });
    expect(added).toEqual({ type: 'group', id: expect.any(String), group: { id: expect.any(String), name: 'Team' } });
    if (added.type !== 'group') throw new Error('unreachable');
    const groupId = added.group.id;
    expect(await carol.request({ type: 'add-group', name: 'team' })).toEqual(
      expect.objectContaining({ type: 'error', code: 'group-exists' }),
    );
    expect(await carol.request({ type: 'add-contact', contact: 'Alice@Parley.Test', groupId })).toEqual({
      type: 'ok',
      id: expect.any(String),
    });
    expect(await carol.request({ type: 'add-contact', contact: BOB })).toEqual({ type: 'ok', id: expect.any(String) });
    expect(await carol.request({ type: 'add-contact', contact: CAROL })).toEqual(
      expect.objectContaining({ type: 'error', code: 'self-reference' }),
    );
    expect(await carol.request({ type: 'get-contacts' })).toEqual({
      type: 'contacts',
      id: expect.any(String),
      groups: [{ id: groupId, name: 'Team', contacts: [ALICE] }],
      ungrouped: [BOB],
    });
    expect(await carol.request({ type: 'rename-group', groupId, name: 'Core team' })).toEqual(
      expect.objectContaining({ type: 'group', group: { id: groupId, name: 'Core team' } }),
    );
    expect(await carol.request({ type: 'remove-group', groupId })).toEqual(
      expect.objectContaining({ type: 'error', code: 'group-not-empty' }),
    );
    expect(await carol.request({ type: 'move-contact', contact: ALICE, groupId: null })).toEqual(expect.objectContaining({ type: 'ok' }));
    expect(await carol.request({ type: 'remove-group', groupId })).toEqual(expect.objectContaining({ type: 'ok' }));
    expect(await carol.request({ type: 'remove-group', groupId })).toEqual(
      expect.objectContaining({ type: 'error', code: 'group-not-found' }),
    );
    expect(await carol.request({ type: 'remove-contact', contact: ALICE })).toEqual(expect.objectContaining({ type: 'ok' }));
    expect(await carol.request({ type: 'remove-contact', contact: ALICE })).toEqual(
      expect.objectContaining({ type: 'error', code: 'contact-not-found' }),
    );
    expect(await carol.request({ type: 'add-group', name: '   ' })).toEqual(
      expect.objectContaining({ type: 'error', code: 'invalid-group-name' }),
    );
    await carol.request({ type: 'remove-contact', contact: BOB });
  });

  it('blocks: the blocked watcher sees Offline once, then nothing and the same snapshot while the user changes; unblocking shows the real state', async () => {
    const alice = await connect(ALICE);
    const bob = await connect(BOB);
    const carol = await connect(CAROL);
    await Promise.all([alice.next('hello'), bob.next('hello'), carol.next('hello')]);
    await alice.request({ type: 'subscribe', targets: [BOB] });
    await carol.request({ type: 'subscribe', targets: [BOB] });
    expect(await bob.request({ type: 'block', watcher: ALICE })).toEqual(expect.objectContaining({ type: 'ok' }));
    const hidden = await alice.next('presence', (m) => m.mailbox === BOB);
    expect(hidden.presence).toEqual(expect.objectContaining({ token: 'offline', note: null, lastActiveAt: null }));
    expect(await bob.request({ type: 'get-blocks' })).toEqual({ type: 'blocks', id: expect.any(String), blocked: [ALICE] });
    expect(await bob.request({ type: 'block', watcher: BOB })).toEqual(expect.objectContaining({ type: 'error', code: 'self-reference' }));

    // Bob goes on changing; Carol sees each change, Alice (as with a user really offline) nothing.
    const shownToAlice = () => alice.all('presence').filter((m) => m.mailbox === BOB).length;
    const before = shownToAlice();
    await bob.request({ type: 'set-state', state: 'busy' });
    await bob.request({ type: 'set-note', note: 'secret plans' });
    await bob.request({ type: 'reset-state' });
    await bob.request({ type: 'set-note', note: null });
    await carol.waitFor((m) => m.type === 'presence' && m.mailbox === BOB && m.presence.note === null && m.presence.token === 'available');
    await alice.request({ type: 'ping' });
    expect(shownToAlice()).toBe(before);
    // A snapshot asked for again says the same, under the same sequence.
    await alice.request({ type: 'unsubscribe', targets: [BOB] });
    expect(await alice.request({ type: 'subscribe', targets: [BOB] })).toEqual(
      expect.objectContaining({ type: 'snapshot', presences: [{ mailbox: BOB, sequence: hidden.sequence, presence: hidden.presence }] }),
    );

    await bob.request({ type: 'unblock', watcher: ALICE });
    const shown = await alice.next('presence', (m) => m.mailbox === BOB);
    expect(shown.sequence).toBeGreaterThan(hidden.sequence);
    expect(shown.presence.token).toBe('available');
  });

  it('IM: delivered to every connected endpoint of the recipient, failed recipient-offline otherwise; typing notices', async () => {
    const alice = await connect(ALICE);
    const bob1 = await connect(BOB);
    const bob2 = await connect(BOB);
    await Promise.all([alice.next('hello'), bob1.next('hello'), bob2.next('hello')]);
    expect(await alice.request({ type: 'send-im', clientMessageId: 'c-1', to: BOB, text: 'lunch?' })).toEqual({
      type: 'im-delivered',
      id: expect.any(String),
      clientMessageId: 'c-1',
    });
    for (const bob of [bob1, bob2]) {
      expect(await bob.next('im')).toEqual({
        type: 'im',
        messageId: expect.any(String),
        from: ALICE,
        text: 'lunch?',
        sentAt: expect.any(String),
      });
    }
    expect(await alice.request({ type: 'send-im', clientMessageId: 7, to: CAROL, text: 'hello?' })).toEqual({
      type: 'im-failed',
      id: expect.any(String),
      clientMessageId: 7,
      reason: 'recipient-offline',
    });
    expect(await alice.request({ type: 'send-im', clientMessageId: 'c-2', to: 'nobody@parley.test', text: 'hi' })).toEqual(
      expect.objectContaining({ type: 'im-failed', reason: 'recipient-offline' }),
    );
    // The core's refusals: a text past its limit (in characters, as hello says), a replica with too many IMs waiting.
    expect(
      await alice.request({ type: 'send-im', clientMessageId: 'c-long', to: BOB, text: '😀'.repeat(testCoreLimits.imMaxChars + 1) }),
    ).toEqual(expect.objectContaining({ type: 'error', code: 'invalid-message' }));
    bed.core.busyNextSend = true;
    expect(await alice.request({ type: 'send-im', clientMessageId: 'c-busy', to: BOB, text: 'now?' })).toEqual(
      expect.objectContaining({ type: 'error', code: 'busy' }),
    );
    expect(
      await alice.request({ type: 'send-im', clientMessageId: 'c-fits', to: BOB, text: '😀'.repeat(testCoreLimits.imMaxChars) }),
    ).toEqual(expect.objectContaining({ type: 'im-delivered', clientMessageId: 'c-fits' }));
    alice.send({ type: 'typing', to: BOB, typing: true });
    expect(await bob1.next('typing')).toEqual({ type: 'typing', from: ALICE, typing: true });
    // Once bob's endpoints are gone, IM to him fails.
    await Promise.all([bob1.close(), bob2.close()]);
    await waitUntil(() => bed.core.counts().attachments === 1);
    expect(await alice.request({ type: 'send-im', clientMessageId: 'c-3', to: BOB, text: 'gone?' })).toEqual(
      expect.objectContaining({ type: 'im-failed', clientMessageId: 'c-3', reason: 'recipient-offline' }),
    );
  });

  it('signs in with a bearer token as well as Basic', async () => {
    const dave = await bed.connect('dave@parley.test', { authorization: `Bearer ${bearerTokenFor('dave@parley.test')}` });
    open.push(dave);
    expect(await dave.next('hello')).toEqual(expect.objectContaining({ mailbox: 'dave@parley.test' }));
  });

  it('releases everything a socket held when it closes', async () => {
    const alice = await connect(ALICE);
    const bob = await connect(BOB);
    await Promise.all([alice.next('hello'), bob.next('hello')]);
    await alice.request({ type: 'subscribe', targets: [BOB, CAROL] });
    expect(bed.server.stats()).toEqual({ connections: 2, users: 2 });
    expect(bed.core.counts()).toEqual({ endpoints: 2, watches: 4, attachments: 2 });
    await Promise.all(open.splice(0).map((c) => c.close()));
    await waitUntil(() => bed.server.stats().connections === 0);
    expect(bed.server.stats()).toEqual({ connections: 0, users: 0 });
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
