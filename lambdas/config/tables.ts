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
