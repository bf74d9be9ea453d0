export * from './lib/protocol-codes';
export * from './lib/presence-state.schema';
export * from './lib/client-messages';
export * from './lib/server-messages';
export * from './lib/protocol-json-schema';
