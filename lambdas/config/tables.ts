/**
 * Key schemas of the two DynamoDB tables, in a neutral form that both the CDK storage construct
 * and the local twin turn into tables, so that AWS and DynamoDB Local cannot disagree.
 */

/** A key attribute; every key in Pulse is a string. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S';
}

/** A global secondary index projecting all attributes. */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}

/** What the infrastructure needs to create one table. */
export interface TableDefinition {
  /** Logical name; the physical name comes from the environment (`EVENTS_TABLE`, `AGGREGATES_TABLE`). */
  readonly logicalName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Attribute holding the expiry time in epoch seconds. */
  readonly timeToLiveAttribute: string;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
}

/** `events`: one item per valid event; the GSI lists a stream's events by time without a scan. */
export const EVENTS_TABLE: TableDefinition = {
  logicalName: 'events',
  partitionKey: { name: 'pk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      // Bucketed by stream and UTC day, so one day's events sit in one partition, sorted by time.
      indexName: 'byStreamDay',
      partitionKey: { name: 'streamDay', type: 'S' },
      sortKey: { name: 'eventTimeId', type: 'S' },
    },
  ],
};

/** `aggregates`: partition = stream + aggregation + UTC day, sort = window start + group. */
export const AGGREGATES_TABLE: TableDefinition = {
  logicalName: 'aggregates',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [],
};

/** Both tables, for code that creates them all. */
export const TABLE_DEFINITIONS: readonly TableDefinition[] = [EVENTS_TABLE, AGGREGATES_TABLE];

/** A column of a CQL table. */
export interface CqlColumn {
  readonly name: string;
  readonly type: 'text' | 'bigint' | 'decimal' | 'timestamp' | 'map<text, text>';
}

/** What the infrastructure needs to create the Amazon Keyspaces mirror of a table. */
export interface CqlTableDefinition {
  readonly tableName: string;
  readonly partitionKey: readonly CqlColumn[];
  readonly clusteringKey: readonly CqlColumn[];
  readonly columns: readonly CqlColumn[];
}

/**
 * The optional Amazon Keyspaces mirror of `aggregates`: the same keys and absolute values (no
 * counters), so writing a row again after a retried batch leaves it as it was. Rows expire after
 * the aggregates' retention through the table's default TTL.
 */
export const AGGREGATES_MIRROR: CqlTableDefinition = {
  tableName: 'aggregates',
  partitionKey: [{ name: AGGREGATES_TABLE.partitionKey.name, type: 'text' }],
  clusteringKey: AGGREGATES_TABLE.sortKey ? [{ name: AGGREGATES_TABLE.sortKey.name, type: 'text' }] : [],
  columns: [
    { name: 'stream', type: 'text' },
    { name: 'aggregation', type: 'text' },
    { name: 'window_start', type: 'timestamp' },
    { name: 'window_end', type: 'timestamp' },
    { name: 'group_values', type: 'map<text, text>' },
    { name: 'count', type: 'bigint' },
    { name: 'sum', type: 'decimal' },
    { name: 'min', type: 'decimal' },
    { name: 'max', type: 'decimal' },
    { name: 'updated_at', type: 'timestamp' },
  ],
};
