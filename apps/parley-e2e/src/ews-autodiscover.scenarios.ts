// Autodiscover as clients use it, against every deployment (see ews-deployment.ts): the SOAP
// endpoint through ews-javascript-api's AutodiscoverService, the POX endpoint with plain HTTP. The
// URLs handed out come from PARLEY_PUBLIC_URL (what clients behind a load balancer use), which
// every deployment's gateway is started with.
import { get, type IncomingHttpHeaders } from 'node:http';
import { XhrApi } from '@ewsjs/xhr';
import * as ews from 'ews-javascript-api';
import { basic } from './ews-embedded';
import { EWS_DISPLAY_NAMES, EWS_PUBLIC_URL, EwsDeployment } from './ews-deployment';

const poxRequest = (address: string) =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;

/** An Autodiscover error response (response schema 2006) with `code`, never a SOAP fault. */
function expectPoxError(xml: string, code: number, message?: string): void {
  expect(xml).toMatch(
    /^(<\?xml[^>]*\?>)?<(\w+:)?Autodiscover xmlns(:\w+)?="http:\/\/schemas\.microsoft\.com\/exchange\/autodiscover\/responseschema\/2006"/,
  );
  expect(xml).toMatch(/<(\w+:)?Error Time="\d\d:\d\d:\d\d\.\d+" Id="\d+">/);
  expect(xml).toMatch(new RegExp(`<(\\w+:)?ErrorCode>${code}</`));
  if (message) expect(xml).toMatch(new RegExp(`<(\\w+:)?Message>${message}</`));
  expect(xml).toMatch(/<(\w+:)?DebugData\s*\/>|<(\w+:)?DebugData><\/(\w+:)?DebugData>/);
  expect(xml).not.toMatch(/Envelope|Fault/);
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The HTTPS Autodiscover URL the plain-HTTP redirect step must name: always the public URL's. */
const PUBLIC_AUTODISCOVER_URL = `${EWS_PUBLIC_URL}/autodiscover/autodiscover.xml`;

/** A GET with Node's own HTTP client: no redirect following, any header (Host included). */
function plainGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

/**
 * What the client's network looks like in a real deployment, without DNS: `https://<domain>` and
 * `https://autodiscover.<domain>` have no server (as when those names do not resolve), the
 * plain-HTTP virtual host `http://autodiscover.<domain>` and the TLS-terminating load balancer at
 * the public URL both forward to the gateway, saying which scheme the client used in
 * `X-Forwarded-Proto`. Everything the client asks is recorded.
 */
class DeploymentNetwork implements ews.IXHRApi {
  readonly asked: string[] = [];
  private readonly http = new XhrApi({ rejectUnauthorized: false });

  constructor(
    private readonly gateway: string,
    private readonly domain: string,
  ) {}

  get apiName(): string {
    return 'parley-e2e-network';
  }

  xhr(options: ews.IXHROptions, progress?: (data: ews.IXHRProgress) => void): ReturnType<ews.IXHRApi['xhr']> {
    return this.http.xhr(this.route(options), progress);
  }

  xhrStream(options: ews.IXHROptions, progress: (data: ews.IXHRProgress) => void): ReturnType<ews.IXHRApi['xhrStream']> {
    return this.http.xhrStream(this.route(options), progress);
  }

  disconnect(): void {
    this.http.disconnect();
  }

  private route(options: ews.IXHROptions): ews.IXHROptions {
    this.asked.push(`${options.type ?? 'GET'} ${options.url}`);
    const url = new URL(options.url);
    const scheme = url.protocol.slice(0, -1);
    const routed =
      (scheme === 'http' && url.host === `autodiscover.${this.domain}`) ||
      (scheme === 'https' && url.host === new URL(EWS_PUBLIC_URL).host);
    // ews-javascript-api reads status 0 as "unable to connect" and tries its next candidate.
    if (!routed) throw Object.assign(new Error(`no server at ${url.origin}`), { status: 0 });
    return {
      ...options,
      url: `${this.gateway}${url.pathname}${url.search}`,
      headers: { ...options.headers, host: url.host, 'x-forwarded-proto': scheme },
    };
  }
}

export function autodiscoverScenarios(deployment: () => EwsDeployment): void {
  describe('Autodiscover', () => {
    it('answers GetUserSettings to the client with the public EWS URL and the user', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const autodiscover = new ews.AutodiscoverService(
        new ews.Uri(`${d.base}/autodiscover/autodiscover.svc`),
        ews.ExchangeVersion.Exchange2013_SP1,
      );
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
      const res = await fetch(`${d.base}/Autodiscover/Autodiscover.xml`, {
        method: 'POST',
        headers: { authorization: basic(BOB, d.password('bob')), 'content-type': 'text/xml' },
        body: poxRequest(BOB),
      });
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
      const res = await fetch(`${d.base}/autodiscover/autodiscover.xml`, {
        method: 'POST',
        headers: { authorization: basic(d.address('bob'), d.password('bob')), 'content-type': 'text/xml' },
        body: poxRequest(d.address('nobody')),
      });
      expect(res.status).toBe(200);
      expectPoxError(await res.text(), 500);
    });

    describe('POX errors are Autodiscover error responses, SOAP Autodiscover errors SOAP faults', () => {
      const postPox = async (body: string, contentType?: string) => {
        const d = deployment();
        const headers: Record<string, string> = { authorization: basic(d.address('bob'), d.password('bob')) };
        if (contentType) headers['content-type'] = contentType;
        const res = await fetch(`${d.base}/autodiscover/autodiscover.xml`, {
          method: 'POST',
          headers,
          body: new TextEncoder().encode(body),
        });
        return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
      };

      it('answers malformed XML, a request that is not POX Autodiscover and one without an address with 600 Invalid Request', async () => {
        for (const body of [
          '<Autodiscover><Request>',
          '<x:Other xmlns:x="urn:x"/>',
          poxRequest('').replace('<EMailAddress></EMailAddress>', ''),
        ]) {
          const answer = await postPox(body, 'text/xml');
          expect(answer.status).toBe(200);
          expect(answer.type).toMatch(/^text\/xml/);
          expectPoxError(answer.text, 600, 'Invalid Request');
        }
      });

      it('answers a response schema other than Outlook’s (ActiveSync’s) with 601', async () => {
        const mobile = poxRequest(deployment().address('bob')).replace('outlook/responseschema/2006a', 'mobilesync/responseschema/2006');
        const answer = await postPox(mobile, 'application/xml');
        expect(answer.status).toBe(200);
        expectPoxError(answer.text, 601);
      });

      it('refuses a POX body without an XML Content-Type with 415 and error 600', async () => {
        for (const type of [undefined, 'application/json', 'application/soap+xml']) {
          const answer = await postPox(poxRequest(deployment().address('bob')), type);
          expect(answer.status).toBe(415);
          expectPoxError(answer.text, 600);
        }
      });

      it('keeps SOAP faults on the SOAP endpoint: malformed XML, and 415 without a SOAP Content-Type', async () => {
        const d = deployment();
        const post = (headers: Record<string, string>) =>
          fetch(`${d.base}/autodiscover/autodiscover.svc`, {
            method: 'POST',
            headers: { authorization: basic(d.address('bob'), d.password('bob')), ...headers },
            body: new TextEncoder().encode('<oops'),
          });
        const malformed = await post({ 'content-type': 'text/xml; charset=utf-8' });
        expect(malformed.status).toBe(500);
        expect(await malformed.text()).toMatch(/<(\w+:)?Fault>.*ErrorSchemaValidation/s);
        const untyped = await post({});
        expect(untyped.status).toBe(415);
        const text = await untyped.text();
        expect(text).toMatch(/<(\w+:)?Fault>/);
        expect(text).toContain('ServerVersionInfo');
        expect(text).not.toContain('responseschema/2006');
      });
    });

    it('challenges unauthenticated POST, and GET that came over HTTPS, with 401 advertising SOAP', async () => {
      const d = deployment();
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${d.base}/autodiscover/autodiscover.xml`, {
          method,
          redirect: 'manual',
          headers: { 'x-forwarded-proto': 'https' },
          body: method === 'POST' ? poxRequest(d.address('bob')) : undefined,
        });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
        expect(res.headers.get('x-soap-enabled')).toBe('True');
      }
    });

    describe('the plain-HTTP redirect step', () => {
      it('answers an unauthenticated plain-HTTP GET with 302 to the public HTTPS Autodiscover URL', async () => {
        const d = deployment();
        const asSent: Record<string, string>[] = [
          {},
          { host: `autodiscover.${d.address('bob').split('@')[1]}`, 'x-forwarded-proto': 'http' },
        ];
        for (const headers of asSent) {
          const res = await plainGet(`${d.base}/Autodiscover/Autodiscover.xml`, headers);
          expect(res.status).toBe(302);
          expect(res.headers.location).toBe(PUBLIC_AUTODISCOVER_URL);
          expect(res.body).toBe('');
        }
      });

      it('never redirects to a host the request names', async () => {
        const d = deployment();
        for (const host of ['evil.example', 'evil.example:8443', 'mail.parley.test.evil.example']) {
          const res = await plainGet(`${d.base}/autodiscover/autodiscover.xml`, { host, 'x-forwarded-proto': 'http' });
          expect(res.status).toBe(302);
          expect(res.headers.location).toBe(PUBLIC_AUTODISCOVER_URL);
        }
      });

      it('answers an authenticated GET with the caller’s settings instead', async () => {
        const d = deployment();
        const res = await plainGet(`${d.base}/autodiscover/autodiscover.xml`, {
          authorization: basic(d.address('bob'), d.password('bob')),
        });
        expect(res.status).toBe(200);
        expect(res.headers.location).toBeUndefined();
        expect(res.body).toMatch(new RegExp(`<(\\w+:)?AutoDiscoverSMTPAddress>${escaped(d.address('bob'))}<`));
      });

      it('takes ews-javascript-api from the domain alone through the redirect to the settings', async () => {
        const d = deployment();
        const ALICE = d.address('alice');
        const domain = ALICE.split('@')[1];
        const network = new DeploymentNetwork(d.base, domain);
        const validated: string[] = [];
        const autodiscover = new ews.AutodiscoverService(ews.ExchangeVersion.Exchange2013_SP1);
        autodiscover.XHRApi = network;
        autodiscover.Credentials = new ews.WebCredentials(ALICE, d.password('alice'));
        // What an application must do before it follows a redirect: accept only the URL it expects.
        autodiscover.RedirectionUrlValidationCallback = (url: string) => {
          validated.push(url);
          return url === PUBLIC_AUTODISCOVER_URL;
        };
        const response = await autodiscover.GetUserSettings(ALICE, [
          ews.UserSettingName.ExternalEwsUrl,
          ews.UserSettingName.UserDisplayName,
        ]);
        expect(ews.AutodiscoverErrorCode[response.ErrorCode]).toBe('NoError');
        expect(response.Settings.get(ews.UserSettingName.ExternalEwsUrl)).toBe(`${EWS_PUBLIC_URL}/EWS/Exchange.asmx`);
        expect(response.Settings.get(ews.UserSettingName.UserDisplayName)).toBe(EWS_DISPLAY_NAMES.alice);
        expect(validated).toEqual([PUBLIC_AUTODISCOVER_URL]);
        expect(network.asked).toEqual([
          `GET https://autodiscover.${domain}/autodiscover/autodiscover.xml`,
          `GET https://${domain}/autodiscover/autodiscover.xml`,
          `GET http://autodiscover.${domain}/autodiscover/autodiscover.xml`,
          `GET ${PUBLIC_AUTODISCOVER_URL}`,
          `POST ${EWS_PUBLIC_URL}/autodiscover/autodiscover.svc`,
        ]);
        expect(autodiscover.Url?.ToString()).toBe(`${EWS_PUBLIC_URL}/autodiscover/autodiscover.svc`);
      });
    });
  });
}
