import type { FactoryProvider } from '@nestjs/common';
import { Metrics, ReadinessRegistry } from '@parley/observability';
import { OUTBOX_PUBLISHER, OutboxPublisher } from './outbox-relay';
import { ServiceDatabase, ServiceDatabaseOptions } from './service-database';

type DatabaseClass<T extends ServiceDatabase> = new (options: ServiceDatabaseOptions, publisher: OutboxPublisher) => T;

/** Nest provider for a service's database: wired to the bus's publisher, readiness and metrics. */
export function provideServiceDatabase<T extends ServiceDatabase>(
  token: DatabaseClass<T>,
  options: ServiceDatabaseOptions,
): FactoryProvider<T> {
  return {
    provide: token,
    useFactory: (publisher: OutboxPublisher, readiness: ReadinessRegistry, metrics: Metrics) => {
      const db = new token(options, publisher);
      readiness.register(`db:${options.service}`, () => db.ping());
      metrics.watchOutbox(options.service, () => db.relay.pendingCount());
      return db;
    },
    inject: [OUTBOX_PUBLISHER, ReadinessRegistry, Metrics],
  };
}
