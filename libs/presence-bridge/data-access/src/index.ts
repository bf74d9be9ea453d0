export * from './lib/user-presence.entity';
export * from './lib/user-presence.repository';
export * from './lib/presence-bridge-init.migration';
export * from './lib/presence-bridge.database';
