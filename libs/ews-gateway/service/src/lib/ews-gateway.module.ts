import { ConfigError, type RuntimeConfig, type ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@parley/contracts';
import { EwsAuthModule } from '@parley/ews-gateway/auth';
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

/** ews-gateway: stateless EWS and Autodiscover front end; reaches data through the bus. */
@Module({})
export class EwsGatewayModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    const idSecret = config.ews.idSecret;
    // toRuntimeConfig requires it for ews-gateway and the embedded mode always supplies one.
    if (idSecret === undefined) throw new ConfigError(['PARLEY_ID_SECRET: required for ews-gateway']);
    return {
      module: EwsGatewayModule,
      imports: [
        EwsAuthModule.forRoot(config.ews, config.signIn),
        EwsFeatureModule.forRoot({
          bodyLimitBytes: config.http.bodyLimitBytes,
          bodyTimeoutMs: config.http.bodyTimeoutMs,
          xmlLimits: config.ews.xmlLimits,
          batchLimits: { maxItems: config.ews.maxBatchItems, maxMailboxes: config.ews.maxAvailabilityMailboxes },
          bearerEnabled: config.ews.tokenKey !== undefined,
          idSecret,
          freeBusyCacheTtlMs: config.ews.freeBusyCacheTtlMs,
        }),
        AutodiscoverFeatureModule.forRoot({ publicUrl: config.ews.publicUrl, bodyLimitBytes: config.http.bodyLimitBytes, bodyTimeoutMs: config.http.bodyTimeoutMs, xmlLimits: config.ews.xmlLimits }),
      ],
    };
  }
}

export const ewsGatewayService: ServiceDefinition = {
  name: 'ews-gateway',
  defaultHttpPort: 8081,
  consumes: false,
  requestTopics: ewsGatewayRequestTopics,
  module: ({ config }) => EwsGatewayModule.forRoot(config),
};
