import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metrics } from './metrics';

/** The one path of the metrics listener (deployments' scrape configs read it). */
export const METRICS_PATH = '/metrics';

const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * `GET /metrics` on a listener of its own, so that the public port never shows the process's
 * internals: the embedded app binds it to loopback, a service in a pod to the pod address, where
 * Prometheus scrapes it. Nothing else is served there (404).
 */
@Injectable()
export class MetricsListener implements OnApplicationShutdown {
  private server: Server | undefined;

  constructor(private readonly metrics: Metrics) {}

  /** Starts listening (port 0 in the config means "no listener"); resolves with the bound port, or undefined. */
  async listen(options: { host: string; port: number }): Promise<number | undefined> {
    if (options.port === 0) return undefined;
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== METRICS_PATH) return answer(res, 404, 'text/plain; charset=utf-8', `Not found. Metrics are at ${METRICS_PATH}.\n`);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return answer(res, 405, 'text/plain; charset=utf-8', 'Method not allowed.\n');
      }
      this.metrics.registry.metrics().then(
        (text) => answer(res, 200, EXPOSITION_CONTENT_TYPE, text),
        () => answer(res, 500, 'text/plain; charset=utf-8', 'Metrics could not be collected.\n'),
      );
    });
    // A scrape is one short request; keep-alive between scrapes is fine, idle sockets are not kept long.
    server.keepAliveTimeout = 65_000;
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function answer(res: ServerResponse, status: number, type: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
