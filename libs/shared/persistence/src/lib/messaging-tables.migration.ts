import { MigrationInterface, QueryRunner } from 'typeorm';

function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('service DataSource must name its schema');
  return `"${schema}"`;
}

/** Outbox and processed-message tables, created in whichever service schema runs it. */
export class MessagingTables1763900000000 implements MigrationInterface {
  name = 'MessagingTables1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.outbox_message (
        seq bigserial PRIMARY KEY,
        message_id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        message_key text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text NULL
      )`);
    await queryRunner.query(`CREATE INDEX outbox_message_pending_idx ON ${s}.outbox_message (seq) WHERE published_at IS NULL`);
    await queryRunner.query(
      `CREATE INDEX outbox_message_published_idx ON ${s}.outbox_message (published_at) WHERE published_at IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.processed_message (
        consumer text NOT NULL,
        message_id uuid NOT NULL,
        topic text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
    await queryRunner.query(`CREATE INDEX processed_message_processed_at_idx ON ${s}.processed_message (processed_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.processed_message`);
    await queryRunner.query(`DROP TABLE ${s}.outbox_message`);
  }
}
