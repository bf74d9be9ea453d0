import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Meetings delivered to attendees that are Parley mailboxes: the UID linking an organizer's
 * meeting to each attendee's copy, a copy's cancelled flag and its owner's own response.
 * Existing rows stay valid: no UID, not cancelled, response derived as before.
 */
export class MeetingInvitations1764400000000 implements MigrationInterface {
  name = 'MeetingInvitations1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE calendar_sync.calendar_item ADD COLUMN meeting_uid text NULL`);
    await q.query(`ALTER TABLE calendar_sync.calendar_item ADD COLUMN is_cancelled boolean NOT NULL DEFAULT false`);
    await q.query(
      `ALTER TABLE calendar_sync.calendar_item ADD COLUMN my_response_type text NULL CHECK (my_response_type IN ('Unknown', 'Organizer', 'Tentative', 'Accept', 'Decline', 'NoResponseReceived'))`,
    );
    await q.query(
      `CREATE INDEX ix_calendar_item_meeting_uid ON calendar_sync.calendar_item (meeting_uid, mailbox) WHERE meeting_uid IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX calendar_sync.ix_calendar_item_meeting_uid`);
    await q.query(`ALTER TABLE calendar_sync.calendar_item DROP COLUMN my_response_type`);
    await q.query(`ALTER TABLE calendar_sync.calendar_item DROP COLUMN is_cancelled`);
    await q.query(`ALTER TABLE calendar_sync.calendar_item DROP COLUMN meeting_uid`);
  }
}
