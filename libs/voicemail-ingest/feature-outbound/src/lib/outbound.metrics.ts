import type { Metrics } from '@parley/observability';
import { Counter, Gauge } from 'prom-client';

/** What an operator watches of the outbound queue (on the process's `/metrics`, docs/operations.md). */
export class OutboundMetrics {
  private readonly queued: Counter;
  private readonly recipients: Counter<'result'>;
  private readonly notifications: Counter;

  constructor(metrics: Metrics, waiting: () => Promise<number>) {
    this.queued = new Counter({
      name: 'parley_outbound_messages_queued_total',
      help: 'Messages put in the outbound queue (SMTP submission to other domains, EWS sending, DSNs, later OOF replies)',
      registers: [metrics.registry],
    });
    this.recipients = new Counter({
      name: 'parley_outbound_recipients_total',
      help: 'Recipient attempts of the outbound queue by result: sent (the smarthost or a Parley mailbox took it), deferred (4xx or no answer: tried again), bounced (a 5xx, or the retry window ended)',
      labelNames: ['result'],
      registers: [metrics.registry],
    });
    this.notifications = new Counter({
      name: 'parley_outbound_dsn_total',
      help: 'Delivery status notifications (bounces) queued to senders',
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'parley_outbound_messages_waiting',
      help: 'Messages in the outbound queue with a recipient still to try (all replicas: read from the database)',
      registers: [metrics.registry],
      async collect() {
        this.set(await waiting());
      },
    });
  }

  messageQueued(): void {
    this.queued.inc();
  }

  recipientSent(count: number): void {
    if (count > 0) this.recipients.inc({ result: 'sent' }, count);
  }

  recipientDeferred(count: number): void {
    if (count > 0) this.recipients.inc({ result: 'deferred' }, count);
  }

  recipientBounced(count: number): void {
    if (count > 0) this.recipients.inc({ result: 'bounced' }, count);
  }

  notificationQueued(): void {
    this.notifications.inc();
  }
}
