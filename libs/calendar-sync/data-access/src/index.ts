export * from './lib/oof-settings.entity';
export * from './lib/oof-settings.repository';
export * from './lib/calendar-sync-init.migration';
export * from './lib/calendar-sync.database';
