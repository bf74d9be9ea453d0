import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The process's Prometheus registry, with Node's default metrics and HTTP request timings. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  readonly messagesHandled: Counter<'topic' | 'outcome'>;

  constructor(labels: { service: string; version: string }) {
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
    this.httpRequests = new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.messagesHandled = new Counter({
      name: 'parley_messages_handled_total',
      help: 'Bus messages handled, by topic and outcome (applied, duplicate, dead-lettered)',
      labelNames: ['topic', 'outcome'],
      registers: [this.registry],
    });
  }
}

/** Exposes a service's outbox backlog as a gauge, read at scrape time. */
export function watchOutbox(metrics: Metrics, service: string, pending: () => Promise<number>): void {
  const name = 'parley_outbox_pending_messages';
  const existing = metrics.registry.getSingleMetric(name) as Gauge<'owner'> | undefined;
  const sources = (existing as (Gauge<'owner'> & { sources?: Map<string, () => Promise<number>> }) | undefined)?.sources ?? new Map();
  sources.set(service, pending);
  if (existing) return;
  const gauge = new Gauge({
    name,
    help: 'Outbox messages committed but not yet published, by owning service',
    labelNames: ['owner'],
    registers: [metrics.registry],
    async collect() {
      for (const [owner, read] of sources) this.set({ owner }, await read().catch(() => -1));
    },
  });
  Object.assign(gauge, { sources });
}
