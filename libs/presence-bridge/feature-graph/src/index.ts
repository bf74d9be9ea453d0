// The Graph-compatible presence REST API (docs/graph-api.md); its contract and HTTP plumbing are `@parley/graph`'s.
export { GraphFeatureModule } from './lib/graph-feature.module';
export type { GraphApiOptions } from './lib/graph-api.options';
