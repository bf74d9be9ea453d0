import {
  BlockListRepository,
  ContactListRepository,
  createPresenceBridgeDataSource,
  PresenceBridgeDatabase,
  presenceBridgeSchema,
  PresenceSettingRepository,
} from '@parley/presence-bridge/data-access';
import { migrateServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import type { DataSource } from 'typeorm';
import { PresenceSettingsService } from '../src/lib/presence-settings.service';

/** For integration specs: presence-bridge's settings service on a fresh test database migrated by the service's own migrations. */
export interface PresenceSettingsTestBed {
  readonly db: PresenceBridgeDatabase;
  /** The connection that ran the migrations (for specs that revert and re-apply one). */
  readonly migrations: DataSource;
  readonly settings: PresenceSettingsService;
  /** Empties every per-user table (between tests). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startPresenceSettingsTestBed(databasePrefix: string): Promise<PresenceSettingsTestBed> {
  const database = await createTestDatabase(databasePrefix);
  const migrations = createPresenceBridgeDataSource(database.url);
  await migrations.initialize();
  await migrateServiceSchema(migrations);
  const db = new PresenceBridgeDatabase(
    {
      service: 'presence-bridge',
      url: database.url,
      poolSize: 4,
      migrate: false,
      outboxPollMs: 60_000,
      outboxBatchSize: 100,
      ...presenceBridgeSchema,
    },
    { publish: async () => undefined },
  );
  await db.dataSource.initialize();
  return {
    db,
    migrations,
    settings: new PresenceSettingsService(
      db,
      new ContactListRepository(db.dataSource),
      new BlockListRepository(db.dataSource),
      new PresenceSettingRepository(db.dataSource),
    ),
    async reset() {
      await db.dataSource.query(
        'TRUNCATE presence_bridge.contact, presence_bridge.contact_group, presence_bridge.blocked_watcher, presence_bridge.presence_setting',
      );
    },
    async close() {
      await db.dataSource.destroy();
      await migrations.destroy();
      await database.drop();
    },
  };
}
