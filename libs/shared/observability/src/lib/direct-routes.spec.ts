import { createRootLogger } from '@parley/logging';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { DirectRoutes, serveDirectRoutes } from './direct-routes';
import { Metrics } from './metrics';

describe('serveDirectRoutes', () => {
  let server: Server;
  let base: string;
  const lines: Record<string, unknown>[] = [];
  const routes = new DirectRoutes();
  const metrics = new Metrics({ service: 'test', version: '0' });

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('fallback'));
    routes.register({
      method: 'POST',
      path: '/EWS/Exchange.asmx',
      handle: async (_req, res) => {
        res.end(`direct ${String(res.getHeader('x-correlation-id'))}`);
      },
    });
    routes.register({ method: 'POST', path: '/broken', handle: () => Promise.reject(new Error('boom')) });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    serveDirectRoutes(server, routes, { metrics, logger: createRootLogger({ service: 'test', version: '0', level: 'info' }, sink) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers a matching method and path (any case, with a query) itself, with a correlation id', async () => {
    const res = await fetch(`${base}/ews/EXCHANGE.asmx?x=1`, { method: 'POST', headers: { 'x-correlation-id': 'abc-1' }, body: '<x/>' });
    expect(await res.text()).toBe('direct abc-1');
    expect(res.headers.get('x-correlation-id')).toBe('abc-1');
  });

  it('hands every other request to the previous listener', async () => {
    expect(await (await fetch(`${base}/EWS/Exchange.asmx`)).text()).toBe('fallback');
    expect(await (await fetch(`${base}/EWS/Exchange.asmx/`, { method: 'POST', body: 'x' })).text()).toBe('fallback');
    expect(await (await fetch(`${base}/other`, { method: 'POST', body: 'x' })).text()).toBe('fallback');
  });

  it('answers 500 when a handler rejects, and keeps serving', async () => {
    expect((await fetch(`${base}/broken`, { method: 'POST', body: 'x' })).status).toBe(500);
    expect((await fetch(`${base}/ews/exchange.asmx`, { method: 'POST', body: 'x' })).status).toBe(200);
  });

  it('records the request metric and writes the request line at info', async () => {
    await fetch(`${base}/EWS/Exchange.asmx`, { method: 'POST', body: 'x' });
    expect(await metrics.registry.metrics()).toMatch(
      /parley_http_request_duration_seconds_count\{[^}]*method="POST",route="\/ews\/exchange.asmx",status="200"\} 3/,
    );
    expect(lines.some((l) => l['msg'] === 'request completed' && (l['res'] as { statusCode: number }).statusCode === 200)).toBe(true);
    expect(lines.some((l) => l['msg'] === 'unhandled error on POST /broken')).toBe(true);
  });

  it('refuses a second route for the same method and path', () => {
    expect(() => routes.register({ method: 'post', path: '/ews/exchange.ASMX', handle: async () => undefined })).toThrow(
      /already registered/,
    );
  });
});
