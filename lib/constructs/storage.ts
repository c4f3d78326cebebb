/**
 * The `events` and `aggregates` tables, built from the same key definitions the handlers and the
 * local twin use (`lambdas/config/tables.ts`): on-demand, encrypted, point-in-time recovery, TTL on
 * the definition's attribute, the GSI of the design, and kept when the stack is deleted.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AGGREGATES_TABLE, EVENTS_TABLE, type KeyAttribute, type TableDefinition } from '../../lambdas/config/tables';
import { TABLE_DEFAULTS } from '../defaults';

/** Properties of {@link PulseStorage}. */
export interface PulseStorageProps {
  /** What happens to the tables when they leave the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

const ATTRIBUTE_TYPES: Readonly<Record<KeyAttribute['type'], dynamodb.AttributeType>> = { S: dynamodb.AttributeType.STRING };

function attributeOf(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

/** The CDK table properties of a shared table definition, with the secure defaults. */
export function tablePropsOf(definition: TableDefinition, removalPolicy: RemovalPolicy = TABLE_DEFAULTS.removalPolicy): dynamodb.TableProps {
  return {
    ...TABLE_DEFAULTS,
    removalPolicy,
    partitionKey: attributeOf(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: attributeOf(definition.sortKey) } : {}),
    timeToLiveAttribute: definition.timeToLiveAttribute,
  };
}

/** A table of a shared definition, with its global secondary indexes. */
function tableOf(scope: Construct, id: string, definition: TableDefinition, removalPolicy?: RemovalPolicy): dynamodb.Table {
  const table = new dynamodb.Table(scope, id, tablePropsOf(definition, removalPolicy));
  for (const index of definition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attributeOf(index.partitionKey),
      sortKey: attributeOf(index.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}

/**
 * Grants exactly `actions` on a table and, when asked, on each of its indexes by name: narrower
 * than the CDK's `grant*` helpers, which add every index (`/index/*`) and more actions.
 */
function grantActions(grantee: iam.IGrantable, table: dynamodb.ITable, definition: TableDefinition, actions: readonly string[], withIndexes: boolean): iam.Grant {
  const indexArns = withIndexes ? definition.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`) : [];
  return iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [table.tableArn, ...indexArns] });
}

/** The pipeline's two DynamoDB tables, and the access each function needs to them. */
export class PulseStorage extends Construct {
  /** One item per valid event, with the by-stream-and-day index. */
  public readonly events: dynamodb.Table;
  /** One item per (stream, aggregation, minute, group). */
  public readonly aggregates: dynamodb.Table;

  constructor(scope: Construct, id: string, props: PulseStorageProps = {}) {
    super(scope, id);
    this.events = tableOf(this, 'Events', EVENTS_TABLE, props.removalPolicy);
    this.aggregates = tableOf(this, 'Aggregates', AGGREGATES_TABLE, props.removalPolicy);
  }

  /** Storing events: batched puts of whole items (a replay rewrites the same item). */
  grantEventWrites(grantee: iam.IGrantable): iam.Grant {
    return grantActions(grantee, this.events, EVENTS_TABLE, ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], false);
  }

  /** Folding into aggregates: consistent (batched) reads, then conditional puts. */
  grantAggregateUpdates(grantee: iam.IGrantable): iam.Grant {
    return grantActions(grantee, this.aggregates, AGGREGATES_TABLE, ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem'], false);
  }

  /** Serving the API: item reads and queries of both tables and their indexes. */
  grantQueries(grantee: iam.IGrantable): void {
    grantActions(grantee, this.events, EVENTS_TABLE, ['dynamodb:GetItem', 'dynamodb:Query'], true);
    grantActions(grantee, this.aggregates, AGGREGATES_TABLE, ['dynamodb:GetItem', 'dynamodb:Query'], true);
  }
}
