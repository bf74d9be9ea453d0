export * from './lib/message';
