export * from './lib/bodies';
export * from './lib/digest';
