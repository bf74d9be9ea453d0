// The Graph-compatible presence REST API (docs/graph-api.md).
export { GraphFeatureModule } from './lib/graph-feature.module';
export type { GraphApiOptions } from './lib/graph-api.options';
export { graphApiSchemas, graphSchemaNames, type GraphApiLimits, type GraphPresence } from './lib/graph-api.schemas';
export { graphOpenApiDocument, GRAPH_API_ROOT } from './lib/graph-openapi';
export { GraphErrorCode } from './lib/graph-error';
export { parseIsoDuration } from './lib/iso-duration';
