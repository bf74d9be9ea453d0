import type { Metrics } from '@parley/observability';
import { Counter, Gauge } from 'prom-client';

/** What an operator watches of the presence WebSocket (on the process's `/metrics`). */
export class PresenceSocketMetrics {
  private readonly closed: Counter<'code'>;
  private readonly refused: Counter<'status'>;

  constructor(metrics: Metrics, connections: () => number) {
    new Gauge({
      name: 'parley_presence_ws_connections',
      help: 'Open presence WebSocket sessions on this replica',
      registers: [metrics.registry],
      collect() {
        this.set(connections());
      },
    });
    this.closed = new Counter({
      name: 'parley_presence_ws_closed_total',
      help: 'Presence WebSockets the server closed, by close code (1006: dropped without a close handshake, e.g. no answer to pings)',
      labelNames: ['code'],
      registers: [metrics.registry],
    });
    this.refused = new Counter({
      name: 'parley_presence_ws_upgrades_refused_total',
      help: 'Upgrades to /presence refused before the handshake, by HTTP status (401 sign-in, 429 throttled, 503 sign-in failed)',
      labelNames: ['status'],
      registers: [metrics.registry],
    });
  }

  closedBy(code: number): void {
    this.closed.inc({ code: String(code) });
  }

  upgradeRefused(status: number): void {
    this.refused.inc({ status: String(status) });
  }
}
