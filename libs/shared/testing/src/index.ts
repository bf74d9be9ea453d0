export * from './lib/test-database';
export * from './lib/test-kafka';
export * from './lib/wait-for';
