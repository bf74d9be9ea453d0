export * from './lib/correlation';
export * from './lib/root-logger';
export * from './lib/logging.module';
export * from './lib/nest-logger';
