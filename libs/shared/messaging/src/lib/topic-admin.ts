import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { kafkaClientLogLevel, kafkaLogCreator } from './kafka-log';
import type { KafkaClientSecurity } from './kafka-security';

export interface EnsureTopicsOptions {
  partitions: number;
  replicationFactor: number;
  /** Per-topic settings (e.g. `cleanup.policy=compact`) applied at creation and to existing topics. */
  configs?: Readonly<Partial<Record<string, Readonly<Record<string, string>>>>>;
  /** TLS / SASL, as the process's other clients (`kafkaClientSecurity`). */
  security?: KafkaClientSecurity;
}

/** Where a topic's dynamic (per-topic) settings come from in DescribeConfigs (`DYNAMIC_TOPIC_CONFIG`). */
const DYNAMIC_TOPIC_CONFIG = 1;

/**
 * Creates the topics that do not exist yet and waits for their leaders, so that no client meets
 * LEADER_NOT_AVAILABLE on its first message, and brings existing topics to their declared
 * settings (a topic created before it was declared compacted gets compacted). Returns the topics
 * it created.
 */
export async function ensureTopics(brokers: string[], topics: string[], opts: EnsureTopicsOptions): Promise<string[]> {
  const admin = new Kafka({
    ...opts.security,
    clientId: 'parley-topic-admin',
    brokers,
    logLevel: kafkaClientLogLevel,
    logCreator: kafkaLogCreator,
    retry: { retries: 10 },
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: opts.partitions,
          replicationFactor: opts.replicationFactor,
          configEntries: Object.entries(opts.configs?.[topic] ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    await alignExistingConfigs(
      admin,
      topics.filter((t) => existing.has(t) && opts.configs?.[t] !== undefined),
      opts.configs ?? {},
    );
    return missing;
  } finally {
    await admin.disconnect();
  }
}

/**
 * AlterConfigs (the version kafkajs speaks) replaces a topic's whole dynamic config, so the
 * topic's other per-topic settings (an operator's retention, say) are sent along unchanged.
 */
async function alignExistingConfigs(admin: Admin, topics: string[], configs: NonNullable<EnsureTopicsOptions['configs']>): Promise<void> {
  if (topics.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  const changes = described.resources.flatMap((resource) => {
    const wanted = configs[resource.resourceName] ?? {};
    const current = new Map(resource.configEntries.map((e) => [e.configName, e]));
    if (Object.entries(wanted).every(([name, value]) => current.get(name)?.configValue === value)) return [];
    const kept = resource.configEntries
      .filter((e) => e.configSource === DYNAMIC_TOPIC_CONFIG && !(e.configName in wanted) && !e.isSensitive)
      .map((e) => ({ name: e.configName, value: e.configValue }));
    return [
      {
        type: ConfigResourceTypes.TOPIC,
        name: resource.resourceName,
        configEntries: [...kept, ...Object.entries(wanted).map(([name, value]) => ({ name, value }))],
      },
    ];
  });
  if (changes.length > 0) await admin.alterConfigs({ validateOnly: false, resources: changes });
}
