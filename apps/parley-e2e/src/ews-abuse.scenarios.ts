// Hostile and broken requests with plain HTTP against every deployment's gateway (see
// ews-deployment.ts): each gets its documented SOAP answer (always with ServerVersionInfo), and the
// gateway process keeps serving (its /healthz is checked after each case).
import { connect } from 'node:net';
import { basic, soapRequest } from './ews-embedded';
import { request } from 'node:http';
import {
  EWS_ACCOUNT_DELAY_STEP_MS,
  EWS_BODY_LIMIT_BYTES,
  EWS_MAX_FAILURES_PER_ACCOUNT_ADDRESS,
  EWS_MAX_FAILURES_PER_ADDRESS,
  EWS_TRUSTED_PROXY,
  EwsDeployment,
} from './ews-deployment';

function expectFault(answer: { status: number; text: string }, code: string) {
  expect(answer.status).toBe(500);
  expect(answer.text).toContain('<t:ServerVersionInfo ');
  expect(answer.text).toContain(
    `<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${code}</e:ResponseCode>`,
  );
  expect(answer.text).not.toMatch(/<html/i);
}

/** A POST to the EWS URL from the local address `from` (any of 127.0.0.0/8 reaches the gateway on Linux). */
async function postFrom(base: string, from: string, body: string, headers: Record<string, string>) {
  const url = new URL('/EWS/Exchange.asmx', base);
  return new Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { 'content-type': 'text/xml; charset=utf-8', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function abuseScenarios(deployment: () => EwsDeployment): void {
  describe('the EWS endpoint under abuse', () => {
    const auth = () => basic(deployment().address('alice'), deployment().password('alice'));
    const getOof = () =>
      `<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>${deployment().address('alice')}</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>`;

    async function post(body: string, headers: Record<string, string> = {}) {
      const res = await fetch(`${deployment().base}/ews/exchange.asmx`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', authorization: auth(), ...headers },
        body,
      });
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
      expectFault(
        await post('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><oops></soap:Body>'),
        'ErrorSchemaValidation',
      );
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
      expectFault(
        await post('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/></soap:Envelope>'),
        'ErrorSchemaValidation',
      );
    });

    it('refuses an operation in the wrong namespace', async () => {
      expectFault(await post(soapRequest('<x:GetUserOofSettingsRequest xmlns:x="urn:not-ews"/>')), 'ErrorSchemaValidation');
    });

    it('answers an unknown operation with a schema-validation fault, and a known unimplemented one with ErrorInvalidRequest', async () => {
      expectFault(await post(soapRequest('<m:LaunchRockets/>')), 'ErrorSchemaValidation');
      expectFault(await post(soapRequest('<m:ExpandDL/>')), 'ErrorInvalidRequest');
    });

    it('answers a ConvertId probe with a per-item error and the server version', async () => {
      const answer = await post(
        soapRequest(
          `<m:ConvertId DestinationFormat="EwsId"><m:SourceIds><t:AlternateId Format="HexEntryId" Id="00" Mailbox="${deployment().address('alice')}"/></m:SourceIds></m:ConvertId>`,
        ),
      );
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
        const res = await fetch(`${deployment().base}/EWS/Exchange.asmx`, {
          method,
          body: method === 'POST' ? soapRequest(getOof()) : undefined,
        });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
      }
    });

    // Each case below signs in as a user created for it, so no credential cache has its password yet
    // (a verified pair is let through for a while whatever the throttle says), and sends from its
    // own loopback addresses, so the other scenarios' address (127.0.0.1) keeps its budget.
    let runs = 0;
    const freshUser = async (name: string) => {
      const password = `${name}-pw-${(runs += 1)}`;
      const address = await deployment().addUser(`${name}-${Date.now().toString(36)}-${runs}`, password);
      return { address, password };
    };
    /** GetUserOofSettings on `mailbox` (by default alice's; a user's own for a sign-in that must succeed). */
    const signIn = (from: string, authorization: string, headers: Record<string, string> = {}, mailbox = deployment().address('alice')) =>
      postFrom(
        deployment().base,
        from,
        soapRequest(`<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>${mailbox}</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>`),
        { authorization, ...headers },
      );

    it('refuses a guessed-at account only from the guessing address: the owner signs in from another', async () => {
      const victim = await freshUser('victim');
      const wrong = basic(victim.address, 'guess');
      for (let i = 0; i < 12; i++) {
        const answer = await signIn('127.0.0.2', wrong);
        if (i < EWS_MAX_FAILURES_PER_ACCOUNT_ADDRESS) expect(answer.status).toBe(401);
        else {
          expectFault(answer, 'ErrorServerBusy');
          expect(answer.text).toMatch(/<t:Value Name="BackOffMilliseconds">\d+<\/t:Value>/);
        }
      }
      // The guessing address stays refused for this account, even with the right password…
      expectFault(await signIn('127.0.0.2', basic(victim.address, victim.password)), 'ErrorServerBusy');
      // …while the owner, elsewhere, is only slowed down by the account's failures (the checked ones:
      // refused attempts cost the gateway nothing and add nothing).
      const startedAt = Date.now();
      const owner = await signIn('127.0.0.3', basic(victim.address, victim.password), {}, victim.address);
      expect(owner.status).toBe(200);
      expect(owner.text).toContain('<m:ResponseCode>NoError</m:ResponseCode>');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(EWS_MAX_FAILURES_PER_ACCOUNT_ADDRESS * EWS_ACCOUNT_DELAY_STEP_MS);
    });

    it('behind the trusted proxy, counts failures per forwarded client: a spraying client does not refuse another', async () => {
      const user = await freshUser('behind-lb');
      const attacker = { 'x-forwarded-for': '198.51.100.7' };
      const answers: number[] = [];
      // Sprayed over names (a new one each time, so no account's own budget ends it): the forwarded address's budget runs out.
      for (let i = 0; i < 120; i++)
        answers.push((await signIn(EWS_TRUSTED_PROXY, basic(`nobody-${i}@parley.test`, 'guess'), attacker)).status);
      expect(answers).toEqual([
        ...Array<number>(EWS_MAX_FAILURES_PER_ADDRESS).fill(401),
        ...Array<number>(120 - EWS_MAX_FAILURES_PER_ADDRESS).fill(500),
      ]);
      expectFault(await signIn(EWS_TRUSTED_PROXY, basic(user.address, user.password), attacker), 'ErrorServerBusy');
      // Another client behind the same proxy (a forged left-hand entry changes nothing).
      const other = await signIn(
        EWS_TRUSTED_PROXY,
        basic(user.address, user.password),
        { 'x-forwarded-for': '198.51.100.7, 203.0.113.20' },
        user.address,
      );
      expect(other.status).toBe(200);
      expect(other.text).toContain('<m:ResponseCode>NoError</m:ResponseCode>');
    });

    it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
      const user = await freshUser('direct');
      for (let i = 0; i < EWS_MAX_FAILURES_PER_ACCOUNT_ADDRESS; i++) {
        expect((await signIn('127.0.0.5', basic(user.address, 'guess'), { 'x-forwarded-for': `203.0.113.${i + 1}` })).status).toBe(401);
      }
      expectFault(await signIn('127.0.0.5', basic(user.address, user.password), { 'x-forwarded-for': '203.0.113.99' }), 'ErrorServerBusy');
    });

    it('answers malformed credentials with the 401 challenge, on EWS and Autodiscover', async () => {
      const malformed = [
        basic('al\u0000ice@parley.test', 'pw'),
        basic(deployment().address('alice'), 'p\u0000w'),
        basic('alice\r\n@parley.test', 'pw'),
        'Basic !!!not-base64!!!',
        `Basic ${Buffer.concat([Buffer.from('alice@parley.test:'), Buffer.from([0xff, 0xfe])]).toString('base64')}`,
        basic(`${'a'.repeat(5000)}@parley.test`, 'pw'),
        basic('', 'pw'),
      ];
      for (const authorization of malformed) {
        const answer = await signIn('127.0.0.6', authorization);
        expect(answer.status).toBe(401);
        expect(answer.headers['www-authenticate']).toMatch(/^Basic realm="/);
        expect(answer.text).toContain('<t:ServerVersionInfo ');
        const autodiscover = await fetch(`${deployment().base}/autodiscover/autodiscover.xml`, { headers: { authorization } });
        expect(autodiscover.status).toBe(401);
        expect(autodiscover.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
      }
    });
  });
}
