import { ConfigError, type GraphApiConfig, parleyVersion, type PresenceSocketConfig, type ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import type { ServiceDatabaseSettings } from '@parley/config';
import { createPresenceBridgeDataSource, PresenceBridgeDataAccessModule } from '@parley/presence-bridge/data-access';
import { PresenceCoreOptions, PresenceFeatureModule } from '@parley/presence-bridge/feature-presence';
import { GraphFeatureModule } from '@parley/presence-bridge/feature-graph';
import { SipFrontModule, type SipFrontOptions, sipFrontOptionsFrom } from '@parley/presence-bridge/feature-sip';
import { PresenceWebSocketModule } from '@parley/presence-bridge/feature-websocket';
import { presencePolicy } from '@parley/presence-bridge/presence-engine';

/** presence-bridge: aggregated presence fed by calendar-sync's events, the users' clients and settings, shared across replicas. */
@Module({})
export class PresenceBridgeModule {
  static forRoot(
    database: ServiceDatabaseSettings,
    core: PresenceCoreOptions,
    fronts: { socket: PresenceSocketConfig; graph: GraphApiConfig; sip: SipFrontOptions; bodyTimeoutMs: number },
  ): DynamicModule {
    const { maxBatchIds, maxPreferredPresenceMs, maxBodyBytes } = fronts.graph;
    return {
      module: PresenceBridgeModule,
      imports: [
        PresenceBridgeDataAccessModule.forRoot(database),
        PresenceFeatureModule.forRoot(core),
        // The fronts use the core's ports, which PresenceFeatureModule provides globally.
        PresenceWebSocketModule.forRoot({ ...fronts.socket, serverVersion: parleyVersion }),
        GraphFeatureModule.forRoot({ limits: { maxBatchIds, maxPreferredPresenceMs }, maxBodyBytes, bodyTimeoutMs: fronts.bodyTimeoutMs }),
        // SIP over TCP on its own port, SIP over WebSocket on /sip of the HTTP server (docs/sip.md).
        SipFrontModule.forRoot(fronts.sip),
      ],
    };
  }

  static readonly createDataSource = createPresenceBridgeDataSource;
}

/** How to run presence-bridge: alone (its app) or inside the embedded process. */
export const presenceBridgeService: ServiceDefinition = {
  name: 'presence-bridge',
  consumes: true,
  authenticates: true,
  requestTopics: [],
  module: ({ database, config }) => {
    // Set whenever the app runs presence-bridge (its schema part is then parsed).
    if (config.presence === undefined || config.graph === undefined || config.sip === undefined)
      throw new ConfigError(['presence-bridge: the app was configured without its variables']);
    const { idleAfterMs, awayAfterMs, socket, ...rest } = config.presence;
    return PresenceBridgeModule.forRoot(
      database,
      { ...rest, instanceId: config.instanceId, policy: presencePolicy({ idleAfterMs, awayAfterMs }) },
      // The digest nonce key comes from the sign-in's token key, which every replica shares.
      { socket, graph: config.graph, sip: sipFrontOptionsFrom(config.sip, config.auth), bodyTimeoutMs: config.http.bodyTimeoutMs },
    );
  },
  createDataSource: (url) => PresenceBridgeModule.createDataSource(url),
};
