import { DirectoryRepository } from '@parley/directory';
import { type PresenceFanout, PresenceSourcesService, PresenceWatchers } from '@parley/presence-bridge/feature-presence';
import { waitFor } from '@parley/testing';
import * as JsSIP from 'jssip';
import type { IncomingMessageListener } from 'jssip/lib/UA';
import { randomUUID } from 'node:crypto';
import { bodyOf, RawSipAgent } from '../../test/raw-sip-agent';
import { PASSWORD, REALM, type SipFrontTestBed, startSipFrontTestBed } from '../../test/sip-front-test-bed';

// SUBSCRIBE/NOTIFY (RFC 6665, 3856, 3842) and registered endpoints as IM receivers, against the real presence core:
// JsSIP over WebSocket as an independent client, and a raw TCP client for what must be checked on the wire.

const MIN_EXPIRES = 2;
const MAX_SUBSCRIPTIONS = 4;
const ALICE = 'alice@parley.test';
const BOB = 'bob@parley.test';
const CAROL = 'carol@parley.test';
const DAVE = 'dave@parley.test';
const ERIN = 'erin@parley.test';

let bed: SipFrontTestBed;
let fanout: PresenceFanout;

beforeAll(async () => {
  bed = await startSipFrontTestBed({ registerMinExpires: MIN_EXPIRES, maxSubscriptionsPerUser: MAX_SUBSCRIPTIONS });
  for (const address of [DAVE, ERIN]) {
    await bed.app.get(DirectoryRepository).add({ smtpAddress: address, displayName: address.split('@')[0], password: PASSWORD });
  }
  fanout = bed.app.get(PresenceWatchers) as PresenceFanout;
});

afterAll(async () => {
  await bed?.close();
});

const core = () => bed.server.core;
const watchersNow = () => fanout.stats.subscriptions;
/** Every subscription of earlier tests gone, in the front and in the core (their connections close asynchronously). */
const nothingWatched = () => waitFor(() => bed.server.subscriptions.size === 0 && watchersNow() === 0, { what: 'no subscriptions left' });

const CONTACT = 'Contact: <sip:watcher@client.invalid;transport=tcp>';

/** A presence SUBSCRIBE of `watcher` for `target` over raw TCP, its 200 and its first NOTIFY (answered 200). */
async function subscribeRaw(watcher: RawSipAgent, target: string, expires = 600, event = 'presence') {
  const callId = randomUUID();
  const fromTag = `sub-${randomUUID().slice(0, 8)}`;
  const ok = await watcher.request('SUBSCRIBE', `sip:${target}`, {
    callId,
    fromTag,
    cseq: 1,
    headers: [`Event: ${event}`, CONTACT, `Expires: ${expires}`],
  });
  expect(ok.status).toBe(200);
  const notify = await watcher.nextRequest();
  watcher.answer(notify, 200);
  const toTag = /;tag=([^;\s]+)/.exec(ok.header('To')[0])?.[1] ?? '';
  return { ok, notify, callId, fromTag, toTag, cseq: 1 };
}

