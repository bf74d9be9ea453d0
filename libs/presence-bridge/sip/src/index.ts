export * from './lib/bodies';
export * from './lib/digest';
export * from './lib/message';
