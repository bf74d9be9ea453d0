import type { InstantMessage } from '@parley/presence-bridge/feature-presence';
import type { WatcherView } from '@parley/presence-bridge/presence-engine';
import { ImConversationRepository } from '@parley/presence-bridge/data-access';
import { Messager, Publisher, PublisherState, Registerer, RegistererState, UserAgent } from 'sip.js';
import { RawSipAgent } from '../../test/raw-sip-agent';
import { PASSWORD, type SipFrontTestBed, startSipFrontTestBed } from '../../test/sip-front-test-bed';

/** The shortest PUBLISH expiry this bed accepts: short enough to watch a publication expire. */
const MIN_EXPIRES = 2;
const ALICE = 'alice@parley.test';
const BOB = 'bob@parley.test';
const CAROL = 'carol@parley.test';

let bed: SipFrontTestBed;

beforeAll(async () => {
  bed = await startSipFrontTestBed({ publishMinExpires: MIN_EXPIRES });
});

afterAll(async () => {
  await bed?.close();
});

beforeEach(async () => {
  // Each test starts from users with no state and no note set by hand.
  for (const user of [ALICE, BOB]) {
    await bed.server.core.settings.resetUserState(user);
    await bed.server.core.settings.setPersonalNote(user, null);
  }
});

/** A PIDF document as a SIP client writes one: a tuple's basic status, an RPID activity, a person's note. */
function pidf(user: string, opts: { basic?: 'open' | 'closed'; activity?: string; note?: string } = {}): string {
  const activity = opts.activity === undefined ? '' : `<rpid:activities><rpid:${opts.activity}/></rpid:activities>`;
  const note = opts.note === undefined ? '' : `<dm:note>${opts.note}</dm:note>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
    `xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:${user}">` +
    `<tuple id="t1"><status><basic>${opts.basic ?? 'open'}</basic></status><contact>sip:${user}</contact></tuple>` +
    `<dm:person id="p1">${activity}${note}</dm:person></presence>`
  );
}

/** A PUBLISH of alice's presence, signed as alice. */
function publish(alice: RawSipAgent, opts: { body?: string; ifMatch?: string; expires?: number; event?: string | null; type?: string }) {
  const headers = [
    ...(opts.event === null ? [] : [`Event: ${opts.event ?? 'presence'}`]),
    ...(opts.expires === undefined ? [] : [`Expires: ${opts.expires}`]),
    ...(opts.ifMatch === undefined ? [] : [`SIP-If-Match: ${opts.ifMatch}`]),
    ...(opts.body === undefined ? [] : [`Content-Type: ${opts.type ?? 'application/pidf+xml'}`]),
  ];
  return alice.request('PUBLISH', `sip:${ALICE}`, { headers, body: opts.body });
}

