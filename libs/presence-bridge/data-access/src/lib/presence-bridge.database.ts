import type { ServiceDatabaseSettings } from '@parley/config';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceDatabase, createServiceDataSource, provideServiceDatabase } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { PresenceBridgeInit1763900300000 } from './presence-bridge-init.migration';
import { UserPresenceEntity } from './user-presence.entity';
import { UserPresenceRepository } from './user-presence.repository';

export const presenceBridgeSchema = {
  schema: 'presence_bridge',
  entities: [UserPresenceEntity],
  migrations: [PresenceBridgeInit1763900300000],
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
      ],
      exports: [PresenceBridgeDatabase, UserPresenceRepository],
    };
  }
}
