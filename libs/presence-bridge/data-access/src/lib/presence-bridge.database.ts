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
import { PresenceAcrossReplicas1764800000000 } from './presence-across-replicas.migration';
import { PresenceBlockSequence1764900000000 } from './presence-block-sequence.migration';
import { PresenceMessageWaiting1765000000000 } from './presence-message-waiting.migration';
import { PresenceSourceEntity } from './presence-source.entity';
import { PresenceSourceRepository } from './presence-source.repository';
import { EndpointEntity } from './endpoint.entity';
import { EndpointRepository } from './endpoint.repository';
import { ReplicaLeaseEntity } from './replica-lease.entity';
import { ReplicaLeaseRepository } from './replica-lease.repository';
import { ImConversationEntity } from './im-conversation.entity';
import { ImConversationMessageEntity } from './im-conversation-message.entity';
import { ImConversationRepository } from './im-conversation.repository';
import { PresenceImConversation1765100000000 } from './presence-im-conversation.migration';

export const presenceBridgeSchema = {
  schema: 'presence_bridge',
  entities: [
    UserPresenceEntity,
    ContactGroupEntity,
    ContactEntity,
    BlockedWatcherEntity,
    PresenceSettingEntity,
    PresenceSourceEntity,
    EndpointEntity,
    ReplicaLeaseEntity,
    ImConversationEntity,
    ImConversationMessageEntity,
  ],
  migrations: [
    PresenceBridgeInit1763900300000,
    PresencePersonalData1764720000000,
    PresenceAcrossReplicas1764800000000,
    PresenceBlockSequence1764900000000,
    PresenceMessageWaiting1765000000000,
    PresenceImConversation1765100000000,
  ],
};

/** presence-bridge's database (schema presence_bridge). */
export class PresenceBridgeDatabase extends ServiceDatabase {}

export function createPresenceBridgeDataSource(url: string): DataSource {
  return createServiceDataSource({ service: 'presence-bridge', url, poolSize: 2, ...presenceBridgeSchema });
}

const repositories = [
  UserPresenceRepository,
  ContactListRepository,
  BlockListRepository,
  PresenceSettingRepository,
  EndpointRepository,
  ReplicaLeaseRepository,
  ImConversationRepository,
] as const;

@Global()
@Module({})
export class PresenceBridgeDataAccessModule {
  static forRoot(config: ServiceDatabaseSettings): DynamicModule {
    return {
      module: PresenceBridgeDataAccessModule,
      providers: [
        provideServiceDatabase(PresenceBridgeDatabase, { service: 'presence-bridge', ...config, ...presenceBridgeSchema }),
        ...repositories.map((repository) => ({
          provide: repository,
          useFactory: (db: PresenceBridgeDatabase) => new repository(db.dataSource),
          inject: [PresenceBridgeDatabase],
        })),
        { provide: PresenceSourceRepository, useFactory: () => new PresenceSourceRepository() },
      ],
      exports: [PresenceBridgeDatabase, PresenceSourceRepository, ...repositories],
    };
  }
}
