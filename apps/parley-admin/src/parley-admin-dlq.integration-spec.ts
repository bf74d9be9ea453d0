import { Controller, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { createEnvelope } from '@parley/contracts';
import {
  createDeadLetterDataSource,
  DeadLetterRepository,
  EnvelopeConsumer,
  MessagingModule,
  MessagingTransport,
  PermanentMessageError,
} from '@parley/messaging';
import { ObservabilityModule } from '@parley/observability';
import { OUTBOX_PUBLISHER, OutboxPublisher } from '@parley/persistence';
import { createTestDatabase, waitFor } from '@parley/testing';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const bundle = path.resolve(__dirname, '../../../dist/apps/parley-admin/main.js');
const topic = 'test.widget.changed.v1';

function admin(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A consumer that refuses widgets until the operator "fixes the cause", and counts what it applied per event id. */
const widgets = { refusing: true, applied: new Map<string, number>() };

@Controller()
class WidgetConsumer {
  constructor(private readonly consumer: EnvelopeConsumer) {}

  @EventPattern(topic)
  onChanged(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(topic, raw, z.object({ n: z.number() }), async (event) => {
      if (widgets.refusing) throw new PermanentMessageError(`widget ${event.payload.n} has no owner`);
      widgets.applied.set(event.id, (widgets.applied.get(event.id) ?? 0) + 1);
    });
  }
}

/** A service of consumer group `parley.widgets` on the in-process bus, its dead letters in the database under test. */
async function startWidgetService(databaseUrl: string): Promise<INestApplication> {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'widgets', version: '0.0.0' }),
      MessagingModule.forRoot({
        bus: {
          kind: 'inprocess',
          brokers: [],
          clientId: 'widgets',
          groupPrefix: 'parley',
          partitions: 1,
          replicationFactor: 1,
          requestTimeoutMs: 5_000,
        },
        consumerGroup: 'widgets',
        instanceId: 'spec',
        requestTopics: [],
        deadLetters: { maxAttempts: 3, initialBackoffMs: 10, retryBudgetMs: 1_000, replayPollMs: 100, databaseUrl, migrate: false },
      }),
    ],
    controllers: [WidgetConsumer],
  })
  class WidgetServiceModule {}
  const app = await NestFactory.create(WidgetServiceModule, { logger: false });
  app.connectMicroservice(app.get(MessagingTransport).microserviceOptions());
  await app.init();
  await app.startAllMicroservices();
  return app;
}

describe('parley-admin dlq (the built bundle against a running consumer)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: NodeJS.ProcessEnv;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    if (!existsSync(bundle))
      throw new Error(`${bundle} is missing: build it first (npx webpack-cli build --config apps/parley-admin/webpack.config.cjs).`);
    db = await createTestDatabase('parley_admin_dlq');
    env = { DATABASE_URL: db.url };
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('refuses to list before the migration, then lists nothing', async () => {
    const before = await admin(['dlq', 'list'], env);
    expect(before).toMatchObject({
      status: 1,
      stderr: 'parley-admin: the dead-letter table does not exist yet: run the migrate command first\n',
    });
    const migrate = await admin(['migrate'], env);
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toMatch(/^messaging: applied DeadLetterInit/m);
    expect(await admin(['dlq', 'list'], env)).toMatchObject({ status: 0, stdout: 'no dead letters\n' });
  });

  it('lists a dead letter, replays it to its own consumer group once the cause is fixed, and it is applied once', async () => {
    app = await startWidgetService(db.url);
    const envelope = createEnvelope({ type: topic, key: 'w@x.test', payload: { n: 7 }, correlationId: 'corr-dlq' });
    await app.get<OutboxPublisher>(OUTBOX_PUBLISHER).publish([{ topic, key: envelope.key, envelope }]);
    expect(widgets.applied.size).toBe(0);

    // A letter of another consumer group, which no process here runs: its replay must wait for that group.
    const otherSource = createDeadLetterDataSource({ url: db.url, poolSize: 1, service: 'spec' });
    await otherSource.initialize();
    const otherId = await new DeadLetterRepository(otherSource)
      .record({
        consumerGroup: 'parley.gadgets',
        topic,
        key: 'g@x.test',
        envelope: { ...envelope, id: 'not-this-one' },
        reason: 'Error: timeout',
        kind: 'retries-exhausted',
        attempts: 5,
      })
      .finally(() => otherSource.destroy());

    const list = await admin(['dlq', 'list'], env);
    expect(list.status).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+FAILED AT\s+GROUP\s+TOPIC\s+KEY\s+KIND\s+ATTEMPTS\s+STATE\s+REASON$/);
    expect(lines).toHaveLength(3);
    const mine = lines.find((l) => l.includes('parley.widgets'));
    expect(mine).toMatch(
      new RegExp(
        `^(\\d+)\\s+\\S+Z\\s+parley\\.widgets\\s+${topic.replace(/\./g, '\\.')}\\s+w@x\\.test\\s+permanent\\s+1\\s+dead\\s+PermanentMessageError: widget 7 has no owner$`,
      ),
    );
    const id = /^(\d+)/.exec(mine ?? '')?.[1] as string;

    const filtered = await admin(['dlq', 'list', '--group', 'parley.gadgets'], env);
    expect(filtered.stdout.trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^${otherId}\\s.*parley\\.gadgets.*retries-exhausted\\s+5\\s+dead\\s+Error: timeout$`)),
    ]);
    expect((await admin(['dlq', 'list', '--topic', 'no.such.topic.v1'], env)).stdout).toBe('no dead letters\n');

    widgets.refusing = false;
    const replay = await admin(['dlq', 'replay', id], env);
    expect(replay).toMatchObject({ status: 0, stderr: '' });
    expect(replay.stdout).toContain(`replay of dead letter ${id} requested`);
    expect((await admin(['dlq', 'replay', otherId], env)).status).toBe(0);

    await waitFor(async () => (await admin(['dlq', 'list', '--group', 'parley.widgets'], env)).stdout.includes('replayed: applied'), {
      timeoutMs: 20_000,
      what: 'the replay outcome',
    });
    expect([...widgets.applied.entries()]).toEqual([[envelope.id, 1]]);

    const again = await admin(['dlq', 'replay', id], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^parley-admin: dead letter ${id} was replayed at \\S+ \\(applied\\)\\n$`));
    // No replica of parley.gadgets runs, so its letter still waits (the widgets group did not take it).
    expect((await admin(['dlq', 'list', '--group', 'parley.gadgets'], env)).stdout).toContain('replay requested');
    expect([...widgets.applied.keys()]).toEqual([envelope.id]);
  });

  it('answers unknown ids and malformed commands clearly', async () => {
    expect(await admin(['dlq', 'replay', '999999'], env)).toMatchObject({ status: 1, stderr: 'parley-admin: no dead letter 999999\n' });
    const malformed = await admin(['dlq', 'replay', 'abc'], env);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('dlq replay needs the id of a dead letter');
    expect((await admin(['dlq', 'purge'], env)).stderr).toContain('unknown dlq command: purge (expected list or replay)');
    expect((await admin(['dlq', 'list', '--name', 'x'], env)).status).toBe(2);
  });
});
