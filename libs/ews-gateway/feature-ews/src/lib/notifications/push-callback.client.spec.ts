import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { NS } from '@parley/ews-gateway/soap';
import { loadTlsPair } from '@parley/tls';
import { MAX_PUSH_ANSWER_BYTES, PushCallbackError, postSendNotification, readSendNotificationResult } from './push-callback.client';
import { PushDestinationPolicy } from './push-destination.policy';

const result = (status: string, ns: string = NS.MESSAGES) =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="${NS.SOAP}"><s:Body><SendNotificationResult xmlns="${ns}">` +
  `<SubscriptionStatus>${status}</SubscriptionStatus></SendNotificationResult></s:Body></s:Envelope>`;

describe('readSendNotificationResult', () => {
  it('reads OK and Unsubscribe', () => {
    expect(readSendNotificationResult(Buffer.from(result('OK')))).toBe('OK');
    expect(readSendNotificationResult(Buffer.from(result(' Unsubscribe ')))).toBe('Unsubscribe');
  });

  it.each([
    ['another status', result('Maybe')],
    ['the wrong namespace', result('OK', 'urn:other')],
    ['no envelope', '<SendNotificationResult/>'],
    ['not XML', 'OK'],
    ['an empty body', ''],
  ])('refuses %s', (_what, body) => {
    expect(() => readSendNotificationResult(Buffer.from(body))).toThrow(PushCallbackError);
  });
});

describe('postSendNotification', () => {
  let server: Server;
  let port: number;
  let answer: (res: ServerResponse) => void;
  const seen: { headers: IncomingHttpHeaders; url: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, url: req.url, body: Buffer.concat(chunks).toString('utf8') });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  // A name DNS cannot resolve, allowed and "resolved" by the policy only: the request must reach the checked address without a lookup of its own.
  const pinnedTo127 = new PushDestinationPolicy({ cidrs: [], hosts: ['listener.invalid'] }, async () => ['127.0.0.1']);

  it('connects to the checked address while the Host header names the URL', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(result('OK'));
    const destination = await pinnedTo127.check(`http://listener.invalid:${port}/ews/push?user=1`);
    await expect(postSendNotification(destination, '<envelope/>', 2_000)).resolves.toBe('OK');
    expect(seen).toEqual([
      {
        headers: expect.objectContaining({
          host: `listener.invalid:${port}`,
          'content-type': 'text/xml; charset=utf-8',
          soapaction: '"http://schemas.microsoft.com/exchange/services/2006/messages/SendNotification"',
        }),
        url: '/ews/push?user=1',
        body: '<envelope/>',
      },
    ]);
  });

  it('follows no redirect and reads no more than its cap', async () => {
    const destination = await pinnedTo127.check(`http://listener.invalid:${port}/cb`);
    answer = (res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    await expect(postSendNotification(destination, '<e/>', 2_000)).rejects.toThrow(/HTTP 302/);
    expect(seen).toHaveLength(1);
    answer = (res) => res.writeHead(200).end(Buffer.alloc(MAX_PUSH_ANSWER_BYTES + 1, 0x20));
    await expect(postSendNotification(destination, '<e/>', 2_000)).rejects.toThrow(/larger than/);
    answer = (res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(MAX_PUSH_ANSWER_BYTES, 0x20)); // no Content-Length: counted while read
      res.end(Buffer.alloc(10, 0x20));
    };
    await expect(postSendNotification(destination, '<e/>', 2_000)).rejects.toThrow(/larger than/);
  });

  it('gives up after its timeout', async () => {
    const destination = await pinnedTo127.check(`http://listener.invalid:${port}/cb`);
    answer = () => undefined;
    const started = Date.now();
    await expect(postSendNotification(destination, '<e/>', 200)).rejects.toThrow(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("over https names the URL's host in SNI while connecting to the checked address, and checks the certificate", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-push-tls-'));
    const pair = await loadTlsPair({ files: undefined, selfSigned: { dir, hostname: 'listener.invalid', name: 'push' } });
    const serverNames: string[] = [];
    const tls = createTlsServer(
      {
        ...pair,
        SNICallback: (name, done) => {
          serverNames.push(name);
          done(null, createSecureContext(pair));
        },
      },
      (_req, res) => res.end(result('OK')),
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const destination = await pinnedTo127.check(`https://listener.invalid:${(tls.address() as AddressInfo).port}/cb`);
      // Self-signed: the certificate check refuses it, after the handshake named the URL's host.
      await expect(postSendNotification(destination, '<e/>', 2_000)).rejects.toThrow(/self-signed certificate/);
      expect(serverNames).toEqual(['listener.invalid']);
    } finally {
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
