import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tasks (the EWS Tasks folder). Status, percentage and completion date are kept consistent by the service and checked here. */
export class Tasks1764100000000 implements MigrationInterface {
  name = 'Tasks1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_sync.task (
        id uuid PRIMARY KEY,
        mailbox text NOT NULL,
        subject text NOT NULL,
        body_type text NULL CHECK (body_type IN ('Text', 'HTML')),
        body text NULL,
        importance text NOT NULL CHECK (importance IN ('Low', 'Normal', 'High')),
        sensitivity text NOT NULL CHECK (sensitivity IN ('Normal', 'Personal', 'Private', 'Confidential')),
        start_date timestamptz NULL,
        due_date timestamptz NULL,
        complete_date timestamptz NULL,
        percent_complete double precision NOT NULL CHECK (percent_complete >= 0 AND percent_complete <= 100),
        status text NOT NULL CHECK (status IN ('NotStarted', 'InProgress', 'Completed', 'WaitingOnOthers', 'Deferred')),
        change_key text NOT NULL,
        revision integer NOT NULL,
        created_at timestamptz NOT NULL,
        last_modified_at timestamptz NOT NULL,
        CONSTRAINT ck_task_completion CHECK ((status = 'Completed') = (percent_complete = 100) AND (status = 'Completed') = (complete_date IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX ix_task_mailbox_created ON calendar_sync.task (mailbox, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_sync.task`);
  }
}
