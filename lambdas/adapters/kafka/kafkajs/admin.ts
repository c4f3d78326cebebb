/** The kafkajs implementation of {@link KafkaAdmin}. */
import type { Admin } from 'kafkajs';
import type { KafkaAdmin, PartitionBounds, TopicSettings } from '../port';

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

/** The group readiness probes ask about: describing it makes the broker load its group coordinator. */
const PROBE_GROUP = 'pulse-readiness';

/** A connected kafkajs admin client as a {@link KafkaAdmin}. */
export class KafkajsAdmin implements KafkaAdmin {
  constructor(private readonly admin: Admin) {}

  ensureTopics(topics: readonly string[], settings: TopicSettings): Promise<string[]> {
    return ensureTopics(this.admin, topics, settings);
  }

  async topicOffsets(topic: string): Promise<PartitionBounds[]> {
    return (await this.admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low: BigInt(low), high: BigInt(high) }));
  }

  async committedOffsets(groupId: string, topics: readonly string[]): Promise<Map<string, bigint>> {
    const offsets = new Map<string, bigint>();
    for (const { topic, partitions } of await this.admin.fetchOffsets({ groupId, topics: [...topics] })) {
      for (const { partition, offset } of partitions) {
        // kafkajs reports "no committed offset" as -1.
        if (BigInt(offset) >= 0n) offsets.set(`${topic}-${partition}`, BigInt(offset));
      }
    }
    return offsets;
  }

  async probe(): Promise<void> {
    await this.admin.describeCluster();
    // Creates and loads the offsets topic: ready means consumer groups can join at once.
    await this.admin.describeGroups([PROBE_GROUP]);
  }

  close(): Promise<void> {
    return this.admin.disconnect();
  }
}
