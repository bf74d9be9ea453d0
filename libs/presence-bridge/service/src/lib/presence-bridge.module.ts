import type { ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import type { ServiceDatabaseSettings } from '@parley/config';
import { createPresenceBridgeDataSource, PresenceBridgeDataAccessModule } from '@parley/presence-bridge/data-access';
import { PresenceFeatureModule } from '@parley/presence-bridge/feature-presence';

/** presence-bridge: aggregated presence fed by calendar-sync's events. */
@Module({})
export class PresenceBridgeModule {
  static forRoot(database: ServiceDatabaseSettings): DynamicModule {
    return { module: PresenceBridgeModule, imports: [PresenceBridgeDataAccessModule.forRoot(database), PresenceFeatureModule] };
  }

  static readonly createDataSource = createPresenceBridgeDataSource;
}

/** How to run presence-bridge: alone (its app) or inside the embedded process. */
export const presenceBridgeService: ServiceDefinition = {
  name: 'presence-bridge',
  consumes: true,
  authenticates: true,
  requestTopics: [],
  module: ({ database }) => PresenceBridgeModule.forRoot(database),
  createDataSource: (url) => PresenceBridgeModule.createDataSource(url),
};
