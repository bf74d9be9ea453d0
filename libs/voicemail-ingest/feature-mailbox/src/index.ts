export * from './lib/mailbox-ports';
export * from './lib/mailbox-feature.module';
export * from './lib/mailbox.service';
export * from './lib/mailbox-delivery.service';
export * from './lib/mailbox-recipients';
export * from './lib/mailbox-settings';
export * from './lib/mailbox.exception';
export * from './lib/message-view';
