// The Graph-compatible presence API of the built embedded app, as Graph applications meet it
// (Microsoft's JavaScript Graph client), next to EWS in the same process: the demo users, the
// demo application's impersonation role, OOF set through EWS showing in Graph, and one sign-in
// budget per client for both protocols. The same app serves the SIP scenarios (sip.scenarios.ts,
// which the Kafka deployment runs in presence-kafka): SIP clients beside the JSON protocol, EWS and SMTP.
import { GraphError } from '@microsoft/microsoft-graph-client';
import { basicAuthorization, graphClient, waitFor } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { request } from 'node:http';
import { EmbeddedParley, ewsService, soapRequest, startEmbeddedParley, useNodeXhr } from './ews-embedded';
import { sipScenarios } from './sip.scenarios';
import { embeddedSipDeployment, SipDeployment } from './sip-deployment';

const PASSWORDS = { alice: 'alice-demo-pw', bob: 'bob-demo-pw', carol: 'carol-demo-pw', app: 'app-demo-pw' } as const;
type Demo = keyof typeof PASSWORDS;

describe('embedded mode: the Graph-compatible presence API, and SIP', () => {
  let parley: EmbeddedParley;
  let sip: SipDeployment;
  const as = (user: Demo) => graphClient(parley.base, basicAuthorization(`${user}@parley.test`, PASSWORDS[user]));
  const codeOf = (request: Promise<unknown>) =>
    request.then(
      () => 'ok',
      (e: unknown) => (e instanceof GraphError ? `${e.statusCode} ${e.code}` : String(e)),
    );

  /** A request from local address `from` (the throttle counts per client address), answering its status. */
  function statusFrom(from: string, path: string, authorization: string, body?: string): Promise<number> {
    const url = new URL(path, parley.base);
    const headers: Record<string, string> = { authorization };
    if (body !== undefined) headers['content-type'] = 'text/xml; charset=utf-8';
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: body === undefined ? 'GET' : 'POST',
          localAddress: from,
          agent: false,
          headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  beforeAll(async () => {
    useNodeXhr();
    parley = await startEmbeddedParley({ PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS: '0', PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: '3' });
    sip = await embeddedSipDeployment(parley);
  });

  afterAll(async () => {
    await parley?.stop();
  });

  it("reads a demo user's presence on the embedded app's one port", async () => {
    await expect(as('alice').api('/users/bob@parley.test/presence').get()).resolves.toMatchObject({
      availability: expect.any(String),
      outOfOfficeSettings: { isOutOfOffice: false },
    });
    const answer = (await as('alice')
      .api('/communications/getPresencesByUserId')
      .post({ ids: ['bob@parley.test', 'carol@parley.test'] })) as {
      value: unknown[];
    };
    expect(answer.value).toHaveLength(2);
  });

  it("lets the demo application set another user's preferred presence, and refuses a plain user", async () => {
    expect(
      await codeOf(
        as('alice').api('/users/bob@parley.test/presence/setUserPreferredPresence').post({ availability: 'Away', activity: 'Away' }),
      ),
    ).toBe('403 Authorization_RequestDenied');
    await as('app')
      .api('/users/bob@parley.test/presence/setUserPreferredPresence')
      .post({ availability: 'DoNotDisturb', activity: 'DoNotDisturb', expirationDuration: 'PT1H' });
    await expect(as('alice').api('/users/bob@parley.test/presence').get()).resolves.toMatchObject({
      availability: 'DoNotDisturb',
      activity: 'DoNotDisturb',
    });
    await as('app').api('/users/bob@parley.test/presence/clearUserPreferredPresence').post({});
    await expect(as('alice').api('/users/bob@parley.test/presence').get()).resolves.not.toMatchObject({ availability: 'DoNotDisturb' });
  });

  it('shows OOF set through EWS in Graph’s outOfOfficeSettings', async () => {
    const settings = new ews.OofSettings();
    settings.State = ews.OofState.Enabled;
    settings.ExternalAudience = ews.OofExternalAudience.All;
    settings.InternalReply = new ews.OofReply('On leave until Monday');
    settings.ExternalReply = new ews.OofReply('On leave');
    await ewsService(parley.base, 'carol@parley.test', PASSWORDS.carol).SetUserOofSettings('carol@parley.test', settings);
    await waitFor(
      async () => {
        const presence = (await as('alice').api('/users/carol@parley.test/presence').get()) as {
          outOfOfficeSettings: { isOutOfOffice: boolean };
        };
        return presence.outOfOfficeSettings.isOutOfOffice;
      },
      { timeoutMs: 10_000, what: "carol's OOF to show in her Graph presence" },
    );
    await expect(as('alice').api('/users/carol@parley.test/presence').get()).resolves.toMatchObject({
      outOfOfficeSettings: { isOutOfOffice: true, message: 'On leave until Monday' },
    });
  });

  it('counts failed EWS sign-ins and Graph sign-ins against one budget per client', async () => {
    // Bob's password has not been verified yet in this process: a verified pair would be served from the credential cache.
    const wrong = basicAuthorization('bob@parley.test', 'guess');
    const body = soapRequest(
      '<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>alice@parley.test</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>',
    );
    for (let i = 0; i < 3; i++) expect(await statusFrom('127.0.0.7', '/EWS/Exchange.asmx', wrong, body)).toBe(401);
    const right = basicAuthorization('bob@parley.test', PASSWORDS.bob);
    // Refused on the Graph API from that address after failures on EWS …
    expect(await statusFrom('127.0.0.7', '/api/v1.0/me/presence', right)).toBe(429);
    // … and still served from another.
    expect(await statusFrom('127.0.0.8', '/api/v1.0/me/presence', right)).toBe(200);
  });

  sipScenarios(() => sip);
});
