// Public API of the Autodiscover endpoints.
export { AutodiscoverFeatureModule } from './lib/autodiscover-feature.module';
export type { AutodiscoverOptions } from './lib/autodiscover.service';
