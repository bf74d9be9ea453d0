import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { JournaledEvent } from '@parley/ews-gateway/data-access';
import { Metrics } from '@parley/observability';
import { Gauge } from 'prom-client';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from '../ews-options';
import type { StreamingConnection } from './streaming-connection';

/**
 * This replica's open GetStreamingEvents connections, by the mailboxes they watch: the replica's
 * feed of journaled events offers each event to the connections of its mailbox only.
 */
@Injectable()
export class StreamingHub implements OnApplicationShutdown {
  private readonly logger = new Logger('EwsStreaming');
  private readonly byMailbox = new Map<string, Set<StreamingConnection>>();
  private readonly perUser = new Map<string, number>();

  constructor(
    @Inject(EWS_ENDPOINT_OPTIONS) private readonly options: Pick<EwsEndpointOptions, 'notifications'>,
    metrics: Metrics,
  ) {
    const open = () => [...this.perUser.values()].reduce((a, b) => a + b, 0);
    new Gauge({
      name: 'parley_ews_streaming_connections',
      help: 'Open GetStreamingEvents connections on this gateway replica',
      registers: [metrics.registry],
      collect() {
        this.set(open());
      },
    });
  }

  /** False when `user` already holds the most connections allowed on this replica. */
  admit(user: string): boolean {
    return (this.perUser.get(user) ?? 0) < this.options.notifications.maxStreamingConnectionsPerUser;
  }

  add(user: string, connection: StreamingConnection): void {
    this.perUser.set(user, (this.perUser.get(user) ?? 0) + 1);
    for (const mailbox of connection.watchedMailboxes) {
      let set = this.byMailbox.get(mailbox);
      if (set === undefined) this.byMailbox.set(mailbox, (set = new Set()));
      set.add(connection);
    }
    connection.onClose(() => {
      const left = (this.perUser.get(user) ?? 1) - 1;
      if (left > 0) this.perUser.set(user, left);
      else this.perUser.delete(user);
      for (const mailbox of connection.watchedMailboxes) {
        const set = this.byMailbox.get(mailbox);
        set?.delete(connection);
        if (set?.size === 0) this.byMailbox.delete(mailbox);
      }
    });
  }

  dispatch(event: JournaledEvent): void {
    const connections = this.byMailbox.get(event.mailbox);
    if (connections === undefined) return;
    for (const connection of connections) connection.offer(event);
  }

  onApplicationShutdown(): void {
    const all = new Set([...this.byMailbox.values()].flatMap((set) => [...set]));
    if (all.size > 0) this.logger.log(`closing ${all.size} streaming connection(s)`);
    for (const connection of all) connection.close('shutdown');
  }
}
