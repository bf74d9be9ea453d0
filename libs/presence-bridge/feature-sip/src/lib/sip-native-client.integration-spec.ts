import { createHash } from 'node:crypto';
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
