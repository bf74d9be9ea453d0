import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Metrics } from './metrics';
import { MetricsListener } from './metrics.listener';

async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('MetricsListener', () => {
  it('serves /metrics in the Prometheus text format and nothing else', async () => {
    const listener = new MetricsListener(new Metrics({ service: 'test', version: '0' }));
    const port = await listener.listen({ host: '127.0.0.1', port: await unusedPort() });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await res.text()).toMatch(/^parley_http_connections_dropped_total\{service="test",version="0"\} 0$/m);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
    } finally {
      await listener.onApplicationShutdown();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('does not listen with port 0, and fails to start on a port in use', async () => {
    const metrics = new Metrics({ service: 'test', version: '0' });
    expect(await new MetricsListener(metrics).listen({ host: '127.0.0.1', port: 0 })).toBeUndefined();
    const first = new MetricsListener(metrics);
    const port = (await first.listen({ host: '127.0.0.1', port: await unusedPort() })) as number;
    try {
      await expect(new MetricsListener(metrics).listen({ host: '127.0.0.1', port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.onApplicationShutdown();
    }
  });
});
