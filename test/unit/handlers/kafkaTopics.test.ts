import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { InvalidTopicsPropertiesError, createKafkaTopicsHandler, physicalIdOf } from '../../../lambdas/handlers/kafkaTopics';
import { fakeKafkaAdmin } from '../../helpers/fakeKafkaAdmin';

const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/pulse-dev/0b5e6f8a-1c2d-4e3f-9a8b-7c6d5e4f3a2b-s1';
const TOPICS = ['orders', 'orders.dlq', 'tickets', 'tickets.dlq'];

/** The handler over a fake cluster that has `existing` topics. */
function setUp(existing: string[] = []) {
  const fake = fakeKafkaAdmin(existing);
  const adminOf = jest.fn(async (_clusterArn: string) => fake.portAdmin);
  return { handle: createKafkaTopicsHandler({ adminOf }), adminOf, ...fake };
}

/** A CloudFormation event as the Provider framework passes it on. */
function anEvent(requestType: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown> = {}): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Pulse-dev-Data/1',
    RequestId: 'request-1',
    LogicalResourceId: 'TopicsResource',
    ResourceType: 'Custom::PulseKafkaTopics',
    ResourceProperties: { ServiceToken: 'token', ClusterArn: CLUSTER_ARN, Topics: TOPICS, Partitions: '3', ...properties },
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: physicalIdOf(CLUSTER_ARN), OldResourceProperties: base.ResourceProperties };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: physicalIdOf(CLUSTER_ARN) };
}

describe('kafka topics custom resource handler', () => {
  it('creates every topic on Create, on the cluster of the event, with the partitions of the event', async () => {
    // Prepare
    const { handle, adminOf, createCalls } = setUp();

    // Act
    const response = await handle(anEvent('Create'));

    // Assess
    expect(adminOf).toHaveBeenCalledWith(CLUSTER_ARN);
    expect(createCalls).toEqual([TOPICS.map((topic) => ({ topic, numPartitions: 3, ...(topic.endsWith('.dlq') ? { configEntries: [{ name: 'max.message.bytes', value: '2097152' }] } : {}) }))]);
    expect(response).toEqual({ PhysicalResourceId: `${CLUSTER_ARN}/topics`, Data: { Topics: TOPICS.join(','), Created: TOPICS.join(',') } });
  });

  it('creates only the new topics on Update and leaves the existing ones as they are', async () => {
    // Prepare
    const { handle, createCalls } = setUp(['orders', 'orders.dlq']);

    // Act
    const response = await handle(anEvent('Update'));

    // Assess
    expect(createCalls).toEqual([[{ topic: 'tickets', numPartitions: 3 }, { topic: 'tickets.dlq', numPartitions: 3, configEntries: [{ name: 'max.message.bytes', value: '2097152' }] }]]);
    expect(response.Data.Created).toBe('tickets,tickets.dlq');
    expect(response.PhysicalResourceId).toBe(`${CLUSTER_ARN}/topics`);
  });

  it('is idempotent: a repeated Create with every topic present creates nothing', async () => {
    // Prepare
    const { handle, admin } = setUp(TOPICS);

    // Act
    const response = await handle(anEvent('Create'));

    // Assess
    expect(admin.createTopics).not.toHaveBeenCalled();
    expect(response.Data.Created).toBe('');
  });

  it('keeps the topics on Delete: it does not even connect to the cluster', async () => {
    // Prepare
    const { handle, adminOf } = setUp(TOPICS);

    // Act
    const response = await handle(anEvent('Delete'));

    // Assess
    expect(adminOf).not.toHaveBeenCalled();
    expect(response.PhysicalResourceId).toBe(`${CLUSTER_ARN}/topics`);
  });

  it('disconnects its admin client after the work', async () => {
    // Prepare
    const { handle, admin } = setUp();

    // Act
    await handle(anEvent('Create'));

    // Assess
    expect(admin.disconnect).toHaveBeenCalledTimes(1);
  });

  it.each([
    [{ ClusterArn: 'arn:aws:s3:::bucket' }, 'ClusterArn: must be an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>) (got "arn:aws:s3:::bucket")'],
    [{ Topics: [] }, 'Topics: must be a non-empty list of Kafka topic names'],
    [{ Topics: ['orders', 'bad topic'] }, 'Topics.1: must be a Kafka topic name (got "bad topic")'],
    [{ Partitions: '0' }, 'Partitions: must be a number of partitions from 1 to 1000000 (got "0")'],
    [{ Partitions: 'three' }, 'Partitions: must be a number of partitions from 1 to 1000000 (got "three")'],
  ])('fails with the property at fault for %j, before connecting', async (properties, message) => {
    // Prepare
    const { handle, adminOf } = setUp();

    // Act
    const attempt = handle(anEvent('Create', properties));

    // Assess
    await expect(attempt).rejects.toThrow(InvalidTopicsPropertiesError);
    await expect(handle(anEvent('Create', properties))).rejects.toThrow(message);
    expect(adminOf).not.toHaveBeenCalled();
  });

  it('reports a failure of the cluster to CloudFormation by rejecting', async () => {
    // Prepare
    const { handle, admin } = setUp();
    admin.createTopics.mockRejectedValueOnce(new Error('TOPIC_AUTHORIZATION_FAILED'));

    // Act
    const attempt = handle(anEvent('Create'));

    // Assess
    await expect(attempt).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
    expect(admin.disconnect).toHaveBeenCalledTimes(1);
  });
});
