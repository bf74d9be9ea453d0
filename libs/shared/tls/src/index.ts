export * from './lib/tls-pair';
