import {
  BlockListRepository,
  ContactListRepository,
  createPresenceBridgeDataSource,
  PresenceBridgeDatabase,
  presenceBridgeSchema,
  PresenceSettingRepository,
  UserPresenceRepository,
} from '@parley/presence-bridge/data-access';
import { Envelope, PresenceChanged, Topics } from '@parley/contracts';
import { migrateServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import type { DataSource } from 'typeorm';
import { PresenceSettingsService } from '../src/lib/presence-settings.service';
import { PresenceService } from '../src/lib/presence.service';

/**
 * For integration specs: presence-bridge's settings and presence services on a fresh test database
 * migrated by the service's own migrations, with an outbox nobody relays (the specs read it).
 */
export interface PresenceSettingsTestBed {
  readonly db: PresenceBridgeDatabase;
  /** The connection that ran the migrations (for specs that revert and re-apply one). */
  readonly migrations: DataSource;
  readonly settings: PresenceSettingsService;
  readonly presence: PresenceService;
  /** The `presence.presence.changed` payloads in the outbox, oldest first. */
  presenceEvents(): Promise<PresenceChanged[]>;
  /** Empties every per-user table and the outbox (between tests). */
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
  const settings = new PresenceSettingsService(
    db,
    new ContactListRepository(db.dataSource),
    new BlockListRepository(db.dataSource),
    new PresenceSettingRepository(db.dataSource),
  );
  return {
    db,
    migrations,
    settings,
    presence: new PresenceService(db, new UserPresenceRepository(db.dataSource), settings),
    async presenceEvents() {
      const rows = (await db.dataSource.query(`SELECT envelope FROM presence_bridge.outbox_message WHERE topic = $1 ORDER BY seq`, [
        Topics.presenceChanged,
      ])) as { envelope: Envelope<PresenceChanged> }[];
      return rows.map((r) => r.envelope.payload);
    },
    async reset() {
      await db.dataSource.query(
        'TRUNCATE presence_bridge.contact, presence_bridge.contact_group, presence_bridge.blocked_watcher, presence_bridge.presence_setting, presence_bridge.user_presence, presence_bridge.outbox_message, presence_bridge.processed_message',
      );
    },
    async close() {
      await db.dataSource.destroy();
      await migrations.destroy();
      await database.drop();
    },
  };
}
