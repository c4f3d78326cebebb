/**
 * Proves that the JVM backend's real Kafka broker and DynamoDB Local support what the pipeline
 * relies on, with the project's own clients (kafkajs 2.2.4, AWS SDK v3). The services come from
 * test/integration/globalSetup.ts.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer } from 'kafkajs';
import { DYNAMODB_LOCAL_CREDENTIALS, findFreePort, startDynamoDbLocal, startKafkaBroker } from '../../../../twin/backends/jvm';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test through jest's integration project (its globalSetup starts the services)`);
  return value;
}

interface Received {
  key: string;
  value: string;
}

/**
 * Runs `consumer` on `topic`, committing each message's offset itself, until `count` messages
 * arrived, then disconnects it. The commit is explicit because the pipeline's handlers commit
 * only after their DynamoDB write succeeded.
 */
async function consumeAndCommit(consumer: Consumer, topic: string, count: number): Promise<Received[]> {
  const received: Received[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`received ${received.length} of ${count} messages within 60 s`)), 60_000);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            received.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
            const next = (BigInt(message.offset) + 1n).toString();
            await consumer.commitOffsets([{ topic, partition, offset: next }]);
            if (received.length >= count) resolve();
          },
        })
        .catch(reject);
    });
    return received;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

const byKey = (a: Received, b: Received): number => a.key.localeCompare(b.key);

describe('Kafka broker (JVM backend) with kafkajs', () => {
  const kafka = new Kafka({ clientId: 'pulse-jvm-services-test', brokers: [requiredEnv('KAFKA_BROKERS')], logLevel: logLevel.NOTHING });
  let admin: Admin;
  const topics: string[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  async function createTopic(): Promise<string> {
    const topic = `jvm-services-${randomUUID()}`;
    topics.push(topic);
    const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    expect(created).toBe(true);
    return topic;
  }

  test('the admin client creates a topic with 3 partitions', async () => {
    const topic = await createTopic();

    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });

    expect(metadata.topics).toHaveLength(1);
    expect(metadata.topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
  });

  test('an idempotent producer and a consumer group round-trip keyed messages and resume after the committed offset', async () => {
    const topic = await createTopic();
    const groupId = `jvm-services-${randomUUID()}`;
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const batch = (prefix: string, n: number): Received[] =>
      Array.from({ length: n }, (_, i) => ({ key: `${prefix}-key-${i}`, value: JSON.stringify({ prefix, i }) }));
    const first = batch('first', 12);
    const second = batch('second', 6);

    await producer.connect();
    try {
      await producer.send({ topic, messages: first });

      const firstRead = await consumeAndCommit(kafka.consumer({ groupId }), topic, first.length);
      expect(firstRead.sort(byKey)).toEqual([...first].sort(byKey));
      // Keys must spread over more than one partition, or the resume check below proves little.
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const perPartition = committed[0]?.partitions.map((p) => Number(p.offset)) ?? [];
      expect(perPartition.reduce((sum, offset) => sum + offset, 0)).toBe(first.length);
      expect(perPartition.filter((offset) => offset > 0).length).toBeGreaterThan(1);

      await producer.send({ topic, messages: second });
    } finally {
      await producer.disconnect();
    }

    // Same group id and fromBeginning: true, yet only the new messages arrive.
    const secondRead = await consumeAndCommit(kafka.consumer({ groupId }), topic, second.length);
    expect(secondRead.sort(byKey)).toEqual([...second].sort(byKey));
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(first.length + second.length);
    await admin.deleteGroups([groupId]);
  });
});

