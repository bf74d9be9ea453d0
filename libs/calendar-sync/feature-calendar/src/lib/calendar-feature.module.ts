import { Module } from '@nestjs/common';
import { DirectoryRepository } from '@parley/directory';
import { CalendarConsumer } from './calendar.consumer';
import { CalendarService } from './calendar.service';
import { MailboxDirectory } from './mailbox-directory';

@Module({
  controllers: [CalendarConsumer],
  providers: [
    CalendarService,
    {
      provide: MailboxDirectory,
      useFactory: (directory: DirectoryRepository): MailboxDirectory => ({ exists: async (mailbox) => (await directory.findByAddress(mailbox)) !== null }),
      inject: [DirectoryRepository],
    },
  ],
  exports: [CalendarService],
})
export class CalendarFeatureModule {}
