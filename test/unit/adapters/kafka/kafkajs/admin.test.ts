import { topicConfigOf } from '../../../../../lambdas/config/pipeline';
import { ensureTopics } from '../../../../../lambdas/adapters/kafka/kafkajs/admin';
import { fakeKafkaAdmin } from '../../../../helpers/fakeKafkaAdmin';

describe('ensureTopics', () => {
  it('creates only the missing topics, with the given partitions and the broker’s replication factor', async () => {
    // Prepare
    const { admin, createCalls: created } = fakeKafkaAdmin(['orders']);

    // Act
    const result = await ensureTopics(admin, ['orders', 'orders.dlq', 'tickets'], { partitions: 3 });

    // Assess
    expect(result).toEqual(['orders.dlq', 'tickets']);
    expect(created).toEqual([
      [
        { topic: 'orders.dlq', numPartitions: 3 },
        { topic: 'tickets', numPartitions: 3 },
      ],
    ]);
    expect(admin.createTopics).toHaveBeenCalledWith(expect.objectContaining({ waitForLeaders: true }));
  });

  it('sets the replication factor when asked (a single local broker needs 1)', async () => {
    // Prepare
    const { admin, createCalls: created } = fakeKafkaAdmin();

    // Act
    await ensureTopics(admin, ['orders'], { partitions: 3, replicationFactor: 1 });

    // Assess
    expect(created).toEqual([[{ topic: 'orders', numPartitions: 3, replicationFactor: 1 }]]);
  });

  it('does nothing when every topic exists, so running it again is safe', async () => {
    // Prepare
    const { admin } = fakeKafkaAdmin(['orders', 'orders.dlq']);

    // Act
    const result = await ensureTopics(admin, ['orders', 'orders.dlq'], { partitions: 3 });

    // Assess
    expect(result).toEqual([]);
    expect(admin.createTopics).not.toHaveBeenCalled();
  });

  it('asks for a topic listed twice once', async () => {
    // Prepare
    const { admin, createCalls: created } = fakeKafkaAdmin();

    // Act
    await ensureTopics(admin, ['orders', 'orders'], { partitions: 1 });

    // Assess
    expect(created).toEqual([[{ topic: 'orders', numPartitions: 1 }]]);
  });
});

describe('ensureTopics with topic configuration', () => {
  it('creates each topic with its own configuration entries, and none for a topic without', async () => {
    // Prepare
    const { admin, createCalls: created } = fakeKafkaAdmin();

    // Act
    await ensureTopics(admin, ['orders', 'orders.dlq'], { partitions: 3, configOf: topicConfigOf });

    // Assess
    expect(created).toEqual([
      [
        { topic: 'orders', numPartitions: 3 },
        { topic: 'orders.dlq', numPartitions: 3, configEntries: [{ name: 'max.message.bytes', value: String(2 * 1024 * 1024) }] },
      ],
    ]);
  });
});
