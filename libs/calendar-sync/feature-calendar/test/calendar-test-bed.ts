import {
  calendarSyncSchema,
  CalendarItemRepository,
  CalendarSyncDatabase,
  createCalendarSyncDataSource,
  WorkingHoursRepository,
} from '@parley/calendar-sync/data-access';
import type { CalendarItemChanged, Envelope } from '@parley/contracts';
import { migrateServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import type { DataSource } from 'typeorm';
import { CalendarService } from '../src/lib/calendar.service';
import { MailboxDirectory } from '../src/lib/mailbox-directory';
import { MeetingDelivery } from '../src/lib/meeting-delivery';
import { WorkingHoursService } from '../src/lib/working-hours.service';

/** A directory that knows exactly the given mailboxes. */
class FixedDirectory extends MailboxDirectory {
  constructor(private readonly mailboxes: readonly string[]) {
    super();
  }

  async exists(mailbox: string): Promise<boolean> {
    return this.mailboxes.includes(mailbox);
  }
}

/**
 * For integration specs: calendar-sync's calendar wired as its module wires it, on a fresh test
 * database migrated by the service's own migrations, with an outbox nobody relays (the specs read
 * the events from it).
 */
export interface CalendarTestBed {
  readonly db: CalendarSyncDatabase;
  /** The test database's URL (for specs that open a second connection, as another replica would). */
  readonly databaseUrl: string;
  /** The connection that ran the migrations (for specs that revert and re-apply one). */
  readonly migrations: DataSource;
  readonly items: CalendarItemRepository;
  readonly calendar: CalendarService;
  readonly workingHours: WorkingHoursService;
  /** The `calendar.item.changed` payloads in the outbox, oldest first. */
  itemEvents(): Promise<CalendarItemChanged[]>;
  /** Empties calendars, working hours, OOF settings, the presence due-queue and the outbox (between tests). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startCalendarTestBed(databasePrefix: string, mailboxes: readonly string[]): Promise<CalendarTestBed> {
  const database = await createTestDatabase(databasePrefix);
  const migrations = createCalendarSyncDataSource(database.url);
  await migrations.initialize();
  await migrateServiceSchema(migrations);
  const db = new CalendarSyncDatabase(
    {
      service: 'calendar-sync',
      url: database.url,
      poolSize: 4,
      migrate: false,
      outboxPollMs: 60_000,
      outboxBatchSize: 100,
      ...calendarSyncSchema,
    },
    { publish: async () => undefined },
  );
  await db.dataSource.initialize();
  const directory = new FixedDirectory(mailboxes);
  const items = new CalendarItemRepository(db.dataSource);
  const workingHours = new WorkingHoursService(db, new WorkingHoursRepository(db.dataSource), directory, { timeZone: 'UTC' });
  const calendar = new CalendarService(db, items, directory, workingHours, new MeetingDelivery(items, directory));
  return {
    db,
    databaseUrl: database.url,
    migrations,
    items,
    calendar,
    workingHours,
    async itemEvents() {
      const rows = (await db.dataSource.query(
        `SELECT envelope FROM calendar_sync.outbox_message WHERE topic = 'calendar.item.changed.v1' ORDER BY seq`,
      )) as { envelope: Envelope<CalendarItemChanged> }[];
      return rows.map((r) => r.envelope.payload);
    },
    async reset() {
      await db.dataSource.query('TRUNCATE calendar_sync.calendar_item CASCADE');
      await db.dataSource.query('TRUNCATE calendar_sync.working_hours');
      await db.dataSource.query('TRUNCATE calendar_sync.outbox_message');
      await db.dataSource.query('TRUNCATE calendar_sync.oof_settings, calendar_sync.presence_timer, calendar_sync.presence_source_state');
    },
    async close() {
      await db.dataSource.destroy();
      await migrations.destroy();
      await database.drop();
    },
  };
}
