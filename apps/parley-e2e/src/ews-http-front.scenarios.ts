// The gateway's HTTP front against hostile or careless clients, with plain HTTP and raw sockets,
// against every deployment (see ews-deployment.ts): Content-Type required, an early answer closes
// a connection still trickling its body, a stalled body gets 408, connections past the cap are
// closed at once, /metrics only on its own listener, nothing names the stack. After each case the
// gateway still serves others.
import { connect, type Socket } from 'node:net';
import { basic, soapRequest } from './ews-embedded';
import { EWS_BODY_TIMEOUT_MS, EWS_MAX_CONNECTIONS, EwsDeployment } from './ews-deployment';

/** A raw connection: when its first status line arrived, everything it received, when it closed. */
interface RawConnection {
  readonly socket: Socket;
  /** Resolves with the status line and when it arrived (ms since epoch). */
  readonly status: Promise<{ line: string; at: number }>;
  /** Resolves when the server closed the connection (ms since epoch). */
  readonly closed: Promise<number>;
  received(): string;
}

function rawConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let onStatus: (s: { line: string; at: number }) => void = () => undefined;
    const status = new Promise<{ line: string; at: number }>((r) => (onStatus = r));
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (received.includes('\r\n')) onStatus({ line: received.split('\r\n')[0], at: Date.now() });
    });
    // Writes after the server closed fail (EPIPE, ECONNRESET): expected here.
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, status, closed, received: () => received }));
    socket.once('error', reject);
  });
}

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function httpFrontScenarios(deployment: () => EwsDeployment): void {
  describe('the gateway’s HTTP front', () => {
    const port = () => Number(new URL(deployment().base).port);
    const auth = () => basic(deployment().address('alice'), deployment().password('alice'));
    const getOof = () =>
      soapRequest(
        `<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>${deployment().address('alice')}</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>`,
      );
    const open: Socket[] = [];

    afterEach(async () => {
      for (const socket of open.splice(0)) socket.destroy();
      // The gateway keeps serving (after the connection-cap case, once the server saw those closes).
      const deadline = Date.now() + 5000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline)
        status = (await fetch(`${deployment().base}/healthz`).catch(() => ({ status: 0 }))).status;
      expect(status).toBe(200);
    });

    it('refuses an EWS POST without a Content-Type, or with one that is not SOAP, with 415 and a SOAP fault', async () => {
      for (const type of [undefined, 'application/json', 'text/plain; charset=utf-8', 'application/xml']) {
        const headers: Record<string, string> = { authorization: auth() };
        if (type) headers['content-type'] = type;
        // A byte body: fetch adds no Content-Type of its own.
        const res = await fetch(`${deployment().base}/EWS/Exchange.asmx`, {
          method: 'POST',
          headers,
          body: new TextEncoder().encode(getOof()),
        });
        expect(res.status).toBe(415);
        const text = await res.text();
        expect(text).toContain('<t:ServerVersionInfo ');
        expect(text).toContain('>ErrorInvalidRequest</e:ResponseCode>');
      }
      // SOAP 1.1 and SOAP 1.2 media types are both read.
      for (const type of ['text/xml; charset=utf-8', 'application/soap+xml; charset=utf-8']) {
        const res = await fetch(`${deployment().base}/EWS/Exchange.asmx`, {
          method: 'POST',
          headers: { authorization: auth(), 'content-type': type },
          body: getOof(),
        });
        expect(res.status).toBe(200);
        await res.text();
      }
    });

    it('closes a connection within about a second of its 401 while its body is still trickling in', async () => {
      const conn = await rawConnection(port());
      open.push(conn.socket);
      conn.socket.write(
        'POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<soap:Envelope',
      );
      const drip = setInterval(() => conn.socket.writable && conn.socket.write('          '), 50);
      try {
        const status = await within(5000, 'the 401', conn.status);
        expect(status.line).toBe('HTTP/1.1 401 Unauthorized');
        const closedAt = await within(EWS_BODY_TIMEOUT_MS, 'the close after the 401', conn.closed);
        expect(closedAt - status.at).toBeLessThan(2000);
        expect(conn.received()).toMatch(/\r\nconnection: close\r\n/i);
      } finally {
        clearInterval(drip);
      }
    });

    it('answers a body that stalls past PARLEY_HTTP_BODY_TIMEOUT_MS with 408 and closes the connection', async () => {
      const conn = await rawConnection(port());
      open.push(conn.socket);
      const started = Date.now();
      conn.socket.write(
        `POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth()}\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<soap:Envelope`,
      );
      const status = await within(EWS_BODY_TIMEOUT_MS + 5000, 'the 408', conn.status);
      expect(status.line).toBe('HTTP/1.1 408 Request Timeout');
      expect(status.at - started).toBeGreaterThanOrEqual(EWS_BODY_TIMEOUT_MS - 100);
      const closedAt = await within(3000, 'the close after the 408', conn.closed);
      expect(closedAt - status.at).toBeLessThan(2000);
      expect(conn.received()).toContain('<t:ServerVersionInfo ');
    });

    it('closes connections past PARLEY_HTTP_MAX_CONNECTIONS at once, while the open ones keep working', async () => {
      const extra = 20;
      const connections = await Promise.all(Array.from({ length: EWS_MAX_CONNECTIONS + extra }, () => rawConnection(port())));
      open.push(...connections.map((c) => c.socket));
      const closedEarly = new Set<RawConnection>();
      for (const c of connections) void c.closed.then(() => closedEarly.add(c));
      await new Promise((r) => setTimeout(r, 1000));
      // Connections other clients of the deployment hold (idle keep-alive) count against the cap too.
      expect(closedEarly.size).toBeGreaterThanOrEqual(extra);
      const survivors = connections.filter((c) => !closedEarly.has(c));
      expect(survivors.length).toBeLessThanOrEqual(EWS_MAX_CONNECTIONS);
      const kept = survivors[0];
      kept.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await within(5000, 'the answer on an open connection', kept.status)).line).toBe('HTTP/1.1 200 OK');
      const metrics = await (await fetch(`${deployment().metricsBase}/metrics`)).text();
      expect(Number(/^parley_http_connections_dropped_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(extra);
    });

    it('serves /metrics only on the metrics listener: 404 on the public port', async () => {
      const d = deployment();
      expect((await fetch(`${d.base}/metrics`)).status).toBe(404);
      const res = await fetch(`${d.metricsBase}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toMatch(/^parley_http_request_duration_seconds_bucket\{/m);
      expect(text).toMatch(/route="\/ews\/exchange\.asmx"/);
      expect((await fetch(`${d.metricsBase}/healthz`)).status).toBe(404);
    });

    it('sends no X-Powered-By on any answer', async () => {
      const d = deployment();
      const xml = { 'content-type': 'text/xml; charset=utf-8', authorization: auth() };
      const answers = await Promise.all([
        fetch(`${d.base}/healthz`),
        fetch(`${d.base}/readyz`),
        fetch(`${d.base}/no/such/path`),
        fetch(`${d.base}/EWS/Exchange.asmx`),
        fetch(`${d.base}/EWS/Exchange.asmx`, { method: 'POST', headers: xml, body: getOof() }),
        fetch(`${d.base}/EWS/Exchange.asmx`, { method: 'DELETE' }),
        fetch(`${d.base}/autodiscover/autodiscover.xml`, { method: 'POST', headers: xml, body: '<oops' }),
        fetch(`${d.metricsBase}/metrics`),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 401, 200, 405, 200, 200]);
      for (const answer of answers) {
        expect(answer.headers.get('x-powered-by')).toBeNull();
        await answer.arrayBuffer();
      }
    });
  });
}
