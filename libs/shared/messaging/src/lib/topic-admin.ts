import { Kafka, logLevel } from 'kafkajs';

/**
 * Creates the topics that do not exist yet and waits for their leaders, so that no client meets
 * LEADER_NOT_AVAILABLE on its first message. Returns the topics it created.
 */
export async function ensureTopics(brokers: string[], topics: string[], opts: { partitions: number; replicationFactor: number }): Promise<string[]> {
  const admin = new Kafka({ clientId: 'parley-topic-admin', brokers, logLevel: logLevel.NOTHING, retry: { retries: 10 } }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: opts.partitions, replicationFactor: opts.replicationFactor })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
