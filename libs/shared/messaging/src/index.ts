export * from './lib/in-process-broker';
export * from './lib/in-process.server';
export * from './lib/in-process.adapters';
export * from './lib/command-bus';
export * from './lib/kafka.adapters';
export * from './lib/topic-admin';
export * from './lib/envelope-consumer';
export * from './lib/messaging.module';
