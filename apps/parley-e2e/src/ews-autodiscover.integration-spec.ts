// Autodiscover as clients use it: the SOAP endpoint through ews-javascript-api's AutodiscoverService,
// the POX endpoint with plain HTTP. URLs come from PARLEY_PUBLIC_URL (what clients behind a load balancer use).
import type { RunningProcess } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { basic, startEmbeddedParley, useNodeXhr } from './ews-embedded';

const PUBLIC = 'https://mail.parley.test';

describe('Autodiscover (embedded mode)', () => {
  let app: RunningProcess;
  let base: string;

  beforeAll(async () => {
    useNodeXhr();
    ({ proc: app, base } = await startEmbeddedParley({ PARLEY_PUBLIC_URL: `${PUBLIC}/` }));
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('answers GetUserSettings to the client with the public EWS URL and the user', async () => {
    const autodiscover = new ews.AutodiscoverService(new ews.Uri(`${base}/autodiscover/autodiscover.svc`), ews.ExchangeVersion.Exchange2013_SP1);
    autodiscover.Credentials = new ews.WebCredentials('alice@parley.test', 'alice-demo-pw');
    const response = await autodiscover.GetUserSettings('alice@parley.test', [
      ews.UserSettingName.InternalEwsUrl,
      ews.UserSettingName.ExternalEwsUrl,
      ews.UserSettingName.UserDisplayName,
      ews.UserSettingName.UserDN,
      ews.UserSettingName.EwsSupportedSchemas,
    ]);
    expect(ews.AutodiscoverErrorCode[response.ErrorCode]).toBe('NoError');
    expect(response.Settings.get(ews.UserSettingName.ExternalEwsUrl)).toBe(`${PUBLIC}/EWS/Exchange.asmx`);
    expect(response.Settings.get(ews.UserSettingName.InternalEwsUrl)).toBe(`${PUBLIC}/EWS/Exchange.asmx`);
    expect(response.Settings.get(ews.UserSettingName.UserDisplayName)).toBe('Alice Archer');
    expect(String(response.Settings.get(ews.UserSettingName.EwsSupportedSchemas))).toContain('Exchange2013_SP1');
  });

  const poxRequest = (address: string) =>
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;

  it('answers POX with the user and EXCH/EXPR protocols carrying the public URLs', async () => {
    const res = await fetch(`${base}/Autodiscover/Autodiscover.xml`, { method: 'POST', headers: { authorization: basic('bob@parley.test', 'bob-demo-pw'), 'content-type': 'text/xml' }, body: poxRequest('bob@parley.test') });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toMatch(/<(\w+:)?DisplayName>Bob Baker</);
    expect(xml).toMatch(/<(\w+:)?AutoDiscoverSMTPAddress>bob@parley\.test</);
    expect(xml).toMatch(/<(\w+:)?Type>EXCH<\/(\w+:)?Type>/);
    expect(xml).toMatch(/<(\w+:)?Type>EXPR<\/(\w+:)?Type>/);
    expect(xml).toContain(`EwsUrl>${PUBLIC}/EWS/Exchange.asmx<`);
    expect(xml).toContain(`OOFUrl>${PUBLIC}/EWS/Exchange.asmx<`);
  });

  it('answers POX for an unknown address with error 500', async () => {
    const res = await fetch(`${base}/autodiscover/autodiscover.xml`, { method: 'POST', headers: { authorization: basic('bob@parley.test', 'bob-demo-pw') }, body: poxRequest('nobody@parley.test') });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<(\w+:)?ErrorCode>500</);
  });

  it('challenges unauthenticated GET and POST with 401', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${base}/autodiscover/autodiscover.xml`, { method, body: method === 'POST' ? poxRequest('bob@parley.test') : undefined });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
    }
  });
});
