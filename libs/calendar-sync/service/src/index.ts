export * from './lib/calendar-sync.module';
export * from './lib/working-hours-admin';
