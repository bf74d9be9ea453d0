export * from './lib/presence-core-test-modules';
