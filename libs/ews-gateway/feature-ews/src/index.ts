// Public API of the EWS SOAP endpoint.
export { EwsFeatureModule } from './lib/ews-feature.module';
export type { EwsEndpointOptions } from './lib/ews-options';
export type { EwsOperationContext, EwsOperationHandler } from './lib/ews-operation';
