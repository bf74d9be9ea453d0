import type { RuntimeConfig, ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@parley/contracts';

/** Command topics the gateway sends to their owners (it owns no data itself). */
export const ewsGatewayRequestTopics = [Topics.oofSetRequest, Topics.oofGetRequest] as const;

/** ews-gateway: stateless EWS and Autodiscover front end; reaches data through the bus. */
@Module({})
export class EwsGatewayModule {
  static forRoot(_config: RuntimeConfig): DynamicModule {
    return { module: EwsGatewayModule };
  }
}

export const ewsGatewayService: ServiceDefinition = {
  name: 'ews-gateway',
  defaultHttpPort: 8081,
  consumes: false,
  requestTopics: ewsGatewayRequestTopics,
  module: ({ config }) => EwsGatewayModule.forRoot(config),
};
