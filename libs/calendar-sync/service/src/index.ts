export * from './lib/calendar-sync.module';
