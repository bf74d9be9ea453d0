import {
  BACKOFF_MAX_MS,
  backoffDelay,
  ConnectionError,
  PresenceClient,
  ProtocolError,
  SequenceTable,
  type ConnectionState,
  type PresenceUpdate,
} from './presence-client';
import { FakeClock, FakeSocket, flush } from './testing/fakes';

function setup(sessionValid: boolean | (() => Promise<boolean>) = true) {
  const clock = new FakeClock();
  const sockets: FakeSocket[] = [];
  const sessionChecks: number[] = [];
  const client = new PresenceClient({
    url: 'ws://parley.test/presence',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    sessionIsValid: () => {
      sessionChecks.push(clock.now());
      return typeof sessionValid === 'function' ? sessionValid() : Promise.resolve(sessionValid);
    },
    clock,
    requestTimeoutMs: 10_000,
  });
  const states: ConnectionState[] = [];
  const presences: PresenceUpdate[] = [];
  client.on('state', (s) => states.push(s));
  client.on('presence', (p) => presences.push(p));
  const socket = () => {
    const last = sockets[sockets.length - 1];
    if (!last) throw new Error('no socket');
    return last;
  };
  return { clock, sockets, socket, client, states, presences, sessionChecks };
}

const presence = (token: 'available' | 'busy' | 'away' = 'available') => ({
  availability: token === 'available' ? 3500 : token === 'busy' ? 6500 : 15500,
  token,
  activity: null,
  note: null,
  oof: false,
  calendar: null,
  lastActiveAt: null,
});

describe('PresenceClient requests', () => {
  it('matches each answer to its request by id, whatever order the answers come in', async () => {
    const { client, socket } = setup();
    client.connect();
    socket().accept();
    const contacts = client.request({ type: 'get-contacts' });
    const group = client.request({ type: 'add-group', name: 'Team' });
    const [first, second] = socket().sent;
    expect(first).toMatchObject({ type: 'get-contacts' });
    expect(second).toMatchObject({ type: 'add-group', name: 'Team' });
    expect(first?.['id']).not.toEqual(second?.['id']);
    socket().receive({ type: 'group', id: second?.['id'], group: { id: 'g1', name: 'Team' } });
    socket().receive({ type: 'contacts', id: first?.['id'], groups: [], ungrouped: ['bob@parley.test'] });
    await expect(group).resolves.toMatchObject({ type: 'group', group: { id: 'g1' } });
    await expect(contacts).resolves.toMatchObject({ type: 'contacts', ungrouped: ['bob@parley.test'] });
  });

  it('rejects a refused request with the protocol error code', async () => {
    const { client, socket } = setup();
    client.connect();
    socket().accept();
    const answer = client.request({ type: 'set-note', note: 'x'.repeat(600) });
    socket().receive({ type: 'error', id: socket().lastSent()['id'], code: 'note-too-long', message: 'too long' });
    await expect(answer).rejects.toEqual(new ProtocolError('note-too-long', 'too long'));
  });

  it('answers send-im with im-failed and its reason', async () => {
    const { client, socket } = setup();
    client.connect();
    socket().accept();
    const answer = client.request({ type: 'send-im', clientMessageId: 'c1', to: 'bob@parley.test', text: 'hi' });
    socket().receive({ type: 'im-failed', id: socket().lastSent()['id'], clientMessageId: 'c1', reason: 'recipient-offline' });
    await expect(answer).resolves.toEqual(expect.objectContaining({ type: 'im-failed', reason: 'recipient-offline' }));
  });

  it('refuses requests while not connected, times out unanswered ones, fails pending ones when the socket drops', async () => {
    const { client, socket, clock } = setup();
    await expect(client.request({ type: 'get-contacts' })).rejects.toEqual(new ConnectionError('not-connected'));
    client.connect();
    socket().accept();
    const slow = client.request({ type: 'get-contacts' });
    clock.advance(10_000);
    await expect(slow).rejects.toEqual(new ConnectionError('timeout'));
    const dropped = client.request({ type: 'get-blocks' });
    socket().serverClose(1006);
    await expect(dropped).rejects.toEqual(new ConnectionError('connection-lost'));
  });

  it('sends typing as a notice without an id, and nothing while disconnected', () => {
    const { client, socket } = setup();
    expect(client.notify({ type: 'typing', to: 'bob@parley.test', typing: true })).toBe(false);
    client.connect();
    socket().accept();
    expect(client.notify({ type: 'typing', to: 'bob@parley.test', typing: true })).toBe(true);
    expect(socket().lastSent()).toEqual({ type: 'typing', to: 'bob@parley.test', typing: true });
  });

  it('delivers events: im, typing, message-waiting, and errors that answer nothing', () => {
    const { client, socket } = setup();
    const seen: unknown[] = [];
    client.on('im', (m) => seen.push(['im', m.from, m.text]));
    client.on('typing', (m) => seen.push(['typing', m.from, m.typing]));
    client.on('message-waiting', (m) => seen.push(['mwi', m.newMessages, m.oldMessages]));
    client.on('protocol-error', (m) => seen.push(['error', m.code]));
    client.connect();
    socket().accept();
    socket().receive({ type: 'message-waiting', newMessages: 2, oldMessages: 5 });
    socket().receive({ type: 'im', messageId: 'x', from: 'bob@parley.test', text: 'lunch?', sentAt: '2026-12-03T09:15:02.120Z' });
    socket().receive({ type: 'typing', from: 'bob@parley.test', typing: true });
    socket().receive({ type: 'error', code: 'invalid-address', message: 'bad' });
    socket().receive({ type: 'some-future-type' });
    socket().receive('not json');
    expect(seen).toEqual([
      ['mwi', 2, 5],
      ['im', 'bob@parley.test', 'lunch?'],
      ['typing', 'bob@parley.test', true],
      ['error', 'invalid-address'],
    ]);
  });
});

