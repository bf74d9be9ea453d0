import { Controller, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { BusConfig, parleyVersion, parseEnv, serviceEnvSchema, toRuntimeConfig } from '@parley/config';
import { createEnvelope, Reply, replyTopicOf } from '@parley/contracts';
import { ObservabilityModule } from '@parley/observability';
import { OUTBOX_PUBLISHER, OutboxPublisher } from '@parley/persistence';
import { createTestDatabase, DedicatedKafkaBroker, SecuredKafkaListeners, sharedSecuredKafkaListeners, waitFor } from '@parley/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { CommandBus } from './command-bus';
import { replyWith } from './command-reply';
import { EnvelopeConsumer } from './envelope-consumer';
import { kafkaClientSecurity } from './kafka-security';
import { MessagingModule, MessagingTransport } from './messaging.module';
import { ensureTopics } from './topic-admin';

/**
 * A service's Kafka clients against a broker that takes only TLS + SASL (SCRAM, PLAIN) or mutual
 * TLS, configured from the environment variables an operator sets: the bus works end to end, and
 * a wrong password or an untrusted broker certificate stops the start with the reason.
 * `npm test` opens the secured listeners on its one broker; run alone, this file starts its own.
 */
const repoRoot = path.resolve(__dirname, '../../../../..');
const run = `sec${randomUUID().slice(0, 8)}`;
const T = { changed: `${run}.widget.changed.v1`, request: `${run}.widget.get.request.v1` };

const received: Array<{ key: string; n: number }> = [];

@Controller()
class WidgetConsumer {
  constructor(private readonly consumer: EnvelopeConsumer) {}

  @EventPattern(T.changed)
  onChanged(@Payload() raw: unknown): Promise<void> {
    return this.consumer.event(T.changed, raw, z.object({ n: z.number() }), async (event) => {
      received.push({ key: event.key, n: event.payload.n });
    });
  }

  @MessagePattern(T.request)
  get(@Payload() raw: unknown): Promise<Reply<{ doubled: number }>> {
    return this.consumer.command(T.request, raw, z.object({ n: z.number() }), async (q) =>
      replyWith(async () => ({ doubled: q.payload.n * 2 })),
    );
  }
}

let listeners: SecuredKafkaListeners;
let ownBroker: DedicatedKafkaBroker | undefined;
let db: Awaited<ReturnType<typeof createTestDatabase>>;

/** The bus of calendar-sync started with `env` (plus a database URL), parsed as the service parses it. */
function busOf(env: Record<string, string>): BusConfig {
  const parsed = parseEnv(serviceEnvSchema('calendar-sync'), {
    DATABASE_URL: db.url,
    KAFKA_CLIENT_ID: run,
    KAFKA_GROUP_PREFIX: run,
    ...env,
  });
  return toRuntimeConfig('calendar-sync', parleyVersion, parsed, { services: ['calendar-sync'], requireDatabaseUrl: true }).bus;
}

/** SCRAM-SHA-512 over TLS with the cluster's CA, as Strimzi's `scram-sha-512` listener wants. */
function scramEnv(password = listeners.users['scram-sha-512'].password): Record<string, string> {
  return {
    KAFKA_BROKERS: listeners.saslSsl,
    KAFKA_SSL_CA_FILE: listeners.caFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: listeners.users['scram-sha-512'].username,
    KAFKA_SASL_PASSWORD: password,
  };
}

function appModule(bus: BusConfig) {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'widgets', version: '0.0.0' }),
      MessagingModule.forRoot({
        bus: { ...bus, partitions: 1 },
        consumerGroup: 'widgets',
        instanceId: 'suite',
        requestTopics: [T.request],
        deadLetters: {
          maxAttempts: 2,
          initialBackoffMs: 20,
          retryBudgetMs: 1_000,
          replayPollMs: 60_000,
          databaseUrl: db.url,
          migrate: true,
        },
      }),
    ],
    controllers: [WidgetConsumer],
  })
  class SecuredWidgetModule {}
  return SecuredWidgetModule;
}

