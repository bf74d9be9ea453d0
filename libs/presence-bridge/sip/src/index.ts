export * from './lib/bodies';
