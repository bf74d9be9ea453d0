import { createEnvelope, type MessageWaitingChangedEvent, Topics } from '@parley/contracts';
import { MessagingTransport } from '@parley/messaging';
import { CloseCodes, CloseReasons } from '@parley/presence-bridge/protocol';
import { coreTestOptions, type CoreSocketTestBed, startCoreSocketTestBed } from '../../test/presence-socket-core-test-bed';
import type { TestClient } from '../../test/presence-socket-test-bed';

// The protocol against the real presence core (PostgreSQL, the in-process bus, the real directory
// and sign-in): what the in-memory core stands in for elsewhere holds here too.

const ALICE = 'alice@ws-core.test';
const BOB = 'bob@ws-core.test';
const CAROL = 'carol@ws-core.test';

describe('presence WebSocket over the real presence core', () => {
  let bed: CoreSocketTestBed;
  const open: TestClient[] = [];
  const connect = async (user: string) => {
    const client = await bed.connect(user);
    open.push(client);
    await client.next('hello');
    return client;
  };

  beforeAll(async () => {
    bed = await startCoreSocketTestBed([ALICE, BOB, CAROL]);
  });

  afterEach(async () => {
    const clients = open.splice(0);
    await Promise.all(clients.map((c) => c.close()));
    for (const client of clients) expect(client.invalid).toEqual([]);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('connect: hello, the own presence (Available with this endpoint), message-waiting; closing releases everything', async () => {
    const alice = await connect(ALICE);
    const hello = alice.all('hello')[0];
    expect(hello).toEqual(
      expect.objectContaining({ mailbox: ALICE, limits: expect.objectContaining({ maxImChars: coreTestOptions.imMaxChars }) }),
    );
    const own = await alice.next('snapshot');
    const self = own.presences[0];
    // The endpoint may be published just after the snapshot was read: then it follows as a change.
    const current =
      self.presence.endpoints?.some((e) => e.endpointId === hello.endpointId) === true
        ? self
        : await alice.next('presence', (m) => m.presence.endpoints?.some((e) => e.endpointId === hello.endpointId) === true);
    expect(current.presence).toEqual(expect.objectContaining({ token: 'available', driver: 'endpoint' }));
    expect(await alice.next('message-waiting')).toEqual({ type: 'message-waiting', newMessages: 0, oldMessages: 0 });

    await alice.close();
    await waitUntil(() => bed.server.stats().connections === 0 && bed.endpoints.size === 0 && bed.fanout.stats.subscriptions === 0);
  });

  it('subscribe → snapshot → every change with a greater sequence; state with expiry, note, reset', async () => {
    const alice = await connect(ALICE);
    const bob = await connect(BOB);
    const snapshot = await alice.request({ type: 'subscribe', targets: [BOB, 'nobody@ws-core.test'] });
    if (snapshot.type !== 'snapshot') throw new Error(`expected a snapshot, got ${JSON.stringify(snapshot)}`);
    expect(snapshot.unknown).toEqual(['nobody@ws-core.test']);
    expect(snapshot.presences.map((p) => p.mailbox)).toEqual([BOB]);
    let last = snapshot.presences[0].sequence;

    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(await bob.request({ type: 'set-state', state: 'busy', expiresAt: until })).toEqual(
      expect.objectContaining({ type: 'settings', userState: { state: 'busy', expiresAt: until } }),
    );
    const busy = await alice.next('presence', (m) => m.mailbox === BOB && m.presence.token === 'busy');
    expect(busy.sequence).toBeGreaterThan(last);
    expect(busy.presence).not.toHaveProperty('endpoints');
    last = busy.sequence;

    await bob.request({ type: 'set-note', note: 'In Paris this week' });
    const noted = await alice.next('presence', (m) => m.mailbox === BOB && m.presence.note?.text === 'In Paris this week');
    expect(noted.sequence).toBeGreaterThan(last);

    expect(await bob.request({ type: 'set-state', state: 'away', expiresAt: '2000-01-01T00:00:00Z' })).toEqual(
      expect.objectContaining({ type: 'error', code: 'invalid-expiry' }),
    );
    expect(await bob.request({ type: 'reset-state' })).toEqual(expect.objectContaining({ type: 'settings', userState: null }));
    await alice.next('presence', (m) => m.mailbox === BOB && m.presence.token === 'available');
    await bob.request({ type: 'set-note', note: null });
    const sequences = alice
      .all('presence')
      .filter((m) => m.mailbox === BOB)
      .map((m) => m.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(sequences.length);
  });

  it('contacts and blocks: the blocked watcher sees Offline, unblocked the real state', async () => {
    const alice = await connect(ALICE);
    const bob = await connect(BOB);
    const group = await bob.request({ type: 'add-group', name: 'Team' });
    if (group.type !== 'group') throw new Error(`expected a group, got ${JSON.stringify(group)}`);
    expect(await bob.request({ type: 'add-contact', contact: ALICE, groupId: group.group.id })).toEqual(
      expect.objectContaining({ type: 'ok' }),
    );
    expect(await bob.request({ type: 'get-contacts' })).toEqual(
      expect.objectContaining({ groups: [{ id: group.group.id, name: 'Team', contacts: [ALICE] }], ungrouped: [] }),
    );
    expect(await bob.request({ type: 'remove-group', groupId: group.group.id })).toEqual(
      expect.objectContaining({ code: 'group-not-empty' }),
    );
    expect(await bob.request({ type: 'add-contact', contact: BOB })).toEqual(expect.objectContaining({ code: 'self-reference' }));

    await alice.request({ type: 'subscribe', targets: [BOB] });
    expect(await bob.request({ type: 'block', watcher: ALICE })).toEqual(expect.objectContaining({ type: 'ok' }));
    expect(await bob.request({ type: 'get-blocks' })).toEqual(expect.objectContaining({ blocked: [ALICE] }));
    const hidden = await alice.next('presence', (m) => m.mailbox === BOB && m.presence.token === 'offline');
    expect(hidden.presence).toEqual(expect.objectContaining({ note: null, lastActiveAt: null }));
    // A change while blocked does not reach the blocked watcher at all (a user really offline changes nothing).
    const shownToAlice = () => alice.all('presence').filter((m) => m.mailbox === BOB).length;
    const before = shownToAlice();
    await bob.request({ type: 'set-note', note: 'secret plans' });
    // Bob's own view carries the note once the change went through the feed; Alice's next answer comes after it.
    await bob.waitFor((m) => m.type === 'presence' && m.mailbox === BOB && m.presence.note?.text === 'secret plans');
    await alice.request({ type: 'ping' });
    expect(shownToAlice()).toBe(before);
    await bob.request({ type: 'unblock', watcher: ALICE });
    const shown = await alice.next('presence', (m) => m.mailbox === BOB && m.sequence > hidden.sequence);
    expect(shown.presence).toEqual(expect.objectContaining({ token: 'available', note: { kind: 'personal', text: 'secret plans' } }));
    await bob.request({ type: 'set-note', note: null });
    await bob.request({ type: 'remove-contact', contact: ALICE });
    await bob.request({ type: 'remove-group', groupId: group.group.id });
  });

  it('IM: delivered to each connection of the recipient, failed recipient-offline otherwise; typing', async () => {
    const alice = await connect(ALICE);
    const bob1 = await connect(BOB);
    const bob2 = await connect(BOB);
    expect(await alice.request({ type: 'send-im', clientMessageId: 'c-1', to: BOB, text: 'lunch?' })).toEqual(
      expect.objectContaining({ type: 'im-delivered', clientMessageId: 'c-1' }),
    );
    for (const bob of [bob1, bob2]) expect(await bob.next('im')).toEqual(expect.objectContaining({ from: ALICE, text: 'lunch?' }));
    expect(await alice.request({ type: 'send-im', clientMessageId: 'c-2', to: CAROL, text: 'there?' })).toEqual(
      expect.objectContaining({ type: 'im-failed', clientMessageId: 'c-2', reason: 'recipient-offline' }),
    );
    expect(
      await alice.request({ type: 'send-im', clientMessageId: 'c-3', to: BOB, text: 'x'.repeat(coreTestOptions.imMaxChars + 1) }),
    ).toEqual(expect.objectContaining({ type: 'error', code: 'invalid-message' }));
    alice.send({ type: 'typing', to: BOB, typing: true });
    expect(await bob2.next('typing')).toEqual({ type: 'typing', from: ALICE, typing: true });
    expect(await alice.request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
  });

  it("past the core's endpoint limit: closed with 1008, the user's other connections unaffected", async () => {
    const clients: TestClient[] = [];
    for (let i = 0; i < coreTestOptions.maxEndpointsPerUser; i++) clients.push(await connect(CAROL));
    const extra = await bed.connect(CAROL);
    open.push(extra);
    expect(await extra.closed).toEqual({ code: CloseCodes.policyViolation, reason: CloseReasons.tooManyConnections });
    expect(await clients[0].request({ type: 'ping' })).toEqual(expect.objectContaining({ type: 'pong' }));
  });

  it("voicemail-ingest's counts reach the owner's sockets as message-waiting; watchers never see them", async () => {
    // What voicemail-ingest's outbox relay hands the bus on a deposit, a read and a delete.
    const announce = (counts: MessageWaitingChangedEvent) =>
      bed.app.get(MessagingTransport).publisher.publish([
        {
          topic: Topics.messageWaitingChanged,
          key: counts.mailbox,
          envelope: createEnvelope({ type: Topics.messageWaitingChanged, key: counts.mailbox, payload: counts, correlationId: 'ws-mwi' }),
        },
      ]);
    const alice = await connect(ALICE);
    const aliceAgain = await connect(ALICE);
    const bob = await connect(BOB);
    await alice.next('message-waiting');
    await aliceAgain.next('message-waiting');
    const snapshot = await bob.request({ type: 'subscribe', targets: [ALICE] });
    if (snapshot.type !== 'snapshot') throw new Error(`expected a snapshot, got ${JSON.stringify(snapshot)}`);
    expect(snapshot.presences[0].presence).not.toHaveProperty('messageWaiting');

    await announce({ mailbox: ALICE, newMessages: 2, oldMessages: 1, revision: 1 });
    for (const socket of [alice, aliceAgain]) {
      expect(await socket.next('message-waiting', (m) => m.newMessages === 2)).toEqual({
        type: 'message-waiting',
        newMessages: 2,
        oldMessages: 1,
      });
    }
    // The owner's own presence carries them too; the watcher's copy of the same publication does not.
    const own = await alice.next('presence', (m) => m.mailbox === ALICE && m.presence.messageWaiting?.newMessages === 2);
    expect(own.presence.messageWaiting).toEqual({ newMessages: 2, oldMessages: 1 });

    // A late revision changes nothing; the next one (the voicemail read) does.
    await announce({ mailbox: ALICE, newMessages: 7, oldMessages: 7, revision: 1 });
    await announce({ mailbox: ALICE, newMessages: 1, oldMessages: 2, revision: 2 });
    expect(await alice.next('message-waiting', (m) => m.oldMessages === 2)).toEqual({
      type: 'message-waiting',
      newMessages: 1,
      oldMessages: 2,
    });
    expect(alice.all('message-waiting').some((m) => m.newMessages === 7)).toBe(false);

    // A new connection of the owner is greeted with the stored counts.
    const later = await connect(ALICE);
    expect(await later.next('message-waiting')).toEqual({ type: 'message-waiting', newMessages: 1, oldMessages: 2 });

    for (const seen of bob.all('presence').filter((m) => m.mailbox === ALICE)) expect(seen.presence).not.toHaveProperty('messageWaiting');
    expect(bob.all('message-waiting').every((m) => m.newMessages === 0 && m.oldMessages === 0)).toBe(true);
    // Reset for the other tests (the bed's database lives for the whole file).
    await announce({ mailbox: ALICE, newMessages: 0, oldMessages: 0, revision: 3 });
    await alice.next('message-waiting', (m) => m.newMessages === 0 && m.oldMessages === 0);
  });

  it('leaves nothing behind: endpoints, watches and IM attachments back to zero', async () => {
    const alice = await connect(ALICE);
    await alice.request({ type: 'subscribe', targets: [BOB, CAROL] });
    expect(bed.fanout.stats.subscriptions).toBe(3);
    await alice.close();
    await waitUntil(() => bed.server.stats().connections === 0 && bed.endpoints.size === 0 && bed.fanout.stats.subscriptions === 0);
    expect(bed.ims.waiting).toBe(0);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