describe('PresenceClient ordering by sequence', () => {
  it('applies a snapshot entry or a change only when newer than what it has', async () => {
    const { client, socket, presences } = setup();
    client.connect();
    socket().accept();
    const snapshot = client.request({ type: 'subscribe', targets: ['bob@parley.test'] });
    // A change that overtook the snapshot's answer…
    socket().receive({ type: 'presence', mailbox: 'bob@parley.test', sequence: 13, presence: presence('busy') });
    // …and the older snapshot entry, then a stale change: both dropped.
    socket().receive({
      type: 'snapshot',
      id: socket().lastSent()['id'],
      presences: [{ mailbox: 'bob@parley.test', sequence: 12, presence: presence('available') }],
      unknown: [],
    });
    socket().receive({ type: 'presence', mailbox: 'BOB@parley.test', sequence: 11, presence: presence('away') });
    socket().receive({ type: 'presence', mailbox: 'bob@parley.test', sequence: 14, presence: presence('away') });
    await snapshot;
    expect(presences.map((p) => [p.mailbox, p.sequence, p.presence.token])).toEqual([
      ['bob@parley.test', 13, 'busy'],
      ['bob@parley.test', 14, 'away'],
    ]);
  });

  it('applies the unsolicited snapshot of oneself sent at connect, sequence 0 included, and starts afresh after a reconnect', () => {
    const { client, socket, presences, clock } = setup();
    client.connect();
    socket().accept();
    socket().receive({ type: 'snapshot', presences: [{ mailbox: 'alice@parley.test', sequence: 0, presence: presence() }], unknown: [] });
    socket().receive({ type: 'presence', mailbox: 'alice@parley.test', sequence: 5, presence: presence('busy') });
    socket().serverClose(1001, 'server shutting down');
    clock.advance(BACKOFF_MAX_MS);
    socket().accept();
    // The new connection's snapshot is the current state, even with a lower number (another replica's view of a restarted core).
    socket().receive({
      type: 'snapshot',
      presences: [{ mailbox: 'alice@parley.test', sequence: 3, presence: presence('away') }],
      unknown: [],
    });
    expect(presences.map((p) => [p.sequence, p.presence.token])).toEqual([
      [0, 'available'],
      [5, 'busy'],
      [3, 'away'],
    ]);
  });

  it('SequenceTable compares addresses without case', () => {
    const table = new SequenceTable();
    expect(table.accept('Bob@Parley.test', 2)).toBe(true);
    expect(table.accept('bob@parley.test', 2)).toBe(false);
    expect(table.accept('bob@parley.test', 3)).toBe(true);
  });
});

