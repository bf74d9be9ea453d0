import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The process's Prometheus registry, with Node's default metrics and HTTP request timings. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  readonly messagesHandled: Counter<'topic' | 'outcome'>;
  /** Connections the HTTP server closed on accept because it was at its connection cap. */
  readonly httpConnectionsDropped: Counter;
  readonly deadLetters: Counter<'topic' | 'consumer_group' | 'kind'>;
  /** calendar-sync's due-queue: how late each presence transition was fired (firing − due time). */
  readonly presenceTimerLateness: Histogram;
  /** Backlog readers by owning service; the gauge asks each at scrape time. */
  private readonly outboxBacklogs = new Map<string, () => Promise<number>>();
  private presenceReplica: (() => PresenceReplicaStats) | null = null;

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
    this.httpConnectionsDropped = new Counter({
      name: 'parley_http_connections_dropped_total',
      help: 'HTTP connections closed on accept because the server was at PARLEY_HTTP_MAX_CONNECTIONS',
      registers: [this.registry],
    });
    this.deadLetters = new Counter({
      name: 'parley_dead_letters_total',
      help: 'Consumed events given up and stored as dead letters, by topic, consumer group and kind (invalid, permanent, retries-exhausted)',
      labelNames: ['topic', 'consumer_group', 'kind'],
      registers: [this.registry],
    });
    this.presenceTimerLateness = new Histogram({
      name: 'parley_presence_timer_lateness_seconds',
      help: 'How late calendar-sync fired its due presence transitions (OOF windows, meeting starts and ends): firing time minus due time',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [this.registry],
    });
    const presence = () => this.presenceReplica?.();
    const presenceGauges: [string, string, keyof PresenceReplicaStats][] = [
      ['parley_presence_watch_subscriptions', 'Presence subscriptions (watcher, watched user) held by this replica', 'subscriptions'],
      ['parley_presence_watched_users', 'Distinct users watched from this replica (changes of others cost one lookup)', 'watchedUsers'],
      ['parley_presence_endpoints', 'Clients (endpoints) connected to this replica', 'endpoints'],
      ['parley_presence_ims_waiting', 'Instant messages sent from this replica waiting for their receipt', 'imsWaiting'],
    ];
    for (const [name, help, field] of presenceGauges) {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const stats = presence();
          if (stats) this.set(stats[field]);
        },
      });
    }
    const backlogs = this.outboxBacklogs;
    new Gauge({
      name: 'parley_outbox_pending_messages',
      help: 'Outbox messages committed but not yet published, by owning service (-1: could not be read)',
      labelNames: ['owner'],
      registers: [this.registry],
      async collect() {
        for (const [owner, read] of backlogs) this.set({ owner }, await read().catch(() => -1));
      },
    });
  }

  /** Reports presence-bridge's per-replica figures in the `parley_presence_*` gauges. */
  watchPresence(read: () => PresenceReplicaStats): void {
    this.presenceReplica = read;
  }

  /** Reports a service's outbox backlog in `parley_outbox_pending_messages`. */
  watchOutbox(service: string, pending: () => Promise<number>): void {
    this.outboxBacklogs.set(service, pending);
  }
}

/** What a presence-bridge replica holds now. */
export interface PresenceReplicaStats {
  subscriptions: number;
  watchedUsers: number;
  endpoints: number;
  imsWaiting: number;
}