async function startApp(bus: BusConfig): Promise<INestApplication> {
  const app = await NestFactory.create(appModule(bus), { logger: false });
  try {
    app.connectMicroservice(app.get(MessagingTransport).microserviceOptions());
    await app.init();
    await app.startAllMicroservices();
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}

/** One metadata round trip with kafkajs' retries off: the first failure is the answer. */
async function describeClusterWith(bus: BusConfig): Promise<number> {
  const admin = new Kafka({
    clientId: run,
    brokers: bus.brokers,
    ...kafkaClientSecurity(bus.security),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('kafka_security');
  const shared = sharedSecuredKafkaListeners();
  if (shared) {
    listeners = shared;
  } else {
    ownBroker = await DedicatedKafkaBroker.start(repoRoot, { secured: true });
    listeners = ownBroker.securedListeners;
  }
  // Test topics are not among the contracts' topics that every service creates at start.
  await ensureTopics([listeners.saslSsl], [T.changed, T.request, replyTopicOf(T.request)], {
    partitions: 1,
    replicationFactor: 1,
    security: kafkaClientSecurity(busOf(scramEnv()).security),
  });
});

afterAll(async () => {
  ownBroker?.stop();
  await db?.drop();
});

describe('a service on a TLS + SASL Kafka listener', () => {
  it('publishes through its outbox producer, consumes in its group and gets replies, all over SCRAM-SHA-512 on TLS', async () => {
    const app = await startApp(busOf(scramEnv()));
    try {
      const publisher = app.get<OutboxPublisher>(OUTBOX_PUBLISHER);
      await publisher.publish(
        [1, 2, 3].map((n) => ({
          topic: T.changed,
          key: 'a@x.test',
          envelope: createEnvelope({ type: T.changed, key: 'a@x.test', payload: { n }, correlationId: `c-${n}` }),
        })),
      );
      await waitFor(() => received.length >= 3, { timeoutMs: 30_000, what: 'three events over SASL_SSL' });
      expect(received).toEqual([1, 2, 3].map((n) => ({ key: 'a@x.test', n })));
      const reply = await app.get(CommandBus).request(T.request, 'a@x.test', { n: 21 }, z.object({ doubled: z.number() }));
      expect(reply).toEqual({ doubled: 42 });
    } finally {
      await app.close();
    }
  });

  it('fails its start on a wrong password with the broker’s SASL refusal, not by waiting', async () => {
    await expect(startApp(busOf(scramEnv('not-the-password')))).rejects.toMatchObject({
      name: 'KafkaJSSASLAuthenticationError',
      message: expect.stringMatching(/SASL SCRAM SHA512 authentication failed: .*invalid credentials/),
    });
  });

  it('fails its start on a broker certificate it cannot verify (TLS on, the cluster CA not given), not after minutes of retries', async () => {
    const { KAFKA_SSL_CA_FILE: _ca, ...withoutCa } = scramEnv();
    const bus = busOf({ ...withoutCa, KAFKA_SSL: 'true' });
    await expect(startApp(bus)).rejects.toMatchObject({
      name: 'KafkaCertificateError',
      message: expect.stringMatching(
        new RegExp(`^Kafka broker ${listeners.saslSsl}: its TLS certificate is not accepted \\(unable to verify the first certificate`),
      ),
    });
    // kafkajs' own clients meet the same refusal.
    await expect(describeClusterWith(bus)).rejects.toThrow(/unable to verify the first certificate/);
  });

  it.each(['scram-sha-256', 'plain'] as const)('authenticates with %s too', async (mechanism) => {
    const bus = busOf({
      KAFKA_BROKERS: listeners.saslSsl,
      KAFKA_SSL_CA_FILE: listeners.caFile,
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: listeners.users[mechanism].username,
      KAFKA_SASL_PASSWORD: listeners.users[mechanism].password,
    });
    await expect(describeClusterWith(bus)).resolves.toBe(1);
  });

  it('connects with a client certificate where the listener requires one (mutual TLS), and is turned away without it', async () => {
    const withCertificate = {
      KAFKA_BROKERS: listeners.mutualTls,
      KAFKA_SSL_CA_FILE: listeners.caFile,
      KAFKA_SSL_CERT_FILE: listeners.clientCertFile,
      KAFKA_SSL_KEY_FILE: listeners.clientKeyFile,
    };
    await expect(describeClusterWith(busOf(withCertificate))).resolves.toBe(1);
    const { KAFKA_SSL_CERT_FILE: _cert, KAFKA_SSL_KEY_FILE: _key, ...caOnly } = withCertificate;
    await expect(describeClusterWith(busOf(caOnly))).rejects.toThrow(/certificate/);
  });
});
