import type { Metrics } from '@parley/observability';
import { Counter, Gauge } from 'prom-client';
import type { SmtpListenerKind } from './smtp-listener';

/** What an operator watches of the SMTP front (on the process's `/metrics`). */
export class SmtpMetrics {
  private readonly refusals: Counter<'listener' | 'code'>;
  private readonly stored: Counter<'listener'>;

  constructor(metrics: Metrics, connections: () => Map<SmtpListenerKind, number>) {
    new Gauge({
      name: 'parley_smtp_connections',
      help: 'Open SMTP connections on this replica, by listener (submission, implicit-tls, relay)',
      labelNames: ['listener'],
      registers: [metrics.registry],
      collect() {
        for (const [listener, open] of connections()) this.set({ listener }, open);
      },
    });
    this.refusals = new Counter({
      name: 'parley_smtp_refusals_total',
      help: 'SMTP replies of 400 and above, by listener and reply code (535: bad credentials, 454: throttled, 550/552: refused recipients or senders, 451: temporary failures; docs/smtp.md)',
      labelNames: ['listener', 'code'],
      registers: [metrics.registry],
    });
    this.stored = new Counter({
      name: 'parley_smtp_messages_stored_total',
      help: 'Messages the mailbox store took from the SMTP front (acknowledged with 250), by listener',
      labelNames: ['listener'],
      registers: [metrics.registry],
    });
  }

  replied(listener: SmtpListenerKind, code: number): void {
    if (code >= 400) this.refusals.inc({ listener, code: String(code) });
  }

  messageStored(listener: SmtpListenerKind): void {
    this.stored.inc({ listener });
  }
}
