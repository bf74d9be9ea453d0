export * from './lib/env';
export * from './lib/env-docs';
export * from './lib/env-key';
export * from './lib/runtime-config';
export * from './lib/service-definition';
export * from './lib/service-env';
export * from './lib/version';
