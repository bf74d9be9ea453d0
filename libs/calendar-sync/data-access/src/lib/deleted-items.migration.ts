import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Deleted Items folder for calendar items and tasks: a row moved there by DeleteItem
 * (MoveToDeletedItems) keeps its place with `deleted_at` set, and every calendar / tasks read
 * skips it. Partial indexes list a mailbox's Deleted Items in the order they arrived.
 */
export class DeletedItems1764300000000 implements MigrationInterface {
  name = 'DeletedItems1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE calendar_sync.calendar_item ADD COLUMN deleted_at timestamptz NULL`);
    await q.query(`ALTER TABLE calendar_sync.task ADD COLUMN deleted_at timestamptz NULL`);
    await q.query(
      `CREATE INDEX ix_calendar_item_mailbox_deleted ON calendar_sync.calendar_item (mailbox, deleted_at, id) WHERE deleted_at IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ix_task_mailbox_deleted ON calendar_sync.task (mailbox, deleted_at, id) WHERE deleted_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Rows in Deleted Items would reappear in the calendar and tasks without the column: remove them.
    await q.query(`DELETE FROM calendar_sync.calendar_item WHERE deleted_at IS NOT NULL`);
    await q.query(`DELETE FROM calendar_sync.task WHERE deleted_at IS NOT NULL`);
    await q.query(`DROP INDEX calendar_sync.ix_task_mailbox_deleted`);
    await q.query(`DROP INDEX calendar_sync.ix_calendar_item_mailbox_deleted`);
    await q.query(`ALTER TABLE calendar_sync.task DROP COLUMN deleted_at`);
    await q.query(`ALTER TABLE calendar_sync.calendar_item DROP COLUMN deleted_at`);
  }
}