describe('SUBSCRIBE over TCP, on the wire', () => {
  let alice: RawSipAgent;
  beforeEach(async () => {
    await nothingWatched();
    alice = await RawSipAgent.open(bed.tcpPort, { user: ALICE });
  });
  afterEach(() => alice.close());

  it('answers 200 with a To tag, Contact and the granted Expires, then NOTIFYs the PIDF in the dialog; a change follows', async () => {
    const sub = await subscribeRaw(alice, BOB, 99_999);
    expect(sub.ok.header('Expires')).toEqual(['3600']);
    expect(sub.toTag).not.toBe('');
    expect(sub.ok.header('Contact')).toEqual(['<sip:parley.test;transport=tcp>']);

    const notify = sub.notify;
    expect(notify.startLine).toBe('NOTIFY sip:watcher@client.invalid;transport=tcp SIP/2.0');
    expect(notify.header('Call-ID')).toEqual([sub.callId]);
    expect(notify.header('From')).toEqual([`<sip:${BOB}>;tag=${sub.toTag}`]);
    expect(notify.header('To')).toEqual([`<sip:${ALICE}>;tag=${sub.fromTag}`]);
    expect(notify.header('Event')).toEqual(['presence']);
    expect(notify.header('Subscription-State')).toEqual([expect.stringMatching(/^active;expires=(3600|3599)$/)]);
    expect(notify.header('Content-Type')).toEqual(['application/pidf+xml']);
    expect(bodyOf(notify)).toContain(`entity="pres:${BOB}"`);
    expect(bodyOf(notify)).toContain('<basic>closed</basic>');

    // Bob sets Busy as a JSON client would; the SIP watcher hears it.
    await core().settings.setUserState(BOB, 'busy', null);
    const change = await alice.nextRequest();
    alice.answer(change, 200);
    expect(change.header('CSeq')).toEqual([expect.stringMatching(/^\d+ NOTIFY$/)]);
    expect(Number(change.header('CSeq')[0].split(' ')[0])).toBeGreaterThan(Number(notify.header('CSeq')[0].split(' ')[0]));
    expect(bodyOf(change)).toContain('<rpid:busy/>');
    expect(bodyOf(change)).toContain('<basic>open</basic>');
    await core().settings.resetUserState(BOB);
    alice.answer(await alice.nextRequest(), 200);
  });

  it('refreshes in the dialog (200, the state again), unsubscribes with Expires 0 (terminated;reason=timeout), then 481', async () => {
    const before = watchersNow();
    const sub = await subscribeRaw(alice, CAROL);
    expect(watchersNow()).toBe(before + 1);
    const inDialog = (cseq: number, expires: number) =>
      alice.request('SUBSCRIBE', 'sip:parley.test;transport=tcp', {
        to: `<sip:${CAROL}>;tag=${sub.toTag}`,
        fromTag: sub.fromTag,
        callId: sub.callId,
        cseq,
        headers: ['Event: presence', CONTACT, `Expires: ${expires}`],
      });
    const refreshed = await inDialog(2, 1200);
    expect(refreshed.status).toBe(200);
    expect(refreshed.header('Expires')).toEqual(['1200']);
    const again = await alice.nextRequest();
    alice.answer(again, 200);
    expect(again.header('Subscription-State')).toEqual([expect.stringMatching(/^active;expires=(1200|1199)$/)]);
    expect(bodyOf(again)).toBe(bodyOf(sub.notify));

    // An older CSeq is out of order.
    expect((await inDialog(1, 600)).status).toBe(500);

    const gone = await inDialog(3, 0);
    expect(gone.status).toBe(200);
    expect(gone.header('Expires')).toEqual(['0']);
    const final = await alice.nextRequest();
    alice.answer(final, 200);
    expect(final.header('Subscription-State')).toEqual(['terminated;reason=timeout']);
    expect(watchersNow()).toBe(before);
    expect((await inDialog(4, 600)).status).toBe(481);
  });

  it('ends a subscription at its expiry with terminated;reason=timeout, and a fetch (Expires 0) gets one final NOTIFY', async () => {
    const before = watchersNow();
    const sub = await subscribeRaw(alice, CAROL, MIN_EXPIRES);
    expect(sub.notify.header('Subscription-State')).toEqual([expect.stringMatching(/^active;expires=[12]$/)]);
    const expired = await alice.nextRequest(MIN_EXPIRES * 1000 + 5_000);
    alice.answer(expired, 200);
    expect(expired.header('Subscription-State')).toEqual(['terminated;reason=timeout']);
    await waitFor(() => watchersNow() === before && bed.server.subscriptions.countOf(ALICE) === 0);

    const fetched = await alice.request('SUBSCRIBE', `sip:${CAROL}`, { headers: ['Event: presence', CONTACT, 'Expires: 0'] });
    expect(fetched.status).toBe(200);
    expect(fetched.header('Expires')).toEqual(['0']);
    const once = await alice.nextRequest();
    alice.answer(once, 200);
    expect(once.header('Subscription-State')).toEqual(['terminated;reason=timeout']);
    expect(bodyOf(once)).toContain(`entity="pres:${CAROL}"`);
    expect(bed.server.subscriptions.countOf(ALICE)).toBe(0);
  });

  it('refuses: 489 with Allow-Events, 400 without Event, 406, 404, 423 with Min-Expires, 403 for another’s message-summary', async () => {
    const refused = await alice.request('SUBSCRIBE', `sip:${BOB}`, { headers: ['Event: dialog', CONTACT] });
    expect(refused.status).toBe(489);
    expect(refused.header('Allow-Events')).toEqual(['presence, message-summary']);
    expect((await alice.request('SUBSCRIBE', `sip:${BOB}`, { headers: [CONTACT] })).status).toBe(400);
    const notAcceptable = await alice.request('SUBSCRIBE', `sip:${BOB}`, {
      headers: ['Event: presence', 'Accept: application/xpidf+xml', CONTACT],
    });
    expect(notAcceptable.status).toBe(406);
    expect(notAcceptable.header('Accept')).toEqual(['application/pidf+xml']);
    expect((await alice.request('SUBSCRIBE', 'sip:nobody@parley.test', { headers: ['Event: presence', CONTACT] })).status).toBe(404);
    const brief = await alice.request('SUBSCRIBE', `sip:${BOB}`, { headers: ['Event: presence', CONTACT, 'Expires: 1'] });
    expect(brief.status).toBe(423);
    expect(brief.header('Min-Expires')).toEqual([String(MIN_EXPIRES)]);
    const others = await alice.request('SUBSCRIBE', `sip:${BOB}`, { headers: ['Event: message-summary', CONTACT] });
    expect(others.status).toBe(403);
    expect(others.header('Warning')).toHaveLength(1);
    expect((await alice.request('SUBSCRIBE', `sip:${BOB}`, { headers: ['Event: presence'] })).status).toBe(400);
    expect(bed.server.subscriptions.countOf(ALICE)).toBe(0);
    expect(await alice.silentFor(300)).toBe(true);
  });

  it('answers a NOTIFY from a client with 481, and an unknown dialog with 481', async () => {
    const notify = await alice.request('NOTIFY', `sip:${BOB}`, {
      to: `<sip:${BOB}>;tag=x`,
      headers: ['Event: presence', 'Subscription-State: active'],
    });
    expect(notify.status).toBe(481);
    const unknown = await alice.request('SUBSCRIBE', `sip:${BOB}`, {
      to: `<sip:${BOB}>;tag=nosuch`,
      headers: ['Event: presence', CONTACT],
    });
    expect(unknown.status).toBe(481);
  });

  it('limits subscriptions per user on this replica with 403 and a Warning; a fetch is not counted', async () => {
    const erin = await RawSipAgent.open(bed.tcpPort, { user: ERIN });
    try {
      for (let i = 0; i < MAX_SUBSCRIPTIONS; i += 1) await subscribeRaw(erin, [ALICE, BOB, CAROL, DAVE][i]);
      expect(bed.server.subscriptions.countOf(ERIN)).toBe(MAX_SUBSCRIPTIONS);
      const over = await erin.request('SUBSCRIBE', `sip:${ERIN}`, { headers: ['Event: presence', CONTACT] });
      expect(over.status).toBe(403);
      expect(over.header('Warning')).toEqual([`399 parley "at most ${MAX_SUBSCRIPTIONS} subscriptions per user"`]);
      const fetched = await erin.request('SUBSCRIBE', `sip:${ERIN}`, { headers: ['Event: presence', CONTACT, 'Expires: 0'] });
      expect(fetched.status).toBe(200);
      erin.answer(await erin.nextRequest(), 200);
    } finally {
      erin.close();
    }
    await waitFor(() => bed.server.subscriptions.countOf(ERIN) === 0);
  });

  it('ends the subscription when the subscriber answers a NOTIFY with 481 (RFC 6665 §4.2.2): no NOTIFY after, the watch stopped', async () => {
    const before = watchersNow();
    const callId = randomUUID();
    const ok = await alice.request('SUBSCRIBE', `sip:${DAVE}`, { callId, fromTag: 'gone', headers: ['Event: presence', CONTACT] });
    expect(ok.status).toBe(200);
    alice.answer(await alice.nextRequest(), 481);
    await waitFor(() => bed.server.subscriptions.countOf(ALICE) === 0 && watchersNow() === before);
    await core().settings.setUserState(DAVE, 'do-not-disturb', null);
    expect(await alice.silentFor(500)).toBe(true);
    await core().settings.resetUserState(DAVE);
  });

  it('stops every watch of a connection when it closes (nothing left in the front or the core)', async () => {
    const before = watchersNow();
    const watcher = await RawSipAgent.open(bed.tcpPort, { user: CAROL });
    await subscribeRaw(watcher, ALICE);
    await subscribeRaw(watcher, BOB);
    await subscribeRaw(watcher, CAROL, 600, 'message-summary');
    expect(bed.server.subscriptions.countOf(CAROL)).toBe(3);
    expect(watchersNow()).toBe(before + 3);
    watcher.close();
    await waitFor(() => bed.server.subscriptions.countOf(CAROL) === 0 && watchersNow() === before);
  });

  it('message-summary: the owner’s counts at subscribe (zero) and on each change of them', async () => {
    const sub = await subscribeRaw(alice, ALICE, 600, 'message-summary');
    expect(sub.notify.header('Content-Type')).toEqual(['application/simple-message-summary']);
    expect(sub.notify.header('Event')).toEqual(['message-summary']);
    expect(bodyOf(sub.notify)).toBe(`Messages-Waiting: no\r\nMessage-Account: sip:${ALICE}\r\nVoice-Message: 0/0\r\n`);
    const sources = bed.app.get(PresenceSourcesService);
    await sources.applyMessageWaiting(randomUUID(), { mailbox: ALICE, newMessages: 2, oldMessages: 1, revision: 1 });
    const lit = await alice.nextRequest();
    alice.answer(lit, 200);
    expect(bodyOf(lit)).toBe(`Messages-Waiting: yes\r\nMessage-Account: sip:${ALICE}\r\nVoice-Message: 2/1\r\n`);
    // A presence change of the owner publishes a new sequence with the same counts: no message-summary NOTIFY.
    await core().settings.setPersonalNote(ALICE, 'at lunch');
    expect(await alice.silentFor(500)).toBe(true);
    await sources.applyMessageWaiting(randomUUID(), { mailbox: ALICE, newMessages: 0, oldMessages: 3, revision: 2 });
    const dark = await alice.nextRequest();
    alice.answer(dark, 200);
    expect(bodyOf(dark)).toContain('Messages-Waiting: no\r\n');
    expect(bodyOf(dark)).toContain('Voice-Message: 0/3\r\n');
    await core().settings.setPersonalNote(ALICE, null);
  });
});

