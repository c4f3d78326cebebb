/**
 * Topic administration, shared by the local twin (which creates the topics on its broker) and the
 * topics custom resource on AWS (which creates them on MSK Serverless, where CloudFormation has no
 * topic resource). Creating is idempotent: topics that exist are left as they are.
 */
import type { Admin, Kafka } from 'kafkajs';

/** How new topics are created. */
export interface TopicSettings {
  readonly partitions: number;
  /** Copies of each partition; the broker's default when absent (MSK manages it; a single local broker needs 1). */
  readonly replicationFactor?: number;
  /** Topic-level configuration of a new topic, by name. @default the broker's defaults */
  readonly configOf?: (topic: string) => Readonly<Record<string, string>>;
}

/** The part of the kafkajs admin client topic creation uses, so tests can pass a fake. */
export type TopicAdmin = Pick<Admin, 'listTopics' | 'createTopics'>;

/**
 * Creates the topics that do not exist yet; existing ones are not altered.
 * @returns the topics it created
 */
export async function ensureTopics(admin: TopicAdmin, topics: readonly string[], settings: TopicSettings): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
  if (missing.length > 0) {
    const configEntriesOf = (topic: string) => Object.entries(settings.configOf?.(topic) ?? {}).map(([name, value]) => ({ name, value }));
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: settings.partitions,
        ...(settings.replicationFactor === undefined ? {} : { replicationFactor: settings.replicationFactor }),
        ...(configEntriesOf(topic).length === 0 ? {} : { configEntries: configEntriesOf(topic) }),
      })),
    });
  }
  return missing;
}

/** {@link ensureTopics} over a connection of its own, closed afterwards. */
export async function ensureTopicsOn(kafka: Pick<Kafka, 'admin'>, topics: readonly string[], settings: TopicSettings): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await ensureTopics(admin, topics, settings);
  } finally {
    await admin.disconnect();
  }
}
