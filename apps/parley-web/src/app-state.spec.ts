import { ParleyApi } from './api';
import { AppState } from './app-state';
import { PresenceClient } from './presence-client';
import { FakeClock, FakeSocket, flush } from './testing/fakes';

const directory = [
  { id: '1', displayName: 'Bob Builder', mail: 'bob@parley.test', userPrincipalName: 'bob@parley.test' },
  { id: '2', displayName: 'Bobby Tables', mail: 'bobby@parley.test', userPrincipalName: 'bobby@parley.test' },
];

function setup(seen = false) {
  const clock = new FakeClock();
  const sockets: FakeSocket[] = [];
  const client = new PresenceClient({
    url: 'ws://parley.test/presence',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    sessionIsValid: async () => true,
    clock,
  });
  const notified: [string, string][] = [];
  const state = new AppState({
    api: new ParleyApi(async (url) => {
      const search = new URL(url, 'http://parley.test').searchParams.get('$search')?.replace(/"/g, '');
      if (search === undefined) return new Response(null, { status: 204 });
      return new Response(JSON.stringify({ value: directory.filter((u) => u.mail.startsWith(search.split('@')[0] ?? '')) }), {
        status: 200,
      });
    }),
    client,
    clock,
    session: { address: 'alice@parley.test', displayName: 'Alice', csrfToken: 't', expiresAt: '2026-12-04T00:00:00Z' },
    isSeen: () => seen,
    notifyUnseen: (from, text) => notified.push([from, text]),
  });
  state.start();
  const socket = sockets[0] as FakeSocket;
  return { clock, socket, state, notified };
}

const available = { availability: 3500, token: 'available', activity: null, note: null, oof: false, calendar: null, lastActiveAt: null };

describe('AppState', () => {
  it('after connecting, loads the contact list and subscribes to every contact', async () => {
    const { socket, state } = setup();
    socket.accept();
    const getContacts = socket.lastSent();
    expect(getContacts).toMatchObject({ type: 'get-contacts' });
    socket.receive({
      type: 'contacts',
      id: getContacts['id'],
      groups: [{ id: 'g1', name: 'Team', contacts: ['bob@parley.test'] }],
      ungrouped: ['carol@parley.test'],
    });
    await flush();
    const subscribe = socket.lastSent();
    expect(subscribe).toMatchObject({ type: 'subscribe', targets: ['bob@parley.test', 'carol@parley.test'] });
    // The list is shown once its presence is known, not as Offline tiles first.
    expect(state.allContacts).toEqual([]);
    socket.receive({
      type: 'snapshot',
      id: subscribe['id'],
      presences: [{ mailbox: 'bob@parley.test', sequence: 4, presence: available }],
      unknown: [],
    });
    expect(state.presenceOf('BOB@parley.test')?.token).toBe('available');
    await flush();
    expect(state.allContacts).toEqual(['bob@parley.test', 'carol@parley.test']);
    // Names come from the directory, by exact address; an address without a directory entry stays as it is.
    await flush();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(state.displayName('bob@parley.test')).toBe('Bob Builder');
    expect(state.displayName('carol@parley.test')).toBe('carol@parley.test');
  });

  it("keeps one's own presence apart from contacts' and shows the server's computed state", () => {
    const { socket, state } = setup();
    socket.accept();
    socket.receive({
      type: 'presence',
      mailbox: 'alice@parley.test',
      sequence: 2,
      presence: { ...available, token: 'busy', driver: 'user-state' },
    });
    expect(state.own?.token).toBe('busy');
    expect(state.presences.has('alice@parley.test')).toBe(false);
  });

  it('marks a sent IM delivered or failed from the acknowledgement, and a dropped connection as unconfirmed', async () => {
    const { socket, state } = setup();
    socket.accept();
    const first = state.sendIm('bob@parley.test', 'hi');
    const send = socket.lastSent();
    expect(send).toMatchObject({ type: 'send-im', to: 'bob@parley.test', text: 'hi' });
    socket.receive({ type: 'im-failed', id: send['id'], clientMessageId: send['clientMessageId'], reason: 'recipient-offline' });
    await first;
    const second = state.sendIm('bob@parley.test', 'still there?');
    socket.serverClose(1006);
    await second;
    expect(state.conversations.get('bob@parley.test')?.messages.map((m) => [m.state, m.failure])).toEqual([
      ['failed', 'recipient-offline'],
      ['failed', 'timeout'],
    ]);
  });

  it('an incoming IM the user does not see counts as unread and is notified', () => {
    const { socket, state, notified } = setup(false);
    socket.accept();
    socket.receive({ type: 'im', messageId: 'm1', from: 'Bob@parley.test', text: 'lunch?', sentAt: '2026-12-03T09:15:02.120Z' });
    expect(state.conversations.totalUnread).toBe(1);
    expect(notified).toEqual([['bob@parley.test', 'lunch?']]);
    expect(socket.lastSent()).toMatchObject({ type: 'subscribe', targets: ['bob@parley.test'] });
  });

  it('reports activity at most once a minute while connected', () => {
    const { socket, state, clock } = setup();
    socket.accept();
    const before = socket.sent.length;
    state.reportActivity();
    state.reportActivity();
    clock.advance(59_000);
    state.reportActivity();
    clock.advance(1_000);
    state.reportActivity();
    expect(socket.sent.slice(before).map((m) => m['type'])).toEqual(['activity', 'activity']);
  });
});
