export * from './lib/ews-gateway.module';
