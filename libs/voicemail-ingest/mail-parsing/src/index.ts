export * from './lib/inbound-mail';
export * from './lib/parse-inbound-mail';
