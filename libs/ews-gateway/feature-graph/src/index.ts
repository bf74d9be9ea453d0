// The mailbox part of the Graph-compatible REST API (docs/graph-api.md): mailboxSettings (automatic replies) and the directory search.
export { GraphMailboxFeatureModule } from './lib/graph-mailbox.module';
export type { GraphMailboxOptions } from './lib/graph-mailbox.options';
