import { dropSchemas, testDatabaseUrl, uniqueSchemaName, waitFor } from '@parley/testing';
import { DataSource } from 'typeorm';
import { OutboundMessage, OutboxPublisher, OutboxRelay } from './outbox-relay';
import { createServiceDataSource, migrateServiceSchema } from './service-data-source';
import { Transaction, UnitOfWork } from './unit-of-work';

/** A publisher that records what it accepted and can be told to fail, like a broker outage. */
class RecordingPublisher implements OutboxPublisher {
  readonly accepted: OutboundMessage[] = [];
  failing = false;
  calls = 0;

  async publish(messages: OutboundMessage[]): Promise<void> {
    this.calls++;
    if (this.failing) throw new Error('broker unavailable');
    this.accepted.push(...messages);
  }
}

describe('outbox and idempotent consumption on PostgreSQL', () => {
  const schema = uniqueSchemaName('outbox_test');
  let dataSource: DataSource;
  let uow: UnitOfWork;

  beforeAll(async () => {
    dataSource = createServiceDataSource({ service: 'test', schema, url: testDatabaseUrl(), poolSize: 8, entities: [], migrations: [] });
    await dataSource.initialize();
    await migrateServiceSchema(dataSource);
    uow = new UnitOfWork(dataSource, schema);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropSchemas(schema);
  });

  beforeEach(async () => {
    await dataSource.query(`TRUNCATE "${schema}".outbox_message, "${schema}".processed_message`);
  });

  it('publishes committed messages in commit order and marks them sent', async () => {
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay(dataSource, publisher, { schema, pollMs: 20, batchSize: 100 });
    for (let n = 0; n < 25; n++) await uow.run((tx) => tx.publish('test.thing.changed.v1', `user${n % 3}@example.com`, { n }));
    expect(await relay.pendingCount()).toBe(25);
    relay.start();
    await waitFor(() => publisher.accepted.length === 25, { what: 'all 25 published' });
    await relay.stop();
    expect(publisher.accepted.map((m) => (m.envelope.payload as { n: number }).n)).toEqual([...Array(25).keys()]);
    expect(publisher.accepted[0].envelope).toMatchObject({ type: 'test.thing.changed.v1', version: 1, key: 'user0@example.com' });
    expect(await relay.pendingCount()).toBe(0);
  });

  it('publishes what publishAll wrote in one statement in the list order, between the messages around it', async () => {
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay(dataSource, publisher, { schema, pollMs: 20, batchSize: 100 });
    await uow.run(async (tx) => {
      await tx.publish('test.thing.changed.v1', 'a@example.com', { n: 0 });
      const envelopes = await tx.publishAll(
        [1, 2, 3].map((n) => ({ topic: 'test.thing.changed.v1', key: `user${n}@example.com`, payload: { n } })),
      );
      expect(envelopes.map((e) => e.key)).toEqual(['user1@example.com', 'user2@example.com', 'user3@example.com']);
      expect(await tx.publishAll([])).toEqual([]);
      await tx.publish('test.thing.changed.v1', 'a@example.com', { n: 4 });
    });
    relay.start();
    await waitFor(() => publisher.accepted.length === 5, { what: 'all 5 published' });
    await relay.stop();
    expect(publisher.accepted.map((m) => (m.envelope.payload as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    expect(publisher.accepted[2].envelope).toMatchObject({ type: 'test.thing.changed.v1', version: 1, key: 'user2@example.com' });
  });

  it('publishes nothing from a transaction that rolled back', async () => {
    const publisher = new RecordingPublisher();
    await expect(
      uow.run(async (tx) => {
        await tx.publish('test.thing.changed.v1', 'a@example.com', { doomed: true });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const relay = new OutboxRelay(dataSource, publisher, { schema, pollMs: 20, batchSize: 100 });
    expect(await relay.drainOnce()).toBe(0);
    expect(publisher.accepted).toEqual([]);
  });

  it('keeps messages through a publisher outage and delivers them, once each, when it returns', async () => {
    const publisher = new RecordingPublisher();
    publisher.failing = true;
    const errors: unknown[] = [];
    const relay = new OutboxRelay(dataSource, publisher, { schema, pollMs: 20, batchSize: 100, onError: (e) => errors.push(e) });
    relay.start();
    for (let n = 0; n < 10; n++) await uow.run((tx) => tx.publish('test.thing.changed.v1', 'a@example.com', { n }));
    await waitFor(() => errors.length >= 2, { what: 'failed attempts' });
    const [row] = await dataSource.query(`SELECT attempts, last_error FROM "${schema}".outbox_message ORDER BY seq LIMIT 1`);
    expect(row.attempts).toBeGreaterThan(0);
    expect(row.last_error).toBe('broker unavailable');
    publisher.failing = false;
    relay.wake();
    await waitFor(() => publisher.accepted.length === 10, { timeoutMs: 15_000, what: 'delivery after the outage' });
    await relay.stop();
    expect(publisher.accepted.map((m) => (m.envelope.payload as { n: number }).n)).toEqual([...Array(10).keys()]);
  });

  it('lets only one of two concurrent relays publish, so nothing is sent twice or out of order', async () => {
    const publisher = new RecordingPublisher();
    const relays = [1, 2].map(() => new OutboxRelay(dataSource, publisher, { schema, pollMs: 5, batchSize: 7 }));
    relays.forEach((r) => r.start());
    for (let n = 0; n < 60; n++) await uow.run((tx) => tx.publish('test.thing.changed.v1', 'a@example.com', { n }));
    await waitFor(() => publisher.accepted.length >= 60, { what: '60 published' });
    await Promise.all(relays.map((r) => r.stop()));
    expect(publisher.accepted.map((m) => (m.envelope.payload as { n: number }).n)).toEqual([...Array(60).keys()]);
  });

  it('applies a redelivered message once, even when both copies race', async () => {
    const message = { id: '0d1e6c1a-56d1-4b32-9c8f-6a4c3b1f0e11', type: 'test.thing.changed.v1' };
    await dataSource.query(`CREATE TABLE IF NOT EXISTS "${schema}".counter (id int PRIMARY KEY, n int NOT NULL)`);
    await dataSource.query(`INSERT INTO "${schema}".counter VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0`);
    const apply = () =>
      uow.runOnce('counter-consumer', message, (tx) => tx.manager.query(`UPDATE "${schema}".counter SET n = n + 1 WHERE id = 1`));
    const results = await Promise.all([apply(), apply(), apply()]);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const [{ n }] = await dataSource.query(`SELECT n FROM "${schema}".counter WHERE id = 1`);
    expect(n).toBe(1);
    // Another consumer of the same message is a different reader: it applies it too.
    expect((await uow.runOnce('other-consumer', message, async () => 'applied')).duplicate).toBe(false);
  });

  it('rolls back the processed mark when the work fails, so a retry applies it', async () => {
    const message = { id: '5f5b2a4e-9a0c-4a57-a2a4-1b0d5b4d8f22', type: 'test.thing.changed.v1' };
    await expect(uow.runOnce('flaky', message, async () => Promise.reject(new Error('transient')))).rejects.toThrow('transient');
    await expect(uow.runOnce('flaky', message, async () => 'ok')).resolves.toEqual({ duplicate: false, value: 'ok' });
  });

  it('undoes only the work of a failed savepoint, and the transaction commits the rest', async () => {
    await dataSource.query(`CREATE TABLE IF NOT EXISTS "${schema}".note (id int PRIMARY KEY)`);
    await dataSource.query(`TRUNCATE "${schema}".note`);
    const insert = (tx: Transaction, id: number) => tx.manager.query(`INSERT INTO "${schema}".note VALUES ($1)`, [id]);
    const outcome = await uow.run(async (tx) => {
      await insert(tx, 1);
      // A failing statement inside the savepoint would otherwise abort the whole transaction.
      const failed = await tx
        .savepoint('optional_work', async () => {
          await insert(tx, 2);
          await insert(tx, 1);
        })
        .catch((error: unknown) => error);
      await tx.savepoint('more_work', () => insert(tx, 3));
      return failed;
    });
    expect(outcome).toBeInstanceOf(Error);
    const rows: { id: number }[] = await dataSource.query(`SELECT id FROM "${schema}".note ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual([1, 3]);
  });
});
