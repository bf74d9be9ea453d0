import { DynamicModule, Module } from '@nestjs/common';
import { DirectoryRepository } from '@parley/directory';
import { CalendarConsumer } from './calendar.consumer';
import { CalendarService } from './calendar.service';
import { FolderCountsConsumer } from './folder-counts.consumer';
import { FolderCountsService } from './folder-counts.service';
import { ImipReplyConsumer } from './imip-reply.consumer';
import { ImipReplyService } from './imip-reply.service';
import { cachedMailboxDirectory, MailboxDirectory } from './mailbox-directory';
import { MeetingDelivery } from './meeting-delivery';
import { MeetingResponseConsumer } from './meeting-response.consumer';
import { MeetingResponseService } from './meeting-response.service';
import { PresenceTimerPoller, PresenceTimerSettings } from './presence-timer.poller';
import { PresenceTimerService } from './presence-timer.service';
import { WorkingHoursDefaults, WorkingHoursService } from './working-hours.service';

export interface CalendarFeatureOptions {
  /** Windows id of the zone of the default working hours (PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE). */
  defaultWorkingHoursTimeZone: string;
  /** Longest sleep of the presence due-queue's poller (PARLEY_CALENDAR_TIMER_POLL_MAX_MS). */
  presenceTimerPollMaxMs: number;
  /** Most due rows fired per transaction (PARLEY_CALENDAR_TIMER_BATCH_SIZE). */
  presenceTimerBatchSize: number;
}

@Module({})
export class CalendarFeatureModule {
  static forRoot(options: CalendarFeatureOptions): DynamicModule {
    const defaults: WorkingHoursDefaults = { timeZone: options.defaultWorkingHoursTimeZone };
    return {
      module: CalendarFeatureModule,
      controllers: [CalendarConsumer, MeetingResponseConsumer, FolderCountsConsumer, ImipReplyConsumer],
      providers: [
        CalendarService,
        MeetingDelivery,
        MeetingResponseService,
        ImipReplyService,
        WorkingHoursService,
        FolderCountsService,
        PresenceTimerService,
        PresenceTimerPoller,
        { provide: WorkingHoursDefaults, useValue: defaults },
        {
          provide: PresenceTimerSettings,
          useValue: {
            pollMaxMs: options.presenceTimerPollMaxMs,
            batchSize: options.presenceTimerBatchSize,
          } satisfies PresenceTimerSettings,
        },
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
