// Hostile and broken requests with plain HTTP against every deployment's gateway (see
// ews-deployment.ts): each gets its documented SOAP answer (always with ServerVersionInfo), and the
// gateway process keeps serving (its /healthz is checked after each case).
import { connect } from 'node:net';
import { basic, soapRequest } from './ews-embedded';
import { EWS_BODY_LIMIT_BYTES, EWS_MAX_FAILURES_PER_ACCOUNT, EwsDeployment } from './ews-deployment';

function expectFault(answer: { status: number; text: string }, code: string) {
  expect(answer.status).toBe(500);
  expect(answer.text).toContain('<t:ServerVersionInfo ');
  expect(answer.text).toContain(`<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${code}</e:ResponseCode>`);
  expect(answer.text).not.toMatch(/<html/i);
}

export function abuseScenarios(deployment: () => EwsDeployment): void {
  describe('the EWS endpoint under abuse', () => {
    const auth = () => basic(deployment().address('alice'), deployment().password('alice'));
    const getOof = () => `<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>${deployment().address('alice')}</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>`;

    async function post(body: string, headers: Record<string, string> = {}) {
      const res = await fetch(`${deployment().base}/ews/exchange.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', authorization: auth(), ...headers }, body });
      return { status: res.status, text: await res.text() };
    }

    afterEach(async () => {
      expect((await fetch(`${deployment().base}/healthz`)).status).toBe(200);
    });

    it('serves a well-formed request (the baseline for the others)', async () => {
      const answer = await post(soapRequest(getOof()));
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('<m:ResponseCode>NoError</m:ResponseCode>');
    });

    it('answers malformed XML with ErrorSchemaValidation', async () => {
      expectFault(await post('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><oops></soap:Body>'), 'ErrorSchemaValidation');
    });

    it('refuses a billion-laughs document before expanding anything', async () => {
      const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&lol9;</soap:Body></soap:Envelope>`;
      expectFault(await post(lol), 'ErrorSchemaValidation');
    });

    it('refuses deep nesting', async () => {
      const deep = `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`;
      expectFault(await post(soapRequest(`<m:GetUserOofSettingsRequest>${deep}</m:GetUserOofSettingsRequest>`)), 'ErrorSchemaValidation');
    });

    it('refuses an envelope without a Body', async () => {
      expectFault(await post('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/></soap:Envelope>'), 'ErrorSchemaValidation');
    });

    it('refuses an operation in the wrong namespace', async () => {
      expectFault(await post(soapRequest('<x:GetUserOofSettingsRequest xmlns:x="urn:not-ews"/>')), 'ErrorSchemaValidation');
    });

    it('answers an unknown operation with a schema-validation fault, and a known unimplemented one with ErrorInvalidRequest', async () => {
      expectFault(await post(soapRequest('<m:LaunchRockets/>')), 'ErrorSchemaValidation');
      expectFault(await post(soapRequest('<m:SyncFolderItems/>')), 'ErrorInvalidRequest');
    });

    it('answers a ConvertId probe with a per-item error and the server version', async () => {
      const answer = await post(soapRequest(`<m:ConvertId DestinationFormat="EwsId"><m:SourceIds><t:AlternateId Format="HexEntryId" Id="00" Mailbox="${deployment().address('alice')}"/></m:SourceIds></m:ConvertId>`));
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('<t:ServerVersionInfo ');
      expect(answer.text).toContain('<m:ConvertIdResponseMessage ResponseClass="Error">');
    });

    /**
     * Writes `head`, then `chunk` over and over up to `total` bytes, one write per event-loop turn
     * as a real client does, and answers the response's status line, read while still sending (the
     * server answers early, discards a bounded amount, then closes).
     */
    function statusLineWhileSending(head: string, chunk: Buffer, total: number): Promise<string> {
      const port = Number(new URL(deployment().base).port);
      return new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let received = '';
        socket.on('data', (d) => {
          received += d.toString('latin1');
          if (received.includes('\r\n')) {
            resolve(received.split('\r\n')[0]);
            socket.destroy();
          }
        });
        socket.on('error', (e) => (received ? resolve(received.split('\r\n')[0]) : reject(e)));
        socket.write(head);
        let sent = 0;
        const pump = () => {
          if (sent >= total || socket.destroyed) return;
          sent += chunk.length;
          if (socket.write(chunk)) setImmediate(pump);
          else socket.once('drain', pump);
        };
        pump();
      });
    }

    it('refuses a 50 MB body with 413 without reading it', async () => {
      const head = `POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth()}\r\nContent-Type: text/xml\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n`;
      expect(await statusLineWhileSending(head, Buffer.alloc(64 * 1024, 0x20), 50 * 1024 * 1024)).toBe('HTTP/1.1 413 Payload Too Large');
    });

    it('refuses a chunked body that grows past the limit with 413', async () => {
      const head = `POST /ews/exchange.asmx HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth()}\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const chunk = Buffer.concat([Buffer.from(`${(64 * 1024).toString(16)}\r\n`), Buffer.alloc(64 * 1024, 0x20), Buffer.from('\r\n')]);
      expect(await statusLineWhileSending(head, chunk, 2.5 * EWS_BODY_LIMIT_BYTES)).toBe('HTTP/1.1 413 Payload Too Large');
    });

    it('challenges unauthenticated GET and POST with 401 Basic', async () => {
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${deployment().base}/EWS/Exchange.asmx`, { method, body: method === 'POST' ? soapRequest(getOof()) : undefined });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
      }
    });

    // Guessed against an account nobody uses, so the deployment's real users are never locked out
    // for the other scenarios (failures count per attempted account name, existing or not).
    it('throttles repeated failures for an account with ErrorServerBusy and a back-off', async () => {
      const guess = { authorization: basic(deployment().address('nobody'), 'nope') };
      for (let i = 0; i < EWS_MAX_FAILURES_PER_ACCOUNT; i++) expect((await post(soapRequest(getOof()), guess)).status).toBe(401);
      const throttled = await post(soapRequest(getOof()), guess);
      expectFault(throttled, 'ErrorServerBusy');
      expect(throttled.text).toMatch(/<t:Value Name="BackOffMilliseconds">\d+<\/t:Value>/);
      // Other accounts are unaffected.
      expect((await post(soapRequest(getOof()))).status).toBe(200);
    });
  });
}