describe('DynamoDB Local (JVM backend) with the AWS SDK', () => {
  const client = new DynamoDBClient({
    endpoint: requiredEnv('DYNAMODB_ENDPOINT'),
    region: 'us-east-1',
    credentials: DYNAMODB_LOCAL_CREDENTIALS,
  });
  const tableName = `jvm-services-${randomUUID()}`;

  beforeAll(async () => {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  });

  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
  });

  test('a conditional PutItem fails with ConditionalCheckFailedException and returns the old item', async () => {
    const put = (version: number, expected?: number): PutItemCommand =>
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: 'window#1' }, version: { N: String(version) } },
        ConditionExpression: expected === undefined ? 'attribute_not_exists(pk)' : 'version = :expected',
        ExpressionAttributeValues: expected === undefined ? undefined : { ':expected': { N: String(expected) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });

    await client.send(put(1));
    await client.send(put(2, 1));

    const stale = await client.send(put(3, 1)).catch((error: unknown) => error);

    expect(stale).toBeInstanceOf(ConditionalCheckFailedException);
    expect((stale as ConditionalCheckFailedException).Item).toEqual({ pk: { S: 'window#1' }, version: { N: '2' } });
    const duplicate = await client.send(put(1)).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ConditionalCheckFailedException);
  });
});

describe('JVM service life cycle', () => {
  let dataRoot: string;

  beforeEach(() => {
    dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-jvm-services-test-'));
  });

  afterEach(() => {
    fs.rmSync(dataRoot, { recursive: true, force: true });
  });

  test('a taken port fails at once with advice, before any JVM starts', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startKafkaBroker({ port })).rejects.toThrow(`port ${port} is in use: stop the other broker or pass --port`);
      await expect(startDynamoDbLocal({ port })).rejects.toThrow(`port ${port} is in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('a broker with a data dir keeps its topics across restarts on other ports', async () => {
    const dataDir = path.join(dataRoot, 'kafka');
    const topic = `kept-${randomUUID()}`;
    const withAdmin = async <T>(brokers: string, use: (admin: Admin) => Promise<T>): Promise<T> => {
      const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        return await use(admin);
      } finally {
        await admin.disconnect();
      }
    };

    const first = await startKafkaBroker({ port: await findFreePort(), dataDir });
    try {
      await withAdmin(first.brokers, (admin) => admin.createTopics({ topics: [{ topic }], waitForLeaders: true }));
    } finally {
      await first.stop();
    }
    await first.stop();

    const second = await startKafkaBroker({ port: await findFreePort(), dataDir });
    try {
      const metadata = await withAdmin(second.brokers, (admin) => admin.fetchTopicMetadata({ topics: [topic] }));
      // num.partitions=3 applies when the creation request names no partition count.
      expect(metadata.topics[0]?.partitions).toHaveLength(3);
    } finally {
      await second.stop();
    }
    expect(fs.existsSync(path.join(dataDir, 'broker.log'))).toBe(true);
  });

  test('a cluster id that starts with "-" formats the storage and the broker comes up', async () => {
    const dataDir = path.join(dataRoot, 'kafka-dash-id');
    // 0xf8 makes the first base64url character '-', the id that once read as an option.
    const clusterId = Buffer.from([0xf8, ...Array.from({ length: 15 }, (_, i) => i + 1)]).toString('base64url');
    expect(clusterId.startsWith('-')).toBe(true);

    const broker = await startKafkaBroker({ port: await findFreePort(), dataDir, clusterId });
    try {
      const admin = new Kafka({ brokers: [broker.brokers], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        expect((await admin.describeCluster()).clusterId).toBe(clusterId);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await broker.stop();
    }
  });

  test('DynamoDB Local with a data dir keeps its tables across restarts', async () => {
    const dataDir = path.join(dataRoot, 'dynamodb');
    const tableName = `kept-${randomUUID()}`;
    const listTables = async (endpoint: string, create: boolean): Promise<string[]> => {
      const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: DYNAMODB_LOCAL_CREDENTIALS });
      try {
        if (create) {
          await client.send(
            new CreateTableCommand({
              TableName: tableName,
              AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
              KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
              BillingMode: 'PAY_PER_REQUEST',
            }),
          );
        }
        return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
      } finally {
        client.destroy();
      }
    };

    const first = await startDynamoDbLocal({ port: await findFreePort(), dataDir });
    try {
      expect(await listTables(first.endpoint, true)).toContain(tableName);
    } finally {
      await first.stop();
    }
    await first.stop();

    const second = await startDynamoDbLocal({ port: await findFreePort(), dataDir });
    try {
      expect(await listTables(second.endpoint, false)).toContain(tableName);
    } finally {
      await second.stop();
    }
  });
});
