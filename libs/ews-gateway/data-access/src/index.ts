export * from './lib/ews-gateway.database';
export * from './lib/mailbox-event.entity';
export * from './lib/mailbox-event.journal';
export * from './lib/notification-subscription.entity';
export * from './lib/notification-subscription.repository';
export * from './lib/notifications.migration';
export * from './lib/push-lease.migration';
