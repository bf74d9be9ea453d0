import { ConfigError, type RuntimeConfig, type ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import { requestTopicsSentBy } from '@parley/contracts';
import { AutodiscoverFeatureModule } from '@parley/ews-gateway/feature-autodiscover';
import { EwsFeatureModule, MailboxClientsModule } from '@parley/ews-gateway/feature-ews';
import { GraphMailboxFeatureModule } from '@parley/ews-gateway/feature-graph';
import { WebFeatureModule } from '@parley/ews-gateway/feature-web';

/** The commands the gateway sends to the owning services (their routes in contracts' topic-routes.ts). */
export const ewsGatewayRequestTopics = requestTopicsSentBy('ews-gateway');

/**
 * ews-gateway: stateless EWS, Autodiscover and Graph mailbox front end, and the web client's sign-in and static files;
 * reaches data through the bus (sign-in: the process's `AuthModule`).
 */
@Module({})
export class EwsGatewayModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    const { ews, auth } = config;
    // Set whenever the app runs ews-gateway (its schema parts are then parsed, and toRuntimeConfig requires the secret).
    if (ews === undefined || auth === undefined) throw new ConfigError(['ews-gateway: the app was configured without its variables']);
    const idSecret = ews.idSecret;
    if (idSecret === undefined) throw new ConfigError(['PARLEY_ID_SECRET: required for ews-gateway']);
    return {
      module: EwsGatewayModule,
      imports: [
        // The calendar and message clients (and the free/busy cache) every front of the gateway shares.
        MailboxClientsModule.forRoot({ freeBusyCacheTtlMs: ews.freeBusyCacheTtlMs }),
        EwsFeatureModule.forRoot({
          bodyLimitBytes: config.http.bodyLimitBytes,
          bodyTimeoutMs: config.http.bodyTimeoutMs,
          xmlLimits: ews.xmlLimits,
          batchLimits: { maxItems: ews.maxBatchItems, maxMailboxes: ews.maxAvailabilityMailboxes },
          bearerEnabled: auth.tokenKey !== undefined,
          idSecret,
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
  consumes: false,
  authenticates: true,
  requestTopics: ewsGatewayRequestTopics,
  module: ({ config }) => EwsGatewayModule.forRoot(config),
};
