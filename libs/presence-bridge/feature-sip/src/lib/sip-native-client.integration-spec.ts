import { type InstantMessage, PresenceSourcesService } from '@parley/presence-bridge/feature-presence';
import { createHash, randomUUID } from 'node:crypto';
import { LinphoneClient } from '../../test/linphone-client';
import { challengeParams, PASSWORD, REALM, type SipFrontTestBed, startSipFrontTestBed } from '../../test/sip-front-test-bed';
import { SipTcpTap, type TappedExchange } from '../../test/sip-tcp-tap';

// A native SIP client from Debian (linphonec 5.1, liblinphone/belle-sip) over TCP, through a tap that records the
// wire. The front offers SHA-256 first and MD5 last in every 401; linphonec answers with SHA-256.

let bed: SipFrontTestBed;
let tap: SipTcpTap;
const clients: LinphoneClient[] = [];

beforeAll(async () => {
  // Installs linphone-cli when it is missing (apt-get can take a while on a cold machine); fails when it cannot.
  LinphoneClient.ensureInstalled();
  bed = await startSipFrontTestBed();
  tap = await SipTcpTap.start({ host: '127.0.0.1', port: bed.tcpPort });
}, 300_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()));
});

afterAll(async () => {
  await tap?.close();
  await bed?.close();
});

async function linphonec(address: string, password = PASSWORD, extra: { publishPresence?: boolean } = {}): Promise<LinphoneClient> {
  const client = await LinphoneClient.start({ address, password, port: tap.port, ...extra });
  clients.push(client);
  return client;
}

/** The REGISTER exchanges of `address` seen on the wire so far. */
function registersOf(address: string): TappedExchange[] {
  return tap.exchanges('REGISTER').filter((exchange) => exchange.request.header('From')[0]?.includes(`sip:${address}>`));
}

/** The digest response of RFC 8760's SHA-256 with qop=auth, computed here from the credentials the client sent. */
function expectedSha256Response(credentials: Record<string, string>, method: string, password: string): string {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const ha1 = sha256(`${credentials.username}:${credentials.realm}:${password}`);
  const ha2 = sha256(`${method}:${credentials.uri}`);
  return sha256(`${ha1}:${credentials.nonce}:${credentials.nc}:${credentials.cnonce}:${credentials.qop}:${ha2}`);
}

describe('linphonec (Debian linphone-cli) over TCP', () => {
  it('registers with the right password, answering the SHA-256 offer of the two-header challenge', async () => {
    const alice = await linphonec('alice@parley.test');
    expect(await alice.register()).toBe('Ok');

    const bindings = bed.server.registrar.bindingsOf('alice@parley.test');
    expect(bindings).toHaveLength(1);
    expect(bindings[0].contact.uri).toMatchObject({ kind: 'sip', user: 'alice', host: '127.0.0.1' });

    const [challenged, authorized] = registersOf('alice@parley.test');
    expect(challenged.request.header('Authorization')).toEqual([]);
    expect(challenged.response?.status).toBe(401);
    const offers = challenged.response?.header('WWW-Authenticate') ?? [];
    expect(offers).toHaveLength(2);
    expect(offers[0]).toMatch(/algorithm=SHA-256/);
    expect(offers[1]).toMatch(/algorithm=MD5/);

    // It picked SHA-256 (the first offer), with the whole address as user name, and computed it as RFC 8760 says.
    const credentials = challengeParams(authorized.request.header('Authorization')[0] ?? '');
    expect(credentials).toMatchObject({
      algorithm: 'SHA-256',
      username: 'alice@parley.test',
      realm: REALM,
      qop: 'auth',
      uri: 'sip:parley.test',
      nonce: challengeParams(offers[0]).nonce,
    });
    expect(credentials.response).toBe(expectedSha256Response(credentials, 'REGISTER', PASSWORD));
    expect(authorized.response?.status).toBe(200);
    // The 200 lists its binding (RFC 3261 §10.3), TCP transport and all, with the seconds left.
    expect(authorized.response?.header('Contact')).toEqual([
      expect.stringMatching(/^<sip:alice@127\.0\.0\.1:\d+;transport=tcp>.*;expires=(600|599)$/),
    ]);
  });

  it('is refused with a wrong password and leaves no binding', async () => {
    const bob = await linphonec('bob@parley.test', 'not the password');
    expect(await bob.register()).toBe('Failed');

    expect(bed.server.registrar.bindingsOf('bob@parley.test')).toEqual([]);
    const exchanges = registersOf('bob@parley.test');
    expect(exchanges.map((exchange) => exchange.response?.status)).toEqual([401, 401]);
    expect(challengeParams(exchanges[1].request.header('Authorization')[0] ?? '')).toMatchObject({ algorithm: 'SHA-256' });
  });

  it('un-registers with the unregister command while its connection stays open', async () => {
    const carol = await linphonec('carol@parley.test');
    expect(await carol.register()).toBe('Ok');
    expect(bed.server.registrar.bindingsOf('carol@parley.test')).toHaveLength(1);

    expect(await carol.unregister()).toBe('Cleared');
    const last = registersOf('carol@parley.test').at(-1);
    expect(last?.request.header('Expires')).toEqual(['0']);
    expect(last?.response?.status).toBe(200);
    // The binding went by the un-REGISTER: linphonec is still running on the same connection.
    expect(bed.server.registrar.bindingsOf('carol@parley.test')).toEqual([]);
    // And it still answers commands: registering again works.
    expect(await carol.register()).toBe('Ok');
    expect(bed.server.registrar.bindingsOf('carol@parley.test')).toHaveLength(1);
  });

  it('un-registers when it quits, then exits', async () => {
    const alice = await linphonec('alice@parley.test');
    expect(await alice.register()).toBe('Ok');
    const before = registersOf('alice@parley.test').length;

    expect(await alice.quit()).toBe(0);
    const after = registersOf('alice@parley.test').slice(before);
    expect(after.map((exchange) => [exchange.request.header('Expires')[0], exchange.response?.status])).toEqual([['0', 200]]);
    expect(bed.server.registrar.bindingsOf('alice@parley.test')).toEqual([]);
  });

  it('signs PUBLISH, SUBSCRIBE and MESSAGE with SHA-256 digests that pass the front’s sign-in', async () => {
    const bob = await linphonec('bob@parley.test', PASSWORD, { publishPresence: true });
    expect(await bob.register()).toBe('Ok');
    await bob.addFriend('alice@parley.test');
    const outcome = await bob.sendMessage('carol@parley.test', 'hello from linphonec');
    expect(['Delivered', 'NotDelivered']).toContain(outcome);

    for (const method of ['PUBLISH', 'SUBSCRIBE', 'MESSAGE']) {
      const signed = await tap.waitFor(
        (seen) =>
          seen.exchanges(method).find((exchange) => exchange.request.header('Authorization').length > 0 && exchange.response !== undefined),
        `an authorized ${method} with its answer`,
      );
      expect(challengeParams(signed.request.header('Authorization')[0])).toMatchObject({
        algorithm: 'SHA-256',
        username: 'bob@parley.test',
      });
      // Whatever the method's handler answers, sign-in let it through: no new challenge, no refusal.
      expect([401, 403, 407]).not.toContain(signed.response?.status);
    }
    const message = tap.exchanges('MESSAGE').at(-1)?.request;
    expect(message?.header('Content-Type')).toEqual(['text/plain']);
    expect(message?.body).toBe('hello from linphonec');
  });
});

