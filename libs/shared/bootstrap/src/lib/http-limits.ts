import type { HttpConfig } from '@parley/config';
import type { Metrics } from '@parley/observability';
import type { Server } from 'node:http';

/**
 * The public listener's limits against slow and piled-up clients.
 *
 * - At most `maxConnections` open connections: Node closes any connection accepted past it at
 *   once (counted in `parley_http_connections_dropped_total`); those already open keep working.
 * - The request head must arrive within `bodyTimeoutMs` (Node's `headersTimeout`, 408 and close).
 * - The whole request within twice that (`requestTimeout`): the backstop for a route that never
 *   reads its body. The endpoints that do (EWS, Autodiscover) time the body themselves, precisely,
 *   from the moment they start reading it; Node checks its own timeouts only every 30 s.
 */
export function applyHttpLimits(server: Server, http: Pick<HttpConfig, 'bodyTimeoutMs' | 'maxConnections'>, metrics: Metrics): void {
  server.maxConnections = http.maxConnections;
  server.headersTimeout = http.bodyTimeoutMs;
  server.requestTimeout = 2 * http.bodyTimeoutMs;
  server.on('drop', () => metrics.httpConnectionsDropped.inc());
}
