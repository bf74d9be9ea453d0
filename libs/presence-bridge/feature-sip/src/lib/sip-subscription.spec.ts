import type { WatchedPresence } from '@parley/presence-bridge/feature-presence';
import { offlineView, type WatcherView } from '@parley/presence-bridge/presence-engine';
import {
  createRequest,
  createResponse,
  parseMessageSummary,
  parsePidf,
  parseUri,
  type SipRequest,
  type SipRequestInit,
  type Uri,
} from '@parley/presence-bridge/sip';
import type { ClientTransactionOutcome } from './client-transaction.table';
import { SIP_EVENT_PACKAGES } from './sip-event-packages';
import { SipNotifyBodies } from './sip-notify-bodies';
import { type SubscriptionEnd, SipSubscription } from './sip-subscription';

const BOB = 'bob@parley.test';
const NOW = 1_700_000_000_000;

/** A subscriber whose answers the test gives by hand, one per NOTIFY sent. */
class FakeSubscriber {
  readonly sent: SipRequest[] = [];
  private readonly answers: Array<(outcome: ClientTransactionOutcome) => void> = [];
  readonly retries: Array<() => void> = [];
  ended: SubscriptionEnd[] = [];
  now = NOW;
  private readonly bodies = new SipNotifyBodies();

  readonly host = {
    send: (init: SipRequestInit) => {
      this.sent.push(createRequest({ ...init, headers: [['Via', 'SIP/2.0/TCP test.invalid;branch=z9hG4bKx'], ...init.headers] }));
      return new Promise<ClientTransactionOutcome>((resolve) => this.answers.push(resolve));
    },
    now: () => this.now,
    later: (work: () => void) => this.retries.push(work),
    ended: (_: SipSubscription, how: SubscriptionEnd) => this.ended.push(how),
    body: this.bodies.body.bind(this.bodies),
  };

  /** Answers the oldest unanswered NOTIFY, then lets the subscription react. */
  async answer(outcome: ClientTransactionOutcome | number = 200): Promise<void> {
    const resolve = this.answers.shift();
    if (resolve === undefined) throw new Error('no NOTIFY is waiting for an answer');
    const request = this.sent[this.sent.length - 1 - this.answers.length];
    resolve(typeof outcome === 'number' ? { kind: 'response', response: createResponse(request, outcome) } : outcome);
    await new Promise((settled) => setImmediate(settled));
  }

  get waiting(): number {
    return this.answers.length;
  }

  last(): SipRequest {
    return this.sent[this.sent.length - 1];
  }
}

function view(token: 'available' | 'busy' | 'away', note: string | null = null): WatcherView {
  const availability = { available: 3500, busy: 6500, away: 15500 }[token];
  return { ...offlineView(), availability, token, note: note === null ? null : { kind: 'personal', text: note }, lastActiveAt: null };
}

function watched(sequence: number, v: WatcherView): WatchedPresence {
  return { mailbox: BOB, sequence, view: v };
}

function subscription(subscriber: FakeSubscriber, opts: { event?: string; pkg?: 'presence' | 'message-summary' } = {}): SipSubscription {
  const pkg = SIP_EVENT_PACKAGES.get(opts.pkg ?? 'presence');
  if (pkg === undefined) throw new Error('no such package');
  return new SipSubscription(
    'alice@parley.test',
    BOB,
    `sip:${BOB}`,
    pkg,
    opts.event ?? 'presence',
    {
      callId: 'call-1',
      localTag: 'ours',
      remoteTag: 'theirs',
      localParty: `<sip:${BOB}>`,
      remoteParty: '<sip:alice@parley.test>;tag=theirs',
      routeSet: [],
      contact: '<sip:parley.test;transport=tcp>',
    },
    parseUri('sip:alice@client.invalid;transport=tcp') as Uri,
    1,
    NOW + 600_000,
    subscriber.host,
  );
}

const basicOf = (request: SipRequest) => parsePidf(request.body).persons[0].parley?.token;

