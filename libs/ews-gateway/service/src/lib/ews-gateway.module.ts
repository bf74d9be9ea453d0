import { ConfigError, type RuntimeConfig, type ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@parley/contracts';
import { AutodiscoverFeatureModule } from '@parley/ews-gateway/feature-autodiscover';
import { EwsFeatureModule } from '@parley/ews-gateway/feature-ews';

/** Command topics the gateway sends to their owners (it owns no data itself). */
export const ewsGatewayRequestTopics = [
  Topics.oofSetRequest,
  Topics.oofGetRequest,
  Topics.calendarItemCreateRequest,
  Topics.calendarItemUpdateRequest,
  Topics.calendarItemDeleteRequest,
  Topics.calendarItemRespondRequest,
  Topics.calendarItemGetRequest,
  Topics.calendarItemFindRequest,
  Topics.calendarItemFindDeletedRequest,
  Topics.calendarItemMoveRequest,
  Topics.calendarFreeBusyGetRequest,
  Topics.calendarTaskCreateRequest,
  Topics.calendarTaskUpdateRequest,
  Topics.calendarTaskDeleteRequest,
  Topics.calendarTaskGetRequest,
  Topics.calendarTaskFindRequest,
  Topics.calendarTaskMoveRequest,
  Topics.calendarFolderCountsGetRequest,
] as const;

/** ews-gateway: stateless EWS and Autodiscover front end; reaches data through the bus (sign-in: the process's `AuthModule`). */
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
        EwsFeatureModule.forRoot({
          bodyLimitBytes: config.http.bodyLimitBytes,
          bodyTimeoutMs: config.http.bodyTimeoutMs,
          xmlLimits: ews.xmlLimits,
          batchLimits: { maxItems: ews.maxBatchItems, maxMailboxes: ews.maxAvailabilityMailboxes },
          bearerEnabled: auth.tokenKey !== undefined,
          idSecret,
          freeBusyCacheTtlMs: ews.freeBusyCacheTtlMs,
        }),
        AutodiscoverFeatureModule.forRoot({
          publicUrl: ews.publicUrl,
          bodyLimitBytes: config.http.bodyLimitBytes,
          bodyTimeoutMs: config.http.bodyTimeoutMs,
          xmlLimits: ews.xmlLimits,
        }),
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
