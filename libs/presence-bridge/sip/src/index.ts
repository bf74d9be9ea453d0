export * from './lib/digest';
