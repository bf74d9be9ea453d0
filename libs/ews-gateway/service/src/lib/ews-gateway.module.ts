import type { RuntimeConfig, ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@parley/contracts';
import { EwsAuthModule } from '@parley/ews-gateway/auth';
import { AutodiscoverFeatureModule } from '@parley/ews-gateway/feature-autodiscover';
import { EwsFeatureModule } from '@parley/ews-gateway/feature-ews';

/** Command topics the gateway sends to their owners (it owns no data itself). */
export const ewsGatewayRequestTopics = [Topics.oofSetRequest, Topics.oofGetRequest] as const;

/** ews-gateway: stateless EWS and Autodiscover front end; reaches data through the bus. */
@Module({})
export class EwsGatewayModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: EwsGatewayModule,
      imports: [
        EwsAuthModule.forRoot(config.ews),
        EwsFeatureModule.forRoot({ bodyLimitBytes: config.http.bodyLimitBytes, bearerEnabled: config.ews.tokenKey !== undefined }),
        AutodiscoverFeatureModule.forRoot({ publicUrl: config.ews.publicUrl, bodyLimitBytes: config.http.bodyLimitBytes }),
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