describe('registered SIP endpoints', () => {
  it('a REGISTER binding is an endpoint (Available) that receives IMs as MESSAGE; when it expires the user is offline', async () => {
    const bob = await RawSipAgent.open(bed.tcpPort, { user: BOB });
    try {
      const registered = await bob.request('REGISTER', `sip:${REALM}`, {
        to: `<sip:${BOB}>`,
        headers: ['Contact: <sip:bob@phone.invalid;transport=tcp>', `Expires: ${MIN_EXPIRES + 1}`, 'User-Agent: RawPhone/1.0'],
      });
      expect(registered.status).toBe(200);
      const seen = await core().reader.snapshot(BOB, [BOB]);
      expect(seen.get(BOB)?.view.token).toBe('available');
      expect(seen.get(BOB)?.view.endpoints).toEqual([expect.objectContaining({ label: 'SIP RawPhone/1.0' })]);

      const sent = core().ims.send(CAROL, BOB, 'lunch at noon? ünïcode');
      const message = await bob.nextRequest();
      expect(message.startLine).toBe('MESSAGE sip:bob@phone.invalid;transport=tcp SIP/2.0');
      expect(message.header('From')).toEqual([expect.stringMatching(new RegExp(`^<sip:${CAROL}>;tag=`))]);
      expect(message.header('To')).toEqual([`<sip:${BOB}>`]);
      expect(message.header('Content-Type')).toEqual(['text/plain;charset=UTF-8']);
      expect(bodyOf(message)).toBe('lunch at noon? ünïcode');
      bob.answer(message, 200);
      await expect(sent).resolves.toEqual({ status: 'delivered' });

      // The binding runs out: its endpoint closes, and an IM finds nobody.
      await waitFor(async () => (await core().reader.snapshot(BOB, [BOB])).get(BOB)?.view.token === 'offline', {
        timeoutMs: (MIN_EXPIRES + 1) * 1000 + 5_000,
      });
      expect(bed.server.endpoints.size).toBe(0);
      await expect(core().ims.send(CAROL, BOB, 'still there?')).resolves.toEqual({ status: 'failed', reason: 'recipient-offline' });
    } finally {
      bob.close();
    }
  });

  it('refuses a REGISTER with 403 when the core has no endpoint left for the user, registering nothing', async () => {
    const handles = [];
    for (let i = 0; i < 4; i += 1) handles.push(await core().endpoints.connect(DAVE, { label: `json ${i}` }));
    const dave = await RawSipAgent.open(bed.tcpPort, { user: DAVE });
    try {
      const refused = await dave.request('REGISTER', `sip:${REALM}`, {
        to: `<sip:${DAVE}>`,
        headers: ['Contact: <sip:dave@phone.invalid;transport=tcp>', 'Expires: 600'],
      });
      expect(refused.status).toBe(403);
      expect(refused.header('Warning')).toEqual([expect.stringMatching(/^399 parley "at most 4 clients/)]);
      expect(bed.server.registrar.bindingsOf(DAVE)).toHaveLength(0);
      await handles.pop()?.close();
      const accepted = await dave.request('REGISTER', `sip:${REALM}`, {
        to: `<sip:${DAVE}>`,
        headers: ['Contact: <sip:dave@phone.invalid;transport=tcp>', 'Expires: 600'],
      });
      expect(accepted.status).toBe(200);
      expect(bed.server.registrar.bindingsOf(DAVE)).toHaveLength(1);
    } finally {
      dave.close();
      await Promise.all(handles.map((handle) => handle.close()));
    }
    await waitFor(() => bed.server.endpoints.size === 0);
  });
});

describe('JsSIP over WebSocket', () => {
  function userAgent(user: string, register: boolean): JsSIP.UA {
    return new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(bed.wsUrl)],
      uri: `sip:${user}`,
      authorization_user: user,
      password: PASSWORD,
      register,
      register_expires: 300,
      connection_recovery_min_interval: 60,
      connection_recovery_max_interval: 60,
    });
  }

  async function started(ua: JsSIP.UA, event: 'connected' | 'registered'): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`JsSIP did not get ${event}`)), 10_000);
      ua.on(event, () => {
        clearTimeout(timer);
        resolve();
      });
      ua.start();
    });
  }

  async function stopped(ua: JsSIP.UA): Promise<void> {
    const disconnected = new Promise<void>((resolve) => ua.on('disconnected', () => resolve()));
    ua.stop();
    await disconnected;
  }

  interface Notified {
    final: boolean;
    state: string;
    body: string;
    contentType: string | undefined;
  }

  /** A JsSIP Subscriber and the NOTIFYs it reports, in order. */
  function subscriber(ua: JsSIP.UA, target: string, event: string, accept: string) {
    const notified: Notified[] = [];
    const terminated: Array<string | undefined> = [];
    const sub = ua.subscribe(`sip:${target}`, event, accept, { expires: 600, contentType: accept });
    sub.on('notify', (final, request, body, contentType) =>
      notified.push({ final, state: request.getHeader('Subscription-State'), body: body ?? '', contentType }),
    );
    sub.on('terminated', (_code, reason) => terminated.push(reason ?? 'none'));
    sub.subscribe();
    return { sub, notified, terminated };
  }

  it('subscribes to presence: PIDF at once, a state change set through the core, a refresh, and the end on unsubscribe', async () => {
    const before = watchersNow();
    const ua = userAgent(ALICE, false);
    await started(ua, 'connected');
    try {
      const { sub, notified, terminated } = subscriber(ua, CAROL, 'presence', 'application/pidf+xml');
      await waitFor(() => notified.length === 1);
      expect(notified[0]).toMatchObject({ final: false, contentType: 'application/pidf+xml' });
      expect(notified[0].state).toMatch(/^active;expires=\d+$/);
      expect(notified[0].body).toContain('<basic>closed</basic>');
      expect(watchersNow()).toBe(before + 1);

      await core().settings.setUserState(CAROL, 'be-right-back', null);
      await waitFor(() => notified.length === 2);
      expect(notified[1].body).toContain('<rpid:away/>');
      expect(notified[1].body).toContain('token="be-right-back"');

      sub.subscribe();
      await waitFor(() => notified.length === 3);
      expect(notified[2].body).toBe(notified[1].body);

      sub.terminate();
      await waitFor(() => terminated.length === 1);
      expect(notified[notified.length - 1]).toMatchObject({ final: true, state: 'terminated;reason=timeout' });
      expect(terminated).toEqual(['timeout']);
      await waitFor(() => watchersNow() === before && bed.server.subscriptions.countOf(ALICE) === 0);
    } finally {
      await core().settings.resetUserState(CAROL);
      await stopped(ua);
    }
  });

  it('subscribes to its own message-summary and sees the lamp go on when voicemail counts change', async () => {
    const ua = userAgent(ERIN, false);
    await started(ua, 'connected');
    try {
      const { sub, notified, terminated } = subscriber(ua, ERIN, 'message-summary', 'application/simple-message-summary');
      await waitFor(() => notified.length === 1);
      expect(notified[0].body).toContain('Messages-Waiting: no');
      expect(notified[0].contentType).toBe('application/simple-message-summary');
      await bed.app
        .get(PresenceSourcesService)
        .applyMessageWaiting(randomUUID(), { mailbox: ERIN, newMessages: 1, oldMessages: 0, revision: 1 });
      await waitFor(() => notified.length === 2);
      expect(notified[1].body).toContain('Messages-Waiting: yes');
      expect(notified[1].body).toContain('Voice-Message: 1/0');
      // Ended before the UA stops: a subscriber still active keeps its refresh timer (minutes) after the socket closes.
      sub.terminate();
      await waitFor(() => terminated.length === 1);
    } finally {
      await stopped(ua);
    }
    await waitFor(() => bed.server.subscriptions.countOf(ERIN) === 0);
  });

  it('a registered JsSIP user gets an IM sent through the core as a MESSAGE; once unregistered the sender hears recipient-offline', async () => {
    const ua = userAgent(CAROL, true);
    const received: Array<{ from: string; body: string }> = [];
    const onMessage: IncomingMessageListener = (e) => {
      if (e.originator === 'remote') received.push({ from: String(e.request.from.uri), body: e.request.body ?? '' });
    };
    ua.on('newMessage', onMessage);
    await started(ua, 'registered');
    try {
      await expect(core().ims.send(DAVE, CAROL, 'hello from the JSON side')).resolves.toEqual({ status: 'delivered' });
      await waitFor(() => received.length === 1);
      expect(received).toEqual([{ from: `sip:${DAVE}`, body: 'hello from the JSON side' }]);

      const unregistered = new Promise<void>((resolve) => ua.on('unregistered', () => resolve()));
      ua.unregister();
      await unregistered;
      await expect(core().ims.send(DAVE, CAROL, 'are you there?')).resolves.toEqual({ status: 'failed', reason: 'recipient-offline' });
      expect(received).toHaveLength(1);
    } finally {
      await stopped(ua);
    }
  });
});
