export * from './lib/mailbox-ports';
