/**
 * Creates the pipeline's topics and tables locally from the same definitions the CDK app uses
 * (the stream registry, `PIPELINE` and `config/tables.ts`). Safe to run again: what exists is kept.
 */
import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { KafkaAdmin } from '../lambdas/adapters/kafka';
import { PIPELINE, topicConfigOf } from '../lambdas/config/pipeline';
import type { TableDefinition } from '../lambdas/config/tables';


/** Creates the topics that do not exist yet on the local broker (one replica); returns those it created. */
export function createTopics(admin: Pick<KafkaAdmin, 'ensureTopics'>, topics: readonly string[]): Promise<string[]> {
  return admin.ensureTopics(topics, { partitions: PIPELINE.topics.partitions, replicationFactor: 1, configOf: topicConfigOf });
}

/** The CreateTable request for a definition: on-demand, as on AWS. */
export function createTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  const keyAttributes = [
    definition.partitionKey,
    ...(definition.sortKey ? [definition.sortKey] : []),
    ...definition.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const attributeDefinitions = [...new Map(keyAttributes.map((key) => [key.name, key])).values()];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
    KeySchema: [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(definition.globalSecondaryIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

/** Creates a table unless it exists, waits for it, and turns on its TTL; returns whether it created it. */
export async function createTable(client: DynamoDBClient, definition: TableDefinition, tableName: string): Promise<boolean> {
  let created = true;
  try {
    await client.send(new CreateTableCommand(createTableInput(definition, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    created = false;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
  if (created) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
  return created;
}
