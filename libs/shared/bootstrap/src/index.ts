export * from './lib/parley-app';
export * from './lib/run-service';
export * from './lib/run-embedded';