/** `user`'s presence as another user (carol) sees it through the core. */
async function seenByOthers(user: string): Promise<WatcherView> {
  const entry = (await bed.server.core.reader.snapshot(CAROL, [user])).get(user);
  if (entry === undefined) throw new Error(`${user} is not in the directory`);
  return entry.view;
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('PUBLISH over TCP with a raw client', () => {
  let alice: RawSipAgent;
  beforeEach(async () => {
    alice = await RawSipAgent.open(bed.tcpPort, { user: ALICE });
  });
  afterEach(() => alice.close());

  it('sets the state and note others see, under an entity tag, until the publication is removed', async () => {
    const published = await publish(alice, { body: pidf(ALICE, { activity: 'busy', note: 'In a workshop' }), expires: 600 });
    expect(published.status).toBe(200);
    expect(published.header('Expires')).toEqual(['600']);
    const [tag] = published.header('SIP-ETag');
    expect(tag).toMatch(/^\S+$/);
    expect(await seenByOthers(ALICE)).toMatchObject({ token: 'busy', note: { kind: 'personal', text: 'In a workshop' } });

    const removed = await publish(alice, { ifMatch: tag, expires: 0 });
    expect(removed.status).toBe(200);
    expect(removed.header('Expires')).toEqual(['0']);
    expect(await seenByOthers(ALICE)).toMatchObject({ token: 'offline', note: null });
    // The tag went with the publication.
    expect((await publish(alice, { ifMatch: tag, expires: 600 })).status).toBe(412);
  });

  it('refreshes under a new tag and moves the state’s expiry with it; a modification replaces the state', async () => {
    const first = await publish(alice, { body: pidf(ALICE, { activity: 'busy' }), expires: 60 });
    const [tag] = first.header('SIP-ETag');
    const before = (await bed.server.core.settings.settings(ALICE)).userState;
    expect(before).toMatchObject({ state: 'busy' });
    // The granted 60 s and the grace that covers the answer's way to the client.
    expect(before?.expiresAt).toBeLessThanOrEqual(Date.now() + 65_000);

    const refreshed = await publish(alice, { ifMatch: tag, expires: 600 });
    expect(refreshed.status).toBe(200);
    expect(refreshed.header('Expires')).toEqual(['600']);
    const [newTag] = refreshed.header('SIP-ETag');
    expect(newTag).not.toBe(tag);
    const after = (await bed.server.core.settings.settings(ALICE)).userState;
    expect(after).toMatchObject({ state: 'busy' });
    expect(after?.expiresAt).toBeGreaterThan(Date.now() + 500_000);
    expect((await publish(alice, { ifMatch: tag })).status).toBe(412);

    const modified = await publish(alice, { ifMatch: newTag, body: pidf(ALICE, { activity: 'vacation', note: 'Back Monday' }) });
    expect(modified.status).toBe(200);
    expect(await seenByOthers(ALICE)).toMatchObject({ token: 'away', activity: 'off-work', note: { text: 'Back Monday' } });
    expect((await publish(alice, { ifMatch: modified.header('SIP-ETag')[0], expires: 0 })).status).toBe(200);
  });

  it('lets the state go when the publication expires, and its note when the expired publication is swept', async () => {
    const published = await publish(alice, { body: pidf(ALICE, { activity: 'lunch', note: 'Out for lunch' }), expires: MIN_EXPIRES });
    expect(published.status).toBe(200);
    expect(await seenByOthers(ALICE)).toMatchObject({ token: 'away', note: { text: 'Out for lunch' } });
    // The core expires the state by itself (the publication's expiry is the state's): no SIP work needed.
    await waitUntil(async () => (await seenByOthers(ALICE)).token === 'offline', 30_000);
    expect((await publish(alice, { ifMatch: published.header('SIP-ETag')[0] })).status).toBe(412);
    await bed.server.publications.sweep();
    expect(await seenByOthers(ALICE)).toMatchObject({ token: 'offline', note: null });
  });

  it('leaves alone what the user changed by another client since the PUBLISH when the publication is removed', async () => {
    const published = await publish(alice, { body: pidf(ALICE, { activity: 'busy', note: 'From the phone' }), expires: 600 });
    // What the JSON protocol's set-state and set-note do.
    await bed.server.core.settings.setUserState(ALICE, 'do-not-disturb', null);
    await bed.server.core.settings.setPersonalNote(ALICE, 'From the desktop');
    expect((await publish(alice, { ifMatch: published.header('SIP-ETag')[0], expires: 0 })).status).toBe(200);
    expect(await seenByOthers(ALICE)).toMatchObject({ token: 'do-not-disturb', note: { text: 'From the desktop' } });
    expect((await bed.server.core.settings.settings(ALICE)).userState).toEqual({ state: 'do-not-disturb', expiresAt: null });
  });

  it('sets no state for a plain open document: a state set elsewhere stays', async () => {
    await bed.server.core.settings.setUserState(ALICE, 'be-right-back', null);
    const published = await publish(alice, { body: pidf(ALICE), expires: 600 });
    expect(published.status).toBe(200);
    expect((await bed.server.core.settings.settings(ALICE)).userState).toEqual({ state: 'be-right-back', expiresAt: null });
    expect((await publish(alice, { ifMatch: published.header('SIP-ETag')[0], expires: 0 })).status).toBe(200);
    expect((await bed.server.core.settings.settings(ALICE)).userState).toEqual({ state: 'be-right-back', expiresAt: null });
  });

  it('refuses what RFC 3903 refuses: 412, 423, 489, 415, 400, 403, and shortens a long expiry', async () => {
    expect((await publish(alice, { ifMatch: 'no-such-tag', expires: 600 })).status).toBe(412);
    const brief = await publish(alice, { body: pidf(ALICE, { activity: 'busy' }), expires: 1 });
    expect(brief.status).toBe(423);
    expect(brief.header('Min-Expires')).toEqual([String(MIN_EXPIRES)]);
    const dialog = await publish(alice, { body: pidf(ALICE), event: 'dialog' });
    expect(dialog.status).toBe(489);
    expect(dialog.header('Allow-Events')).toEqual(['presence']);
    expect((await publish(alice, { body: pidf(ALICE), event: null })).status).toBe(489);
    const text = await publish(alice, { body: 'busy', type: 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.header('Accept')).toEqual(['application/pidf+xml']);
    const unreadable = await publish(alice, { body: '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple' });
    expect(unreadable.status).toBe(400);
    expect(unreadable.header('Warning')).toEqual([expect.stringMatching(/^399 parley "unreadable presence document/)]);
    expect((await publish(alice, { expires: 600 })).status).toBe(400);
    const someoneElse = await alice.request('PUBLISH', `sip:${BOB}`, {
      headers: ['Event: presence', 'Content-Type: application/pidf+xml'],
      body: pidf(BOB, { activity: 'busy' }),
    });
    expect(someoneElse.status).toBe(403);
    expect((await bed.server.core.settings.settings(BOB)).userState).toBeNull();

    const long = await publish(alice, { body: pidf(ALICE, { activity: 'busy' }), expires: 86_400 });
    expect(long.status).toBe(200);
    expect(long.header('Expires')).toEqual(['3600']);
    expect((await publish(alice, { ifMatch: long.header('SIP-ETag')[0], expires: 0 })).status).toBe(200);
    expect((await bed.server.core.settings.settings(ALICE)).userState).toBeNull();
  });
});

describe('MESSAGE over TCP with a raw client', () => {
  let alice: RawSipAgent;
  beforeEach(async () => {
    alice = await RawSipAgent.open(bed.tcpPort, { user: ALICE });
  });
  afterEach(() => alice.close());

  const message = (opts: { to?: string; from?: string; type?: string; body?: string }) =>
    alice.request('MESSAGE', `sip:${opts.to ?? BOB}`, {
      from: `sip:${opts.from ?? ALICE}`,
      headers: [`Content-Type: ${opts.type ?? 'text/plain;charset=UTF-8'}`],
      body: opts.body ?? 'hello',
    });

  it('refuses other content types with 415 and Accept, a forged From with 403, an empty or too long text', async () => {
    const html = await message({ type: 'text/html', body: '<b>hi</b>' });
    expect(html.status).toBe(415);
    expect(html.header('Accept')).toEqual(['text/plain']);
    expect((await message({ type: 'text/plain;charset=ISO-8859-1' })).status).toBe(415);
    const forged = await message({ from: CAROL });
    expect(forged.status).toBe(403);
    expect(forged.header('Warning')).toEqual([expect.stringMatching(/From must name the authenticated user/)]);
    const empty = await message({ body: '' });
    expect(empty.status).toBe(400);
    expect(empty.header('Warning')).toHaveLength(1);
    // The test core's PARLEY_PRESENCE_IM_MAX_CHARS is 8,192.
    const long = await message({ body: 'x'.repeat(8_193) });
    expect(long.status).toBe(413);
    expect(long.header('Warning')).toEqual([expect.stringMatching(/8192/)]);
    expect((await message({ to: 'nobody@parley.test' })).status).toBe(404);
  });

  it('answers 480 for a recipient with no connected endpoint, and keeps the IM as missed in their conversation', async () => {
    expect((await message({ to: CAROL, body: 'missed you' })).status).toBe(480);
    // The same engine as the JSON front: the conversation history holds it until it goes idle.
    const conversations = await bed.app.get(ImConversationRepository).inProgress();
    expect(conversations).toContainEqual(expect.objectContaining({ participants: [ALICE, CAROL] }));
  });
});

describe('sip.js (Publisher, Messager) over WebSocket', () => {
  let ua: UserAgent;
  let registerer: Registerer;

  beforeEach(async () => {
    ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:${ALICE}`),
      transportOptions: { server: bed.wsUrl },
      authorizationUsername: ALICE,
      authorizationPassword: PASSWORD,
      logLevel: 'error',
    });
    await ua.start();
    registerer = new Registerer(ua, { expires: 300 });
    const registered = new Promise<void>((resolve) =>
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) resolve();
      }),
    );
    await registerer.register();
    await registered;
  });

  afterEach(async () => {
    await registerer.unregister().catch(() => undefined);
    await ua.stop();
  });

  it('publishes, refreshes before expiry, modifies and unpublishes', async () => {
    const target = UserAgent.makeURI(`sip:${ALICE}`);
    if (target === undefined) throw new Error('bad URI');
    const publisher = new Publisher(ua, target, 'presence', { contentType: 'application/pidf+xml', expires: MIN_EXPIRES });
    const states: PublisherState[] = [];
    publisher.stateChange.addListener((state) => states.push(state));

    await publisher.publish(pidf(ALICE, { activity: 'on-the-phone', note: 'On a call' }));
    await waitUntil(() => states.includes(PublisherState.Published));
    expect(await seenByOthers(ALICE)).toMatchObject({ token: 'busy', note: { text: 'On a call' } });
    const [initial] = bed.server.publications.store.publicationsOf(ALICE);

    // sip.js refreshes at 90% of the seconds granted: the same publication goes on under new tags past its first expiry.
    await waitUntil(() => Date.now() > initial.expiresAt + 1_000, 30_000);
    const [current] = bed.server.publications.store.publicationsOf(ALICE);
    expect(current).toMatchObject({ createdAt: initial.createdAt });
    expect(current.entityTag).not.toBe(initial.entityTag);
    expect(bed.server.publications.store.publicationsOf(ALICE)).toHaveLength(1);
    expect(await seenByOthers(ALICE)).toMatchObject({ token: 'busy' });

    await publisher.publish(pidf(ALICE, { activity: 'away', note: 'Coffee' }));
    await waitUntil(async () => (await seenByOthers(ALICE)).token === 'away');
    expect(await seenByOthers(ALICE)).toMatchObject({ note: { text: 'Coffee' } });
    expect(bed.server.publications.store.publicationsOf(ALICE)).toHaveLength(1);

    await publisher.unpublish();
    await waitUntil(() => states.includes(PublisherState.Unpublished));
    // What is left is the registration: a connected endpoint, so Available with no state or note of its own.
    expect(await seenByOthers(ALICE)).toMatchObject({ token: 'available', note: null });
    expect(bed.server.publications.store.publicationsOf(ALICE)).toEqual([]);
    expect(states).not.toContain(PublisherState.Terminated);
    await publisher.dispose();
  });

  it('sends a MESSAGE to a user attached as the JSON front attaches (200, the text arrives) and to an offline one (480)', async () => {
    const endpoint = await bed.server.core.endpoints.connect(BOB, { label: 'JSON test client' });
    const received: InstantMessage[] = [];
    const detach = bed.server.core.ims.attach(BOB, endpoint.endpointId, {
      message: (im) => received.push(im),
      typing: () => undefined,
    });
    try {
      expect(await sendWithSipJs(BOB, 'Lunch at 12? ✓')).toBe(200);
      expect(received).toEqual([expect.objectContaining({ from: ALICE, to: BOB, text: 'Lunch at 12? ✓' })]);
      expect(await sendWithSipJs(CAROL, 'Are you there?')).toBe(480);
    } finally {
      detach();
      await endpoint.close();
    }
  });

  async function sendWithSipJs(to: string, text: string): Promise<number> {
    const target = UserAgent.makeURI(`sip:${to}`);
    if (target === undefined) throw new Error('bad URI');
    return new Promise<number>((resolve, reject) => {
      new Messager(ua, target, text)
        .message({
          requestDelegate: {
            onAccept: (response) => resolve(response.message.statusCode ?? 0),
            // A 401 that sip.js answers with credentials is not reported; one it gives up on is.
            onReject: (response) => resolve(response.message.statusCode ?? 0),
          },
        })
        .catch(reject);
    });
  }
});
