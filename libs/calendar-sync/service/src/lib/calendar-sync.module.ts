import { ConfigError, type ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import { CalendarSyncDataAccessModule, createCalendarSyncDataSource } from '@parley/calendar-sync/data-access';
import { CalendarFeatureModule, CalendarFeatureOptions } from '@parley/calendar-sync/feature-calendar';
import { OofFeatureModule } from '@parley/calendar-sync/feature-oof';
import { TasksFeatureModule } from '@parley/calendar-sync/feature-tasks';
import type { ServiceDatabaseSettings } from '@parley/config';

/** calendar-sync: OOF settings, calendars and tasks. Consumes commands, publishes their events. */
@Module({})
export class CalendarSyncModule {
  static forRoot(database: ServiceDatabaseSettings, calendar: CalendarFeatureOptions): DynamicModule {
    return {
      module: CalendarSyncModule,
      imports: [
        CalendarSyncDataAccessModule.forRoot(database),
        OofFeatureModule,
        CalendarFeatureModule.forRoot(calendar),
        TasksFeatureModule,
      ],
    };
  }

  static readonly createDataSource = createCalendarSyncDataSource;
}

/** How to run calendar-sync: alone (its app) or inside the embedded process. */
export const calendarSyncService: ServiceDefinition = {
  name: 'calendar-sync',
  consumes: true,
  authenticates: false,
  requestTopics: [],
  module: ({ database, config }) => {
    // Set whenever the app runs calendar-sync (its schema part is then parsed).
    if (config.calendar === undefined) throw new ConfigError(['calendar-sync: the app was configured without its variables']);
    return CalendarSyncModule.forRoot(database, config.calendar);
  },
  createDataSource: (url) => CalendarSyncModule.createDataSource(url),
};
