import { DirectoryRepository } from '@parley/directory';
import { parseMessageSummary, parsePidf } from '@parley/presence-bridge/sip';
import { bodyOf, RawSipAgent } from '../../test/raw-sip-agent';
import { PASSWORD, type SipFrontTestBed, startSipFrontTestBed } from '../../test/sip-front-test-bed';

/** Dave's SIP URI is not his SMTP address: another user part (mixed case) and another host. */
const DAVE = 'dave@parley.test';
const DAVE_URI = 'sip:Dave.Smith@voice.parley.test';
const ALICE = 'alice@parley.test';

let bed: SipFrontTestBed;

beforeAll(async () => {
  bed = await startSipFrontTestBed();
  await bed.app.get(DirectoryRepository).add({ smtpAddress: DAVE, displayName: 'Dave Smith', password: PASSWORD, sipUri: DAVE_URI });
});

afterAll(async () => {
  await bed?.close();
});

const CONTACT = 'Contact: <sip:phone@client.invalid;transport=tcp>';
const register = (agent: RawSipAgent, to: string) =>
  agent.request('REGISTER', 'sip:voice.parley.test', { to: `<${to}>`, headers: [CONTACT, 'Expires: 600'] });

describe('identities from the directory: a user whose SIP URI is not their SMTP address', () => {
  let dave: RawSipAgent;
  let alice: RawSipAgent;
  beforeEach(async () => {
    // Dave signs in with his SMTP address as the digest user name and names himself by his SIP URI in From.
    dave = await RawSipAgent.open(bed.tcpPort, { user: DAVE, self: DAVE_URI });
    alice = await RawSipAgent.open(bed.tcpPort, { user: ALICE });
  });
  afterEach(() => {
    dave.close();
    alice.close();
  });

  it('registers under the SIP URI (digest user name: the SMTP address); the SMTP form and another case are 404, another user 403', async () => {
    expect((await register(dave, DAVE_URI)).status).toBe(200);
    expect(bed.server.registrar.bindingsOf(DAVE)).toHaveLength(1);
    const smtpForm = await register(dave, `sip:${DAVE}`);
    expect(smtpForm.status).toBe(404);
    expect(smtpForm.header('Warning')[0]).toContain('To names no user of this directory');
    // RFC 3261 §19.1.4: the user part compares case-sensitively (the host does not).
    expect((await register(dave, 'sip:dave.smith@voice.parley.test')).status).toBe(404);
    expect((await register(dave, 'sips:Dave.Smith@VOICE.parley.test')).status).toBe(200);
    expect((await register(dave, `sip:${ALICE}`)).status).toBe(403);
  });

  it('is subscribed to under the SIP URI, which the PIDF names; the SMTP form is 404', async () => {
    const ok = await alice.request('SUBSCRIBE', DAVE_URI, { headers: ['Event: presence', CONTACT, 'Expires: 600'] });
    expect(ok.status).toBe(200);
    const notify = await alice.nextRequest();
    alice.answer(notify, 200);
    const pidf = parsePidf(Buffer.from(bodyOf(notify)));
    expect(pidf.entity).toBe('pres:Dave.Smith@voice.parley.test');
    expect(pidf.tuples[0].contact).toBe(DAVE_URI);
    expect((await alice.request('SUBSCRIBE', `sip:${DAVE}`, { headers: ['Event: presence', CONTACT, 'Expires: 600'] })).status).toBe(404);

    // The owner's own message-summary names the account by the SIP URI too.
    const own = await dave.request('SUBSCRIBE', DAVE_URI, { headers: ['Event: message-summary', CONTACT, 'Expires: 600'] });
    expect(own.status).toBe(200);
    const summary = await dave.nextRequest();
    dave.answer(summary, 200);
    expect(parseMessageSummary(bodyOf(summary)).account).toBe(DAVE_URI);
  });

  it('receives a MESSAGE under the SIP URI, and sends one with it as From; the SMTP form is 404 as target and 403 as From', async () => {
    expect((await register(dave, DAVE_URI)).status).toBe(200);
    const sent = alice.request('MESSAGE', DAVE_URI, { headers: ['Content-Type: text/plain'], body: 'hello Dave' });
    const message = await dave.nextRequest();
    expect(message.startLine).toBe('MESSAGE sip:phone@client.invalid;transport=tcp SIP/2.0');
    expect(message.header('To')).toEqual([`<${DAVE_URI}>`]);
    expect(message.header('From')[0]).toMatch(/^<sip:alice@parley\.test>;tag=/);
    expect(bodyOf(message)).toBe('hello Dave');
    dave.answer(message, 200);
    expect((await sent).status).toBe(200);

    expect((await alice.request('MESSAGE', `sip:${DAVE}`, { headers: ['Content-Type: text/plain'], body: 'lost' })).status).toBe(404);
    // Alice has no endpoint: Dave's From is accepted and the answer is the core's 480; his SMTP form is not his URI.
    const fromUri = await dave.request('MESSAGE', `sip:${ALICE}`, { headers: ['Content-Type: text/plain'], body: 'hi' });
    expect(fromUri.status).toBe(480);
    const fromSmtp = await dave.request('MESSAGE', `sip:${ALICE}`, {
      from: `sip:${DAVE}`,
      headers: ['Content-Type: text/plain'],
      body: 'hi',
    });
    expect(fromSmtp.status).toBe(403);
  });

  it('publishes under the SIP URI; a PUBLISH to the SMTP form is 404', async () => {
    const pidf =
      '<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:Dave.Smith@voice.parley.test">' +
      '<tuple id="t"><status><basic>open</basic></status></tuple></presence>';
    const headers = ['Event: presence', 'Content-Type: application/pidf+xml', 'Expires: 600'];
    expect((await dave.request('PUBLISH', DAVE_URI, { headers, body: pidf })).status).toBe(200);
    expect((await dave.request('PUBLISH', `sip:${DAVE}`, { headers, body: pidf })).status).toBe(404);
  });
});
