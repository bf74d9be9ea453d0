export * from './lib/oof-settings.entity';
export * from './lib/oof-settings.repository';
export * from './lib/calendar-item.entity';
export * from './lib/calendar-item-exception.entity';
export * from './lib/calendar-item.repository';
export * from './lib/calendar-sync-init.migration';
export * from './lib/calendar-items.migration';
export * from './lib/calendar-sync.database';
