import { waitFor } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { PresenceCoreErrorCode, PresenceCoreException } from './presence-core.exception';
import { ImReceiver, InstantMessage, WatchedPresence } from './presence-ports';
import { PresenceReplica, presenceTestDatabase, testCoreOptions } from '../../test/presence-test-bed';

/**
 * Two presence-bridge replicas in one process — two Nest apps with their own instance ids on one
 * database and the real Kafka broker of KAFKA_BROKERS — and what one sees of what the other does.
 */
const ANNA = 'anna@example.com';
const BOB = 'bob@example.com';
const CARL = 'carl@example.com';
const DORA = 'dora@example.com';

/** A watcher's listener that keeps what it was handed. */
function recorder() {
  const updates: WatchedPresence[] = [];
  return { updates, listener: (u: WatchedPresence) => void updates.push(u), last: () => updates[updates.length - 1] };
}

/** An IM endpoint's receiver that keeps what it was handed. */
function inbox() {
  const messages: InstantMessage[] = [];
  const typing: [string, boolean][] = [];
  const receiver: ImReceiver = { message: (m) => void messages.push(m), typing: (from, on) => void typing.push([from, on]) };
  return { messages, typing, receiver };
}

describe('presence across two replicas over Kafka', () => {
  let database: Awaited<ReturnType<typeof presenceTestDatabase>>;
  let a: PresenceReplica;
  let b: PresenceReplica;
  const stops: (() => void)[] = [];
  const watch = (replica: PresenceReplica, watcher: string, target: string) => {
    const r = recorder();
    stops.push(replica.watchers.watch(watcher, target, r.listener));
    return r;
  };

  beforeAll(async () => {
    database = await presenceTestDatabase('presence_replicas_it');
    a = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'kafka',
      run: database.run,
      migrate: true,
      core: testCoreOptions('replica-a'),
    });
    b = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'kafka',
      run: database.run,
      migrate: false,
      core: testCoreOptions('replica-b'),
    });
    for (const user of [ANNA, BOB, CARL, DORA]) await a.directory.add({ smtpAddress: user, displayName: user.split('@')[0] });
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await a.reset();
  });

  it('a change made through replica B reaches a watcher on replica A within a second', async () => {
    const bob = watch(a, BOB, ANNA);
    const started = Date.now();
    await b.settings.setUserState(ANNA, 'busy', null);
    await waitFor(() => bob.updates.length === 1, { timeoutMs: 5_000, what: 'the change on replica A' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(bob.last()).toMatchObject({ mailbox: ANNA, sequence: 1, view: { availability: 6500, token: 'busy' } });
    // A watcher sees the shared view, never the user's own detail.
    expect(bob.last().view).not.toHaveProperty('endpoints');
    expect(bob.last().view).not.toHaveProperty('messageWaiting');
  });

  it('hands each change only to the watchers of its user, in order, each once', async () => {
    const bob = watch(a, BOB, ANNA);
    const anna = watch(a, ANNA, ANNA);
    const carl = watch(b, CARL, DORA);
    await b.settings.setUserState(ANNA, 'busy', null);
    await b.settings.setPersonalNote(ANNA, 'In Oslo');
    await a.settings.setUserState(ANNA, 'be-right-back', null);
    await waitFor(() => bob.updates.length === 3 && anna.updates.length === 3, { timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(bob.updates.map((u) => [u.sequence, u.view.availability, u.view.note?.text ?? null])).toEqual([
      [1, 6500, null],
      [2, 6500, 'In Oslo'],
      [3, 12500, 'In Oslo'],
    ]);
    // The user watching themself gets the whole view.
    expect(anna.last().view).toMatchObject({ driver: 'user-state', endpoints: [], messageWaiting: { newMessages: 0, oldMessages: 0 } });
    expect(carl.updates).toEqual([]);
  });

  describe('a block cannot be told from going offline', () => {
    const OFFLINE = { availability: 18500, token: 'offline', activity: null, note: null, oof: false, calendar: null, lastActiveAt: null };
    const snapshotOf = async (replica: PresenceReplica, watcher: string, target: string) =>
      (await replica.reader.snapshot(watcher, [target])).get(target);

    it('a block made on B: the watcher on A gets one Offline update, then nothing and the same snapshot while the user changes; the unblock shows the real view', async () => {
      const carl = watch(a, CARL, ANNA);
      const bob = watch(a, BOB, ANNA);
      await b.settings.setUserState(ANNA, 'busy', null);
      await waitFor(() => carl.updates.length === 1);
      await b.settings.block(ANNA, CARL);
      await waitFor(() => carl.updates.length === 2 && bob.updates.length === 2);
      expect(carl.last()).toEqual({ mailbox: ANNA, sequence: 2, view: OFFLINE });
      expect(bob.last()).toMatchObject({ sequence: 2, view: { availability: 6500 } });
      for (const replica of [a, b]) expect(await snapshotOf(replica, CARL, ANNA)).toEqual({ mailbox: ANNA, sequence: 2, view: OFFLINE });

      // The user goes on changing, on both replicas, and connects a client.
      await b.settings.setPersonalNote(ANNA, 'secret plans');
      await a.settings.setUserState(ANNA, 'do-not-disturb', null);
      const client = await b.endpoints.connect(ANNA, { label: 'desk' });
      await a.settings.setUserState(ANNA, 'busy', null);
      // Bob, on the same replica, was handed all four in the same deliveries that passed Carl over.
      await waitFor(() => bob.updates.length === 6, { what: 'the four changes at the other watcher' });
      expect(bob.updates.map((u) => u.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(carl.updates.map((u) => [u.sequence, u.view.token])).toEqual([
        [1, 'busy'],
        [2, 'offline'],
      ]);
      // Polling (Graph's sequenceNumber, the WebSocket snapshot) shows the same answer throughout.
      for (const replica of [a, b]) expect(await snapshotOf(replica, CARL, ANNA)).toEqual({ mailbox: ANNA, sequence: 2, view: OFFLINE });

      await a.settings.unblock(ANNA, CARL);
      await waitFor(() => carl.updates.length === 3);
      expect(carl.last()).toMatchObject({
        sequence: 7,
        view: { availability: 6500, token: 'busy', note: { kind: 'personal', text: 'secret plans' } },
      });
      for (const replica of [a, b]) expect(await snapshotOf(replica, CARL, ANNA)).toEqual(carl.last());
      await client.close();
    });

    it('a watcher who subscribes after the block (watch, then snapshot) sees Offline under the sequence of the block, and nothing more', async () => {
      // Dora's subscription tells when the block's publication has passed replica A.
      const dora = watch(a, DORA, ANNA);
      await b.settings.setUserState(ANNA, 'busy', null);
      await b.settings.block(ANNA, CARL);
      await waitFor(() => dora.updates.length === 2);
      const bob = watch(a, BOB, ANNA);
      const carl = watch(a, CARL, ANNA);
      expect(await snapshotOf(a, CARL, ANNA)).toEqual({ mailbox: ANNA, sequence: 2, view: OFFLINE });
      await b.settings.setPersonalNote(ANNA, 'In Oslo');
      await b.settings.setUserState(ANNA, 'away', null);
      await waitFor(() => bob.updates.length === 2);
      expect(carl.updates).toEqual([]);
      expect(await snapshotOf(b, CARL, ANNA)).toEqual({ mailbox: ANNA, sequence: 2, view: OFFLINE });
    });

    it('a watcher who subscribes while the block is on its way (watch, then snapshot) ends at Offline under the same sequence either way', async () => {
      const bob = watch(a, BOB, ANNA);
      await b.settings.setUserState(ANNA, 'busy', null);
      // The change before the block has passed replica A: Carl, not yet blocked then, would be handed it.
      await waitFor(() => bob.updates.length === 1);
      await b.settings.block(ANNA, CARL);
      const carl = watch(a, CARL, ANNA);
      const snapshot = await snapshotOf(a, CARL, ANNA);
      await b.settings.setUserState(ANNA, 'away', null);
      await waitFor(() => bob.updates.length === 3);
      // The block's publication may arrive after the snapshot, or not at all if it passed first: a
      // front keeps the higher sequence, and both say the same.
      const seen = [snapshot, ...carl.updates].map((u) => JSON.stringify(u));
      expect(new Set(seen)).toEqual(new Set([JSON.stringify({ mailbox: ANNA, sequence: 2, view: OFFLINE })]));
    });

    it('a block and an unblock in quick succession on two replicas: Offline once, then the real view, and the snapshot agrees', async () => {
      const carl = watch(b, CARL, ANNA);
      await a.settings.setUserState(ANNA, 'busy', null);
      await waitFor(() => carl.updates.length === 1);
      await a.settings.block(ANNA, CARL);
      await b.settings.unblock(ANNA, CARL);
      await waitFor(() => carl.updates.length === 3);
      expect(carl.updates.map((u) => [u.sequence, u.view.token])).toEqual([
        [1, 'busy'],
        [2, 'offline'],
        [3, 'busy'],
      ]);
      expect(await snapshotOf(a, CARL, ANNA)).toEqual(carl.last());
    });

    it('a block racing a change on the other replica: whichever commits first, the last update the watcher gets is what its snapshot says', async () => {
      const carl = watch(a, CARL, ANNA);
      const bob = watch(a, BOB, ANNA);
      await a.settings.setUserState(ANNA, 'busy', null);
      await waitFor(() => carl.updates.length === 1);
      await Promise.all([a.settings.block(ANNA, CARL), b.settings.setUserState(ANNA, 'away', null)]);
      await waitFor(() => bob.updates.length === 3);
      expect(carl.last().view).toEqual(OFFLINE);
      expect(carl.updates.filter((u) => u.view.token === 'offline')).toHaveLength(1);
      for (const replica of [a, b]) expect(await snapshotOf(replica, CARL, ANNA)).toEqual(carl.last());
    });
  });

  it('snapshots read the stored views of directory users in one batch, as each watcher may see them', async () => {
    await a.settings.setUserState(ANNA, 'do-not-disturb', null);
    await a.settings.block(BOB, CARL);
    const seen = await b.reader.snapshot(CARL, [ANNA, 'Nobody@Example.com', DORA, BOB, 'not an address', ANNA.toUpperCase()]);
    expect([...seen.keys()].sort()).toEqual([ANNA, BOB, DORA]);
    expect(seen.get(ANNA)).toMatchObject({ sequence: 1, view: { availability: 9500 } });
    expect(seen.get(ANNA)?.view).not.toHaveProperty('driver');
    // Never published: Offline with sequence 0. Blocked: Offline, indistinguishably.
    expect(seen.get(DORA)).toMatchObject({ sequence: 0, view: { token: 'offline' } });
    expect(seen.get(BOB)?.view).toEqual(seen.get(DORA)?.view);
    // Under the sequence of the publication that carried the block (Bob's first).
    expect(seen.get(BOB)?.sequence).toBe(1);
    expect((await b.reader.snapshot(ANNA, [ANNA])).get(ANNA)?.view).toMatchObject({ driver: 'user-state', endpoints: [] });
    await expect(
      b.reader.snapshot(
        CARL,
        Array.from({ length: 1001 }, (_, i) => `u${i}@example.com`),
      ),
    ).rejects.toMatchObject({
      code: PresenceCoreErrorCode.TooManyTargets,
    });
  });

  it('a client connected to replica B makes its user Available to watchers on A; closing it makes them Offline', async () => {
    const bob = watch(a, BOB, ANNA);
    const anna = watch(a, ANNA, ANNA);
    const handle = await b.endpoints.connect(ANNA, { label: 'Parley web' });
    await waitFor(() => bob.updates.length === 1 && anna.updates.length === 1);
    expect(bob.last().view).toMatchObject({ availability: 3500, token: 'available' });
    expect(anna.last().view.endpoints).toEqual([{ endpointId: handle.endpointId, label: 'Parley web', machineState: 'active' }]);
    await handle.close();
    await handle.close();
    await waitFor(() => bob.updates.length === 2);
    expect(bob.last().view).toMatchObject({ availability: 18500, token: 'offline' });
    await new Promise((r) => setTimeout(r, 200));
    expect(bob.updates).toHaveLength(2);
  });

  it('refuses a client past the per-user limit', async () => {
    const handles = [];
    for (let i = 0; i < 4; i++) handles.push(await (i % 2 ? a : b).endpoints.connect(ANNA, { label: `client ${i}` }));
    await expect(a.endpoints.connect(ANNA, { label: 'one too many' })).rejects.toMatchObject({
      code: PresenceCoreErrorCode.TooManyEndpoints,
    });
    await Promise.all(handles.map((h) => h.close()));
  });

  describe('instant messages', () => {
    it('an IM from a user on B reaches the recipient connected to A, and B hears the receipt', async () => {
      const bobsClient = await a.endpoints.connect(BOB, { label: 'Parley web' });
      const bobsInbox = inbox();
      const detach = a.messaging.attach(BOB, bobsClient.endpointId, bobsInbox.receiver);
      try {
        const started = Date.now();
        expect(await b.messaging.send(ANNA, BOB, 'Lunch at noon?')).toEqual({ status: 'delivered' });
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(bobsInbox.messages).toEqual([
          { messageId: expect.any(String), from: ANNA, to: BOB, text: 'Lunch at noon?', sentAt: expect.any(String) },
        ]);
        b.messaging.typing(ANNA, BOB, true);
        await waitFor(() => bobsInbox.typing.length === 1);
        expect(bobsInbox.typing).toEqual([[ANNA, true]]);
        expect(b.router.waiting).toBe(0);
      } finally {
        detach();
        await bobsClient.close();
      }
    });

    it('an IM to a user with no connected client, or who blocked the sender, fails at once with recipient-offline', async () => {
      const started = Date.now();
      expect(await b.messaging.send(ANNA, DORA, 'Are you there?')).toEqual({ status: 'failed', reason: 'recipient-offline' });
      expect(await b.messaging.send(ANNA, 'nobody@example.com', 'Hello?')).toEqual({ status: 'failed', reason: 'recipient-offline' });
      const carlsClient = await a.endpoints.connect(CARL, { label: 'Parley web' });
      const carlsInbox = inbox();
      const detach = a.messaging.attach(CARL, carlsClient.endpointId, carlsInbox.receiver);
      try {
        await a.settings.block(CARL, ANNA);
        expect(await b.messaging.send(ANNA, CARL, 'Hi Carl')).toEqual({ status: 'failed', reason: 'recipient-offline' });
        b.messaging.typing(ANNA, CARL, true);
        expect(Date.now() - started).toBeLessThan(1_000);
        await new Promise((r) => setTimeout(r, 300));
        expect([carlsInbox.messages, carlsInbox.typing]).toEqual([[], []]);
      } finally {
        detach();
        await carlsClient.close();
      }
    });

    it('an IM nobody takes (the client is connected but attached nowhere) fails with timeout', async () => {
      const client = await a.endpoints.connect(DORA, { label: 'no IM' });
      try {
        const started = Date.now();
        expect(await b.messaging.send(ANNA, DORA, 'Anyone?')).toEqual({ status: 'failed', reason: 'timeout' });
        expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
      } finally {
        await client.close();
      }
    });

    it('refuses an empty or over-long message', async () => {
      const refusal = (text: string) => b.messaging.send(ANNA, BOB, text).catch((e: unknown) => e);
      expect(await refusal('')).toMatchObject({ code: PresenceCoreErrorCode.InvalidMessage });
      expect(await refusal('😀'.repeat(8_193))).toBeInstanceOf(PresenceCoreException);
    });
  });

  it('a replica that stopped renewing its lease (killed) loses its clients: another replica removes them and republishes their users', async () => {
    const ghost = `ghost-${randomUUID().slice(0, 8)}`;
    const bob = watch(a, BOB, ANNA);
    const now = Date.now();
    // What a replica leaves behind when it is SIGKILLed: its lease (soon expired) and its endpoints.
    await a.db.dataSource.query(`INSERT INTO presence_bridge.replica_lease (instance_id, started_at, expires_at) VALUES ($1, $2, $3)`, [
      ghost,
      new Date(now - 60_000),
      new Date(now + 1_000),
    ]);
    await a.db.dataSource.query(
      `INSERT INTO presence_bridge.endpoint (id, mailbox, instance_id, label, connected_at, last_activity_at) VALUES ($1, $2, $3, 'x', $4, $4)`,
      [randomUUID(), ANNA, ghost, new Date(now)],
    );
    await a.db.unitOfWork.run((tx) => a.publisher.republish(tx, ANNA, new Date()));
    await waitFor(() => bob.updates.length === 1);
    expect(bob.last().view.token).toBe('available');
    // Lease TTL 1 s left + a heartbeat (500 ms) of either live replica.
    await waitFor(() => bob.updates.length === 2, { timeoutMs: 5_000, what: 'Anna offline once the ghost lease expired' });
    expect(bob.last().view.token).toBe('offline');
    expect(await a.db.dataSource.query(`SELECT count(*)::int AS n FROM presence_bridge.endpoint WHERE instance_id = $1`, [ghost])).toEqual([
      { n: 0 },
    ]);
    expect(
      await a.db.dataSource.query(`SELECT count(*)::int AS n FROM presence_bridge.replica_lease WHERE instance_id = $1`, [ghost]),
    ).toEqual([{ n: 0 }]);
  });
});
