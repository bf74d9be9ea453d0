// Public API of the EWS SOAP endpoint, and the gateway's core the other fronts use (role:core): the OOF port.
export { EwsFeatureModule } from './lib/ews-feature.module';
export type { EwsEndpointOptions } from './lib/ews-options';
export type { EwsOperationContext, EwsOperationHandler } from './lib/ews-operation';
export { OofModule } from './lib/oof/oof.module';
export { OofClient } from './lib/oof/oof.client';