describe('SipSubscription', () => {
  it('sends nothing before the snapshot, then the newer of snapshot and watched change', async () => {
    const client = new FakeSubscriber();
    const sub = subscription(client);
    sub.update(watched(5, view('busy')));
    expect(client.sent).toHaveLength(0);
    // The snapshot was read before that change was published: the change wins.
    sub.start(watched(4, view('available')));
    expect(client.sent).toHaveLength(1);
    expect(basicOf(client.last())).toBe('busy');
    await client.answer();
    // A change older than what was sent is ignored.
    sub.update(watched(3, view('away')));
    expect(client.sent).toHaveLength(1);
  });

  it('writes the NOTIFY in the dialog: tags, Call-ID, rising CSeq, Event with its id, active with the seconds left', async () => {
    const client = new FakeSubscriber();
    const sub = subscription(client, { event: 'presence;id=7' });
    sub.start(watched(1, view('available')));
    await client.answer();
    client.now = NOW + 100_500;
    sub.update(watched(2, view('busy')));
    const notify = client.last();
    expect(notify.method).toBe('NOTIFY');
    expect(notify.requestUriText).toBe('sip:alice@client.invalid;transport=tcp');
    expect(notify.headers.get('From')).toBe(`<sip:${BOB}>;tag=ours`);
    expect(notify.headers.get('To')).toBe('<sip:alice@parley.test>;tag=theirs');
    expect(notify.headers.get('Call-ID')).toBe('call-1');
    expect(notify.headers.get('CSeq')).toBe('2 NOTIFY');
    expect(notify.headers.get('Event')).toBe('presence;id=7');
    expect(notify.headers.get('Subscription-State')).toBe('active;expires=500');
    expect(notify.headers.get('Contact')).toBe('<sip:parley.test;transport=tcp>');
    expect(notify.headers.get('Content-Type')).toBe('application/pidf+xml');
  });

  it('keeps one NOTIFY in flight: changes meanwhile collapse into one NOTIFY of the latest view after the answer', async () => {
    const client = new FakeSubscriber();
    const sub = subscription(client);
    sub.start(watched(1, view('available')));
    for (let sequence = 2; sequence <= 50; sequence += 1)
      sub.update(watched(sequence, view(sequence % 2 ? 'busy' : 'away', `n${sequence}`)));
    expect(client.sent).toHaveLength(1);
    await client.answer();
    expect(client.sent).toHaveLength(2);
    expect(parsePidf(client.last().body).notes[0]?.text).toBe('n50');
    await client.answer();
    expect(client.sent).toHaveLength(2);
  });

  it('skips a NOTIFY whose body would not change, but re-sends the state on refresh', async () => {
    const client = new FakeSubscriber();
    const sub = subscription(client);
    sub.start(watched(1, view('busy')));
    await client.answer();
    // A new sequence with the same watcher view (the owner's private part changed).
    sub.update(watched(2, view('busy')));
    expect(client.sent).toHaveLength(1);
    sub.refresh(NOW + 1_200_000);
    expect(client.sent).toHaveLength(2);
    expect(client.last().headers.get('Subscription-State')).toBe('active;expires=1200');
  });

  it('terminates after the NOTIFY in flight, with the latest state and reason=timeout, then ends', async () => {
    const client = new FakeSubscriber();
    const stop = jest.fn();
    const sub = subscription(client);
    sub.watching(stop);
    sub.start(watched(1, view('available')));
    sub.update(watched(2, view('busy')));
    sub.terminate();
    expect(stop).toHaveBeenCalledTimes(1);
    // Changes after the end of the watch do not count.
    sub.update(watched(3, view('away')));
    expect(client.sent).toHaveLength(1);
    await client.answer();
    expect(client.sent).toHaveLength(2);
    expect(client.last().headers.get('Subscription-State')).toBe('terminated;reason=timeout');
    expect(basicOf(client.last())).toBe('busy');
    expect(client.ended).toEqual([]);
    await client.answer();
    expect(client.ended).toEqual(['terminated']);
    expect(sub.isEnded).toBe(true);
  });

  it('a fetch (terminated before the snapshot) sends exactly one final NOTIFY', async () => {
    const client = new FakeSubscriber();
    const sub = subscription(client, { pkg: 'message-summary', event: 'message-summary' });
    sub.terminate();
    sub.start({ mailbox: BOB, sequence: 3, view: { ...view('available'), messageWaiting: { newMessages: 1, oldMessages: 0 } } });
    expect(client.sent).toHaveLength(1);
    expect(client.last().headers.get('Subscription-State')).toBe('terminated;reason=timeout');
    expect(parseMessageSummary(client.last().body.toString()).messagesWaiting).toBe(true);
    await client.answer();
    expect(client.ended).toEqual(['terminated']);
  });

  it.each([[481], [408], [500], [{ kind: 'timeout' } as const], [{ kind: 'closed' } as const]])(
    'ends when a NOTIFY is answered or ends with %p, stopping the watch and sending no more',
    async (outcome) => {
      const client = new FakeSubscriber();
      const stop = jest.fn();
      const sub = subscription(client);
      sub.watching(stop);
      sub.start(watched(1, view('available')));
      sub.update(watched(2, view('busy')));
      await client.answer(outcome);
      expect(client.ended).toEqual(['notify-failed']);
      expect(stop).toHaveBeenCalledTimes(1);
      sub.update(watched(3, view('away')));
      sub.refresh(NOW + 1_000_000);
      expect(client.sent).toHaveLength(1);
    },
  );

  it('tries the same state again later when the connection had no room for the NOTIFY', async () => {
    const client = new FakeSubscriber();
    const sub = subscription(client);
    sub.start(watched(1, view('busy')));
    await client.answer({ kind: 'overloaded' });
    expect(client.ended).toEqual([]);
    expect(client.retries).toHaveLength(1);
    client.retries[0]();
    expect(client.sent).toHaveLength(2);
    expect(basicOf(client.last())).toBe('busy');
  });

  it('dropped (connection closed) ends at once without a NOTIFY, and ignores the answer still outstanding', async () => {
    const client = new FakeSubscriber();
    const stop = jest.fn();
    const sub = subscription(client);
    sub.watching(stop);
    sub.start(watched(1, view('busy')));
    sub.drop();
    expect(client.ended).toEqual(['dropped']);
    expect(stop).toHaveBeenCalledTimes(1);
    await client.answer({ kind: 'closed' });
    expect(client.ended).toEqual(['dropped']);
    expect(client.sent).toHaveLength(1);
  });
});
