import type { ServiceDatabaseSettings } from '@parley/config';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceDatabase, createServiceDataSource, provideServiceDatabase } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { MailboxEventCounterEntity, MailboxEventEntity } from './mailbox-event.entity';
import { MailboxEventJournal } from './mailbox-event.journal';
import { NotificationSubscriptionEntity } from './notification-subscription.entity';
import { NotificationSubscriptionRepository } from './notification-subscription.repository';
import { EwsNotifications1766000000000 } from './notifications.migration';
import { EwsPushLease1766100000000 } from './push-lease.migration';

/** ews-gateway's schema: EWS notification state (event journal, subscriptions), shared by its replicas. */
export const ewsGatewaySchema = {
  schema: 'ews_gateway',
  entities: [MailboxEventEntity, MailboxEventCounterEntity, NotificationSubscriptionEntity],
  migrations: [EwsNotifications1766000000000, EwsPushLease1766100000000],
};

export class EwsGatewayDatabase extends ServiceDatabase {}

export function createEwsGatewayDataSource(url: string): DataSource {
  return createServiceDataSource({ service: 'ews-gateway', url, poolSize: 2, ...ewsGatewaySchema });
}

@Global()
@Module({})
export class EwsGatewayDataAccessModule {
  static forRoot(config: ServiceDatabaseSettings): DynamicModule {
    return {
      module: EwsGatewayDataAccessModule,
      providers: [
        provideServiceDatabase(EwsGatewayDatabase, { service: 'ews-gateway', ...config, ...ewsGatewaySchema }),
        {
          provide: MailboxEventJournal,
          useFactory: (db: EwsGatewayDatabase) => new MailboxEventJournal(db.dataSource),
          inject: [EwsGatewayDatabase],
        },
        {
          provide: NotificationSubscriptionRepository,
          useFactory: (db: EwsGatewayDatabase) => new NotificationSubscriptionRepository(db.dataSource),
          inject: [EwsGatewayDatabase],
        },
      ],
      exports: [EwsGatewayDatabase, MailboxEventJournal, NotificationSubscriptionRepository],
    };
  }
}
