import { ConfigError, type RuntimeConfig, type ServiceDatabaseSettings, type ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import { requestTopicsSentBy } from '@parley/contracts';
import { createEwsGatewayDataSource, EwsGatewayDataAccessModule } from '@parley/ews-gateway/data-access';
import { AutodiscoverFeatureModule } from '@parley/ews-gateway/feature-autodiscover';
import { EwsFeatureModule, MailboxClientsModule } from '@parley/ews-gateway/feature-ews';
import { GraphMailboxFeatureModule } from '@parley/ews-gateway/feature-graph';
import { WebFeatureModule } from '@parley/ews-gateway/feature-web';

/** The commands the gateway sends to the owning services (their routes in contracts' topic-routes.ts). */
export const ewsGatewayRequestTopics = requestTopicsSentBy('ews-gateway');

/**
 * ews-gateway: EWS, Autodiscover and Graph mailbox front end, and the web client's sign-in and static files;
 * reaches the owners' data through the bus (sign-in: the process's `AuthModule`). Its own schema holds
 * only EWS notification state (the mailbox event journal and subscriptions), shared by its replicas.
 */
@Module({})
export class EwsGatewayModule {
  static forRoot(database: ServiceDatabaseSettings, config: RuntimeConfig): DynamicModule {
    const { ews, auth } = config;
    // Set whenever the app runs ews-gateway (its schema parts are then parsed, and toRuntimeConfig requires the secret).
    if (ews === undefined || auth === undefined) throw new ConfigError(['ews-gateway: the app was configured without its variables']);
    const idSecret = ews.idSecret;
    if (idSecret === undefined) throw new ConfigError(['PARLEY_ID_SECRET: required for ews-gateway']);
    return {
      module: EwsGatewayModule,
      imports: [
        EwsGatewayDataAccessModule.forRoot(database),
        // The calendar and message clients (and the free/busy cache) every front of the gateway shares.
        MailboxClientsModule.forRoot({ freeBusyCacheTtlMs: ews.freeBusyCacheTtlMs }),
        EwsFeatureModule.forRoot({
          bodyLimitBytes: config.http.bodyLimitBytes,
          bodyTimeoutMs: config.http.bodyTimeoutMs,
          xmlLimits: ews.xmlLimits,
          batchLimits: { maxItems: ews.maxBatchItems, maxMailboxes: ews.maxAvailabilityMailboxes },
          bearerEnabled: auth.tokenKey !== undefined,
          idSecret,
          notifications: ews.notifications,
        }),
        AutodiscoverFeatureModule.forRoot({
          publicUrl: ews.publicUrl,
          bodyLimitBytes: config.http.bodyLimitBytes,
          bodyTimeoutMs: config.http.bodyTimeoutMs,
          xmlLimits: ews.xmlLimits,
        }),
        // The mailbox part of the Graph-compatible API (docs/graph-api.md); OOF through the same OofModule as EWS.
        GraphMailboxFeatureModule.forRoot({ maxBodyBytes: config.http.bodyLimitBytes, bodyTimeoutMs: config.http.bodyTimeoutMs }),
        WebFeatureModule.forRoot({ webRoot: ews.webRoot, bodyTimeoutMs: config.http.bodyTimeoutMs }),
      ],
    };
  }
}

export const ewsGatewayService: ServiceDefinition = {
  name: 'ews-gateway',
  // The owners' item changes, into the notification journal (notifications/mailbox-event.consumer.ts).
  consumes: true,
  authenticates: true,
  requestTopics: ewsGatewayRequestTopics,
  module: ({ database, config }) => EwsGatewayModule.forRoot(database, config),
  createDataSource: createEwsGatewayDataSource,
};
