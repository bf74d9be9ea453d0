import { calendarSyncSchema, CalendarSyncDatabase, createCalendarSyncDataSource, TaskRepository } from '@parley/calendar-sync/data-access';
import type { Envelope, TaskChanged } from '@parley/contracts';
import { migrateServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import type { DataSource } from 'typeorm';
import { TaskService } from '../src/lib/task.service';

/**
 * For integration specs: calendar-sync's task service on a fresh test database migrated by the
 * service's own migrations, with an outbox nobody relays (the specs read the events from it).
 */
export interface TasksTestBed {
  readonly db: CalendarSyncDatabase;
  /** The connection that ran the migrations (for specs that revert and re-apply one). */
  readonly migrations: DataSource;
  readonly tasks: TaskService;
  /** The `calendar.task.changed` payloads in the outbox, oldest first. */
  taskEvents(): Promise<TaskChanged[]>;
  /** Empties the tasks and the outbox (between tests). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startTasksTestBed(databasePrefix: string): Promise<TasksTestBed> {
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
  return {
    db,
    migrations,
    tasks: new TaskService(db, new TaskRepository(db.dataSource)),
    async taskEvents() {
      const rows = (await db.dataSource.query(
        `SELECT envelope FROM calendar_sync.outbox_message WHERE topic = 'calendar.task.changed.v1' ORDER BY seq`,
      )) as { envelope: Envelope<TaskChanged> }[];
      return rows.map((r) => r.envelope.payload);
    },
    async reset() {
      await db.dataSource.query('TRUNCATE calendar_sync.task');
      await db.dataSource.query('TRUNCATE calendar_sync.outbox_message');
    },
    async close() {
      await db.dataSource.destroy();
      await migrations.destroy();
      await database.drop();
    },
  };
}
