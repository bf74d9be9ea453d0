// Autodiscover as clients use it, against every deployment (see ews-deployment.ts): the SOAP
// endpoint through ews-javascript-api's AutodiscoverService, the POX endpoint with plain HTTP. The
// URLs handed out come from PARLEY_PUBLIC_URL (what clients behind a load balancer use), which
// every deployment's gateway is started with.
import * as ews from 'ews-javascript-api';
import { basic } from './ews-embedded';
import { EWS_DISPLAY_NAMES, EWS_PUBLIC_URL, EwsDeployment } from './ews-deployment';

const poxRequest = (address: string) =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function autodiscoverScenarios(deployment: () => EwsDeployment): void {
  describe('Autodiscover', () => {
    it('answers GetUserSettings to the client with the public EWS URL and the user', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const autodiscover = new ews.AutodiscoverService(new ews.Uri(`${d.base}/autodiscover/autodiscover.svc`), ews.ExchangeVersion.Exchange2013_SP1);
      autodiscover.Credentials = new ews.WebCredentials(ALICE, d.password('alice'));
      const response = await autodiscover.GetUserSettings(ALICE, [
        ews.UserSettingName.InternalEwsUrl,
        ews.UserSettingName.ExternalEwsUrl,
        ews.UserSettingName.UserDisplayName,
        ews.UserSettingName.UserDN,
        ews.UserSettingName.EwsSupportedSchemas,
      ]);
      expect(ews.AutodiscoverErrorCode[response.ErrorCode]).toBe('NoError');
      expect(response.Settings.get(ews.UserSettingName.ExternalEwsUrl)).toBe(`${EWS_PUBLIC_URL}/EWS/Exchange.asmx`);
      expect(response.Settings.get(ews.UserSettingName.InternalEwsUrl)).toBe(`${EWS_PUBLIC_URL}/EWS/Exchange.asmx`);
      expect(response.Settings.get(ews.UserSettingName.UserDisplayName)).toBe(EWS_DISPLAY_NAMES.alice);
      expect(String(response.Settings.get(ews.UserSettingName.EwsSupportedSchemas))).toContain('Exchange2013_SP1');
    });

    it('answers POX with the user and EXCH/EXPR protocols carrying the public URLs', async () => {
      const d = deployment();
      const BOB = d.address('bob');
      const res = await fetch(`${d.base}/Autodiscover/Autodiscover.xml`, { method: 'POST', headers: { authorization: basic(BOB, d.password('bob')), 'content-type': 'text/xml' }, body: poxRequest(BOB) });
      expect(res.status).toBe(200);
      const xml = await res.text();
      expect(xml).toMatch(new RegExp(`<(\\w+:)?DisplayName>${escaped(EWS_DISPLAY_NAMES.bob)}<`));
      expect(xml).toMatch(new RegExp(`<(\\w+:)?AutoDiscoverSMTPAddress>${escaped(BOB)}<`));
      expect(xml).toMatch(/<(\w+:)?Type>EXCH<\/(\w+:)?Type>/);
      expect(xml).toMatch(/<(\w+:)?Type>EXPR<\/(\w+:)?Type>/);
      expect(xml).toContain(`EwsUrl>${EWS_PUBLIC_URL}/EWS/Exchange.asmx<`);
      expect(xml).toContain(`OOFUrl>${EWS_PUBLIC_URL}/EWS/Exchange.asmx<`);
    });

    it('answers POX for an unknown address with error 500', async () => {
      const d = deployment();
      const res = await fetch(`${d.base}/autodiscover/autodiscover.xml`, { method: 'POST', headers: { authorization: basic(d.address('bob'), d.password('bob')) }, body: poxRequest(d.address('nobody')) });
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<(\w+:)?ErrorCode>500</);
    });

    it('challenges unauthenticated GET and POST with 401', async () => {
      const d = deployment();
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${d.base}/autodiscover/autodiscover.xml`, { method, body: method === 'POST' ? poxRequest(d.address('bob')) : undefined });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
      }
    });
  });
}