describe('PresenceClient reconnect policy', () => {
  it('backs off exponentially from 1 s to a 30 s ceiling, with jitter between half and all of the step', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, 1))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(0, 0)).toBe(500);
    expect(backoffDelay(3, 0)).toBe(4000);
  });

  it.each([1001, 1006, 1011, 1013])('reconnects by itself after close code %i, with growing waits until a hello resets them', (code) => {
    const { client, socket, sockets, clock, states } = setup();
    clock.randomValue = 1;
    client.connect();
    socket().accept();
    socket().serverClose(code);
    const first = states[states.length - 1];
    expect(first).toMatchObject({ status: 'waiting', lastClose: { code } });
    const firstWait = first?.status === 'waiting' ? first.retryAt - clock.now() : -1;
    expect(firstWait).toBe(code === 1011 || code === 1013 ? 4000 : 1000);
    clock.advance(firstWait - 1);
    expect(sockets).toHaveLength(1);
    clock.advance(1);
    expect(sockets).toHaveLength(2);
    // The second attempt fails before opening (the server is still down); the session is still valid.
    socket().serverClose(1006);
    return flush().then(() => {
      const second = states[states.length - 1];
      expect(second?.status === 'waiting' ? second.retryAt - clock.now() : -1).toBe(firstWait * 2);
      clock.advance(firstWait * 2);
      socket().accept();
      socket().serverClose(code);
      const third = states[states.length - 1];
      expect(third?.status === 'waiting' ? third.retryAt - clock.now() : -1).toBe(firstWait);
    });
  });

  it('does not reconnect after 1008 and says why', () => {
    const { client, socket, sockets, clock, states } = setup();
    client.connect();
    socket().accept();
    socket().serverClose(1008, 'too many connections for this user');
    expect(states[states.length - 1]).toEqual({
      status: 'closed',
      reason: 'policy',
      close: { code: 1008, reason: 'too many connections for this user' },
    });
    clock.advance(60_000);
    expect(sockets).toHaveLength(1);
    client.connect();
    expect(sockets).toHaveLength(2);
  });

  it('on a failure before the socket opened, asks whether the session is still valid: no → signed out, no retry', async () => {
    const { client, socket, sockets, clock, states, sessionChecks } = setup(false);
    client.connect();
    socket().serverClose(1006);
    await flush();
    expect(sessionChecks).toHaveLength(1);
    expect(states[states.length - 1]).toMatchObject({ status: 'closed', reason: 'signed-out' });
    clock.advance(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('on a failure before the socket opened with a valid session (a network failure), retries with backoff', async () => {
    const { client, socket, sockets, clock, states } = setup(true);
    client.connect();
    socket().serverClose(1006);
    await flush();
    expect(states[states.length - 1]).toMatchObject({ status: 'waiting' });
    clock.advance(BACKOFF_MAX_MS);
    expect(sockets).toHaveLength(2);
  });

  it('stop() closes the socket, cancels a pending retry and ignores the old socket afterwards', () => {
    const { client, socket, sockets, clock, states } = setup();
    client.connect();
    socket().accept();
    const old = socket();
    old.serverClose(1001);
    client.stop();
    clock.advance(60_000);
    expect(sockets).toHaveLength(1);
    expect(states[states.length - 1]).toEqual({ status: 'closed', reason: 'stopped' });
    client.connect();
    socket().accept();
    old.receive({ type: 'presence', mailbox: 'bob@parley.test', sequence: 1, presence: presence() });
    expect(socket().closedWith).toBeNull();
  });
});
