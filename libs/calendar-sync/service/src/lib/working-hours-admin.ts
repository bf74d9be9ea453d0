import { calendarSyncSchema, CalendarSyncDatabase, WorkingHoursRepository } from '@parley/calendar-sync/data-access';
import { MailboxDirectory, WorkingHoursService } from '@parley/calendar-sync/feature-calendar';
import type { OutboxPublisher } from '@parley/persistence';

/** The CLI never starts the relay: its outbox rows are published by calendar-sync's own relay. */
const NO_PUBLISHER: OutboxPublisher = {
  publish: async () => {
    throw new Error('the admin CLI leaves publishing to calendar-sync');
  },
};

/**
 * calendar-sync's working-hours commands for the admin CLI, outside the service process: the
 * service's own code (rules, validation, one application per command id) on its own schema, as
 * `migrate` runs each service's own migrations. The change event goes into calendar-sync's outbox
 * in the same transaction; the running service's relay publishes it within its poll interval
 * (PARLEY_OUTBOX_POLL_MS), or once it starts. A default view's zone is not calendar-sync's
 * configured one here (UTC stands in): only the running service knows that, so report a default
 * view as "the default" without its zone.
 */
export async function withWorkingHoursAdmin<T>(
  url: string,
  directory: MailboxDirectory,
  work: (workingHours: WorkingHoursService) => Promise<T>,
): Promise<T> {
  // Its relay never starts here (the running service's publishes the rows): poll and batch are placeholders.
  const db = new CalendarSyncDatabase(
    { service: 'admin', url, poolSize: 2, migrate: false, outboxPollMs: 60_000, outboxBatchSize: 1, ...calendarSyncSchema },
    NO_PUBLISHER,
  );
  // Failures are reported as one line by the CLI; TypeORM's query-error log would repeat them at length.
  db.dataSource.setOptions({ logging: [] });
  await db.dataSource.initialize();
  try {
    return await work(new WorkingHoursService(db, new WorkingHoursRepository(db.dataSource), directory, { timeZone: 'UTC' }));
  } finally {
    await db.dataSource.destroy();
  }
}
