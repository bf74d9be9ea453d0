import type { ServiceDatabaseSettings } from '@parley/config';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceDatabase, createServiceDataSource, provideServiceDatabase } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { BlockListRepository } from './block-list.repository';
import { BlockedWatcherEntity } from './blocked-watcher.entity';
import { ContactGroupEntity } from './contact-group.entity';
import { ContactListRepository } from './contact-list.repository';
import { ContactEntity } from './contact.entity';
import { PresenceBridgeInit1763900300000 } from './presence-bridge-init.migration';
import { PresencePersonalData1764720000000 } from './presence-personal-data.migration';
import { PresenceSettingEntity } from './presence-setting.entity';
import { PresenceSettingRepository } from './presence-setting.repository';
import { UserPresenceEntity } from './user-presence.entity';
import { UserPresenceRepository } from './user-presence.repository';

export const presenceBridgeSchema = {
  schema: 'presence_bridge',
  entities: [UserPresenceEntity, ContactGroupEntity, ContactEntity, BlockedWatcherEntity, PresenceSettingEntity],
  migrations: [PresenceBridgeInit1763900300000, PresencePersonalData1764720000000],
};

/** presence-bridge's database (schema presence_bridge). */
export class PresenceBridgeDatabase extends ServiceDatabase {}

export function createPresenceBridgeDataSource(url: string): DataSource {
  return createServiceDataSource({ service: 'presence-bridge', url, poolSize: 2, ...presenceBridgeSchema });
}

@Global()
@Module({})
export class PresenceBridgeDataAccessModule {
  static forRoot(config: ServiceDatabaseSettings): DynamicModule {
    return {
      module: PresenceBridgeDataAccessModule,
      providers: [
        provideServiceDatabase(PresenceBridgeDatabase, { service: 'presence-bridge', ...config, ...presenceBridgeSchema }),
        {
          provide: UserPresenceRepository,
          useFactory: (db: PresenceBridgeDatabase) => new UserPresenceRepository(db.dataSource),
          inject: [PresenceBridgeDatabase],
        },
        ...[ContactListRepository, BlockListRepository, PresenceSettingRepository].map((repository) => ({
          provide: repository,
          useFactory: (db: PresenceBridgeDatabase) => new repository(db.dataSource),
          inject: [PresenceBridgeDatabase],
        })),
      ],
      exports: [PresenceBridgeDatabase, UserPresenceRepository, ContactListRepository, BlockListRepository, PresenceSettingRepository],
    };
  }
}
