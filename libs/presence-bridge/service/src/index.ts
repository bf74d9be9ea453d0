export * from './lib/presence-bridge.module';
