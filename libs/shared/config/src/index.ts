export * from './lib/env';
export * from './lib/runtime-config';
export * from './lib/service-definition';
export * from './lib/version';
