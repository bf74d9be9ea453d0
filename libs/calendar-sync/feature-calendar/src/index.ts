export * from './lib/calendar-item-id';
export * from './lib/calendar.exception';
export * from './lib/calendar.service';
export * from './lib/calendar.consumer';
export * from './lib/calendar-feature.module';
export * from './lib/free-busy';
export * from './lib/mailbox-directory';
