import { DynamicModule, Module } from '@nestjs/common';
import { DirectoryRepository } from '@parley/directory';
import { CalendarConsumer } from './calendar.consumer';
import { CalendarService } from './calendar.service';
import { FolderCountsConsumer } from './folder-counts.consumer';
import { FolderCountsService } from './folder-counts.service';
import { cachedMailboxDirectory, MailboxDirectory } from './mailbox-directory';
import { MeetingDelivery } from './meeting-delivery';
import { MeetingResponseConsumer } from './meeting-response.consumer';
import { MeetingResponseService } from './meeting-response.service';
import { WorkingHoursDefaults, WorkingHoursService } from './working-hours.service';

export interface CalendarFeatureOptions {
  /** Windows id of the zone of the default working hours (PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE). */
  defaultWorkingHoursTimeZone: string;
}

@Module({})
export class CalendarFeatureModule {
  static forRoot(options: CalendarFeatureOptions): DynamicModule {
    const defaults: WorkingHoursDefaults = { timeZone: options.defaultWorkingHoursTimeZone };
    return {
      module: CalendarFeatureModule,
      controllers: [CalendarConsumer, MeetingResponseConsumer, FolderCountsConsumer],
      providers: [
        CalendarService,
        MeetingDelivery,
        MeetingResponseService,
        WorkingHoursService,
        FolderCountsService,
        { provide: WorkingHoursDefaults, useValue: defaults },
        {
          provide: MailboxDirectory,
          useFactory: (directory: DirectoryRepository): MailboxDirectory =>
            cachedMailboxDirectory(async (mailbox) => (await directory.findByAddress(mailbox)) !== null),
          inject: [DirectoryRepository],
        },
      ],
      exports: [CalendarService, WorkingHoursService],
    };
  }
}
