/**
 * An in-memory Kafka admin client, for code that creates topics: it knows a set of topics and
 * records each `createTopics` call; its methods are jest mocks, so tests can make one fail.
 */
import type { Admin, ITopicConfig } from 'kafkajs';
import { KafkajsAdmin } from '../../lambdas/adapters/kafka/kafkajs/admin';

/** A fake kafkajs admin client, the port's admin over it, the topics it has and the create calls it received. */
export function fakeKafkaAdmin(existing: readonly string[] = []) {
  const topics = new Set(existing);
  const createCalls: ITopicConfig[][] = [];
  const admin = {
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    listTopics: jest.fn(async () => [...topics]),
    createTopics: jest.fn(async ({ topics: requested }: { topics: ITopicConfig[] }) => {
      createCalls.push(requested);
      for (const topic of requested) topics.add(topic.topic);
      return true;
    }),
  };
  const portAdmin = new KafkajsAdmin(admin as unknown as Admin);
  return { admin, portAdmin, topics, createCalls };
}
