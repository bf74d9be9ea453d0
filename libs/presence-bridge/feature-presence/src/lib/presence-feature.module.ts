import { DynamicModule, Module } from '@nestjs/common';
import { EndpointRegistry } from './endpoint-registry';
import { ImConversationTracker } from './im-conversation.tracker';
import { InstantMessageRouter } from './instant-message.router';
import { PresenceConsumer } from './presence.consumer';
import { PresenceCoreOptions } from './presence-core.options';
import { PresenceFanout } from './presence-fanout';
import { PresenceFeedConsumer } from './presence-feed.consumer';
import { InstantMessaging, PresenceEndpoints, PresenceReader, PresenceWatchers } from './presence-ports';
import { PresenceReevaluationPoller } from './presence-reevaluation.poller';
import { PresenceSettingsService } from './presence-settings.service';
import { PresenceSnapshotReader } from './presence-snapshot.reader';
import { PresenceSourcesService } from './presence-sources.service';
import { PresenceViewPublisher } from './presence-view.publisher';

/**
 * presence-bridge's core: the sources (calendar-sync's events, the users' own settings, connected
 * endpoints) into the engine, the re-evaluation poller, and the ports its fronts use, implemented
 * across replicas. Global, so a front's module injects the ports without importing this one.
 */
@Module({})
export class PresenceFeatureModule {
  static forRoot(options: PresenceCoreOptions): DynamicModule {
    return {
      module: PresenceFeatureModule,
      global: true,
      controllers: [PresenceConsumer, PresenceFeedConsumer],
      providers: [
        { provide: PresenceCoreOptions, useValue: options },
        PresenceViewPublisher,
        PresenceSourcesService,
        PresenceSettingsService,
        PresenceReevaluationPoller,
        PresenceFanout,
        PresenceSnapshotReader,
        EndpointRegistry,
        InstantMessageRouter,
        ImConversationTracker,
        { provide: PresenceReader, useExisting: PresenceSnapshotReader },
        { provide: PresenceWatchers, useExisting: PresenceFanout },
        { provide: PresenceEndpoints, useExisting: EndpointRegistry },
        { provide: InstantMessaging, useExisting: InstantMessageRouter },
      ],
      exports: [
        PresenceCoreOptions,
        PresenceSourcesService,
        PresenceSettingsService,
        PresenceViewPublisher,
        PresenceReevaluationPoller,
        PresenceFanout,
        EndpointRegistry,
        InstantMessageRouter,
        ImConversationTracker,
        PresenceReader,
        PresenceWatchers,
        PresenceEndpoints,
        InstantMessaging,
      ],
    };
  }
}
