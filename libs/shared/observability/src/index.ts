export * from './lib/readiness.registry';
export * from './lib/metrics';
export * from './lib/observability.controller';
export * from './lib/observability.module';
export * from './lib/direct-routes';
export * from './lib/upgrade-routes';
export * from './lib/metrics.listener';
export * from './lib/lingering-close';
