import type { ServiceDatabaseSettings } from '@parley/config';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceDatabase, createServiceDataSource, provideServiceDatabase } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { CalendarItemExceptionEntity } from './calendar-item-exception.entity';
import { CalendarItemEntity } from './calendar-item.entity';
import { CalendarItemRepository } from './calendar-item.repository';
import { CalendarItems1764000000000 } from './calendar-items.migration';
import { CalendarSyncInit1763900200000 } from './calendar-sync-init.migration';
import { DeletedItems1764300000000 } from './deleted-items.migration';
import { MeetingInvitations1764400000000 } from './meeting-invitations.migration';
import { OofSettingsEntity } from './oof-settings.entity';
import { OofSettingsRepository } from './oof-settings.repository';
import { PresenceSourceStateEntity } from './presence-source-state.entity';
import { PresenceTimerEntity } from './presence-timer.entity';
import { PresenceTimerRepository } from './presence-timer.repository';
import { PresenceTimers1764500000000 } from './presence-timers.migration';
import { TaskEntity } from './task.entity';
import { TaskRepository } from './task.repository';
import { Tasks1764100000000 } from './tasks.migration';
import { WorkingHoursEntity } from './working-hours.entity';
import { WorkingHoursRepository } from './working-hours.repository';
import { WorkingHours1764200000000 } from './working-hours.migration';

export const calendarSyncSchema = {
  schema: 'calendar_sync',
  entities: [
    OofSettingsEntity,
    CalendarItemEntity,
    CalendarItemExceptionEntity,
    TaskEntity,
    WorkingHoursEntity,
    PresenceTimerEntity,
    PresenceSourceStateEntity,
  ],
  migrations: [
    CalendarSyncInit1763900200000,
    CalendarItems1764000000000,
    Tasks1764100000000,
    WorkingHours1764200000000,
    DeletedItems1764300000000,
    MeetingInvitations1764400000000,
    PresenceTimers1764500000000,
  ],
};

/** calendar-sync's database (schema calendar_sync); a class of its own so it is its own DI token. */
export class CalendarSyncDatabase extends ServiceDatabase {}

/** For the migrate command: a DataSource with exactly what `CalendarSyncDatabase` opens. */
export function createCalendarSyncDataSource(url: string): DataSource {
  return createServiceDataSource({ service: 'calendar-sync', url, poolSize: 2, ...calendarSyncSchema });
}

@Global()
@Module({})
export class CalendarSyncDataAccessModule {
  static forRoot(config: ServiceDatabaseSettings): DynamicModule {
    return {
      module: CalendarSyncDataAccessModule,
      providers: [
        provideServiceDatabase(CalendarSyncDatabase, { service: 'calendar-sync', ...config, ...calendarSyncSchema }),
        {
          provide: OofSettingsRepository,
          useFactory: (db: CalendarSyncDatabase) => new OofSettingsRepository(db.dataSource),
          inject: [CalendarSyncDatabase],
        },
        {
          provide: CalendarItemRepository,
          useFactory: (db: CalendarSyncDatabase) => new CalendarItemRepository(db.dataSource),
          inject: [CalendarSyncDatabase],
        },
        {
          provide: TaskRepository,
          useFactory: (db: CalendarSyncDatabase) => new TaskRepository(db.dataSource),
          inject: [CalendarSyncDatabase],
        },
        {
          provide: WorkingHoursRepository,
          useFactory: (db: CalendarSyncDatabase) => new WorkingHoursRepository(db.dataSource),
          inject: [CalendarSyncDatabase],
        },
        {
          provide: PresenceTimerRepository,
          useFactory: (db: CalendarSyncDatabase) => new PresenceTimerRepository(db.dataSource),
          inject: [CalendarSyncDatabase],
        },
      ],
      exports: [
        CalendarSyncDatabase,
        OofSettingsRepository,
        CalendarItemRepository,
        TaskRepository,
        WorkingHoursRepository,
        PresenceTimerRepository,
      ],
    };
  }
}
