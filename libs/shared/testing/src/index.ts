export * from './lib/test-database';
export * from './lib/test-kafka';
export * from './lib/wait-for';
export * from './lib/service-process';
export * from './lib/dedicated-kafka-broker';
export * from './lib/exit-reaper';
export * from './lib/graph-client';
export * from './lib/debian-packages';
