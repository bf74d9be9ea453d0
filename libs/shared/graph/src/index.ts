// The Graph-compatible REST API's contract (one route table, the zod schemas of both parts, the
// OpenAPI document) and the HTTP plumbing its fronts share (docs/graph-api.md).
export * from './lib/graph-error';
export * from './lib/graph-http';
export * from './lib/graph-request';
export * from './lib/graph-routes';
export * from './lib/graph-openapi';
export * from './lib/common.schemas';
export * from './lib/presence.schemas';
export * from './lib/mailbox.schemas';
export * from './lib/mail-calendar.schemas';
export * from './lib/date-time-time-zone';
export { parseIsoDuration } from './lib/iso-duration';