describe('linphonec does presence and IM through the front', () => {
  const ALICE = 'alice@parley.test';
  const BOB = 'bob@parley.test';
  const CAROL = 'carol@parley.test';
  /** calendar-sync's per-mailbox sequence: each source event must be newer than the last. */
  let sourceSequence = 0;

  /** The tap is shared by the file's tests: what it saw before this test started is not this test's. */
  let tapMark = 0;

  beforeEach(async () => {
    tapMark = tap.messages.length;
    for (const user of [ALICE, BOB, CAROL]) await bed.server.core.settings.resetUserState(user);
  });

  /** This test's exchanges of `method`. */
  function exchangesOfThisTest(method: string): TappedExchange[] {
    return tap.exchanges(method).filter((exchange) => tap.messages.indexOf(exchange.request) >= tapMark);
  }

  /** The PUBLISH of `address` that the front answered 200, as the tap saw it. */
  function acceptedPublishOf(address: string): Promise<TappedExchange> {
    return tap.waitFor(
      () => exchangesOfThisTest('PUBLISH').find((exchange) => isFrom(exchange, address) && exchange.response?.status === 200),
      `a PUBLISH of ${address} answered 200`,
    );
  }

  function isFrom(exchange: TappedExchange, address: string): boolean {
    return exchange.request.header('From')[0]?.includes(`sip:${address}>`) ?? false;
  }

  /** calendar-sync's calendar state of `mailbox`, applied as the core's consumer applies the event. */
  async function calendarState(mailbox: string, state: 'free' | 'busy' | 'out-of-office'): Promise<void> {
    const now = new Date();
    sourceSequence += 1;
    await bed.app.get(PresenceSourcesService).applyCalendar(randomUUID(), {
      mailbox,
      state,
      until: state === 'free' ? null : new Date(now.getTime() + 3_600_000).toISOString(),
      sequence: sourceSequence,
      effectiveAt: now.toISOString(),
    });
  }

  /** calendar-sync's effective OOF state of `mailbox`, applied as the core's consumer applies the event. */
  async function outOfOffice(mailbox: string, active: boolean): Promise<void> {
    sourceSequence += 1;
    await bed.app.get(PresenceSourcesService).applyOof(randomUUID(), {
      mailbox,
      active,
      internalReply: active ? 'Back on Monday' : '',
      externalReply: '',
      externalAudience: 'None',
      until: null,
      revision: sourceSequence,
      sequence: sourceSequence,
      effectiveAt: new Date().toISOString(),
    });
  }

  it('two instances register, publish, watch each other through the core’s changes and exchange MESSAGEs', async () => {
    const [alice, bob] = await Promise.all([
      linphonec(ALICE, PASSWORD, { publishPresence: true }),
      linphonec(BOB, PASSWORD, { publishPresence: true }),
    ]);
    expect(await Promise.all([alice.register(), bob.register()])).toEqual(['Ok', 'Ok']);

    // Each publishes `open` after registering: the front accepts it under an entity tag.
    for (const address of [ALICE, BOB]) {
      const published = await acceptedPublishOf(address);
      expect(published.request.header('Event')).toEqual(['presence']);
      expect(published.request.header('Content-Type')).toEqual(['application/pidf+xml']);
      expect(published.response?.header('SIP-ETag')).toEqual([expect.stringMatching(/^\S+$/)]);
      expect(bed.server.publications.store.publicationsOf(address)).toHaveLength(1);
    }
    // A third user watching through the core sees both reachable.
    const seenByCarol = await bed.server.core.reader.snapshot(CAROL, [ALICE, BOB]);
    expect(seenByCarol.get(ALICE)?.view).toMatchObject({ token: 'available' });
    expect(seenByCarol.get(BOB)?.view).toMatchObject({ token: 'available' });

    // Each SUBSCRIBEs to the other's presence and shows what the front NOTIFYs.
    await alice.addFriend(BOB);
    await bob.addFriend(ALICE);
    await alice.waitForFriendStatus(BOB, 'Online');
    await bob.waitForFriendStatus(ALICE, 'Online');

    // Changes made through the core, as a JSON client or calendar-sync would, reach the other instance (docs/sip.md,
    // "What linphonec shows": it reads the RPID activity written last).
    await bed.server.core.settings.setUserState(BOB, 'busy', null);
    await alice.waitForFriendStatus(BOB, 'Busy');
    await calendarState(ALICE, 'busy'); // meeting, busy
    await bob.waitForFriendStatus(ALICE, 'Busy');
    await calendarState(ALICE, 'out-of-office'); // vacation, away
    await bob.waitForFriendStatus(ALICE, 'Away');
    await calendarState(ALICE, 'free');
    await bob.waitForFriendStatus(ALICE, 'Online');
    await outOfOffice(ALICE, true); // vacation
    await bob.waitForFriendStatus(ALICE, 'Vacation');
    await outOfOffice(ALICE, false);
    await bob.waitForFriendStatus(ALICE, 'Online');
    await bed.server.core.settings.setUserState(BOB, 'appear-offline', null);
    await alice.waitForFriendStatus(BOB, 'Offline');
    await bed.server.core.settings.resetUserState(BOB);
    await alice.waitForFriendStatus(BOB, 'Online');

    // MESSAGE both ways through the front: each sender sees Delivered, each receiver prints the text.
    expect(await alice.sendMessage(BOB, 'Hi Bob, from one linphonec to another')).toBe('Delivered');
    expect((await bob.waitForMessage(ALICE)).text).toBe('Hi Bob, from one linphonec to another');
    expect(await bob.sendMessage(ALICE, 'Hi Alice, ünïcode ✓')).toBe('Delivered');
    expect((await alice.waitForMessage(BOB)).text).toBe('Hi Alice, ünïcode ✓');

    // Bob quits (un-REGISTER): his only endpoint is gone, so Alice's instance shows him Offline.
    expect(await bob.quit()).toBe(0);
    await alice.waitForFriendStatus(BOB, 'Offline');
  });

  it('sends MESSAGEs to a JSON-style endpoint (Delivered) and to an offline user (480, NotDelivered), and receives one from the core', async () => {
    const alice = await linphonec(ALICE);
    expect(await alice.register()).toBe('Ok');
    const endpoint = await bed.server.core.endpoints.connect(BOB, { label: 'JSON test client' });
    const received: InstantMessage[] = [];
    const detach = bed.server.core.ims.attach(BOB, endpoint.endpointId, { message: (im) => received.push(im), typing: () => undefined });
    try {
      expect(await alice.sendMessage(BOB, 'Lunch at 12?')).toBe('Delivered');
      expect(received).toEqual([expect.objectContaining({ from: ALICE, to: BOB, text: 'Lunch at 12?' })]);

      await expect(bed.server.core.ims.send(BOB, ALICE, 'Yes, see you there')).resolves.toEqual({ status: 'delivered' });
      expect((await alice.waitForMessage(BOB)).text).toBe('Yes, see you there');
    } finally {
      detach();
      await endpoint.close();
    }

    // Carol has no endpoint: the front answers 480 and linphonec reports the message not delivered.
    expect(await alice.sendMessage(CAROL, 'Are you there?')).toBe('NotDelivered');
    const toCarol = exchangesOfThisTest('MESSAGE').filter((exchange) => exchange.request.startLine.startsWith(`MESSAGE sip:${CAROL} `));
    // (Each request of linphonec's is challenged first; 480 is the answer once signed.)
    const statuses = toCarol.map((exchange) => exchange.response?.status);
    expect(statuses.at(-1)).toBe(480);
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
  });
});
