/**
 * The `aggregates` table: one item per (stream, aggregation, minute window, group).
 *
 * Each touched item costs one consistent read (batched) and one conditional write per batch,
 * never one write per event. The write replaces the item with absolute values only if its
 * `version` is still the one read, so concurrent batches from other partitions and retried
 * batches both stay exact; see `applyDelta` for the offset marks that make retries idempotent.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { applyDelta, encodeGroup, type AggregateDelta, type AggregateKey, type AggregateState } from '../../domain/aggregation';
import { fromScaledInteger, toScaledInteger } from '../../domain/decimal';
import { dayOf, daysBetween, formatMinute, WINDOW_MS } from '../../domain/time';

/** One point of a series, as the API returns it. */
export interface AggregatePoint {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly group: Readonly<Record<string, string>>;
  readonly count: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
}

/** What one `applyDeltas` call did. */
export interface ApplyOutcome {
  /** Items written. */
  readonly written: number;
  /** Items whose delta was already folded in (a redelivered batch). */
  readonly unchanged: number;
  /** Writes that lost a race and were recomputed. */
  readonly conflicts: number;
}

/** Settings of the repository. */
export interface AggregatesRepositoryOptions {
  readonly tableName: string;
  /** Items expire this long after their window starts. */
  readonly retentionMs: number;
  /** Parallel conditional writes. */
  readonly writeConcurrency?: number;
  /** Attempts per item before the batch fails (and Lambda retries it). */
  readonly maxAttempts?: number;
  /** Clock for `updatedAt`; injectable for tests. */
  readonly now?: () => number;
}

interface StoredAggregate {
  pk: string;
  sk: string;
  stream: string;
  aggregation: string;
  windowStart: string;
  windowEnd: string;
  group: Record<string, string>;
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  scale?: number;
  offsets: Record<string, number>;
  version: number;
  updatedAt: string;
  expiresAt: number;
}

const BATCH_GET_LIMIT = 100;

/** The partition key of a day of one aggregation. */
export function aggregatePartitionKey(stream: string, aggregation: string, day: string): string {
  return `${stream}#${aggregation}#${day}`;
}

/** The sort key: window start first so one `Query` returns a day in time order. */
export function aggregateSortKey(windowStartMs: number, group: Readonly<Record<string, string>>): string {
  return `${formatMinute(windowStartMs)}#${encodeGroup(group)}`;
}

function keyOf(key: AggregateKey): { pk: string; sk: string } {
  return {
    pk: aggregatePartitionKey(key.stream, key.aggregation, dayOf(key.windowStartMs)),
    sk: aggregateSortKey(key.windowStartMs, key.group),
  };
}

function stateOf(item: StoredAggregate | undefined): AggregateState | undefined {
  if (!item) return undefined;
  const scale = item.scale ?? 0;
  const scaled = (value: number | undefined) => (value === undefined ? undefined : toScaledInteger(value, scale));
  return { count: item.count, sum: scaled(item.sum), min: scaled(item.min), max: scaled(item.max), offsets: item.offsets ?? {} };
}

function pointOf(item: StoredAggregate): AggregatePoint {
  return {
    windowStart: item.windowStart,
    windowEnd: item.windowEnd,
    group: item.group ?? {},
    count: item.count,
    ...(item.sum === undefined ? {} : { sum: item.sum, min: item.min, max: item.max }),
  };
}

async function mapWithConcurrency<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Reads and writes per-minute aggregates. */
export class AggregatesRepository {
  private readonly writeConcurrency: number;
  private readonly maxAttempts: number;
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: AggregatesRepositoryOptions,
  ) {
    this.writeConcurrency = options.writeConcurrency ?? 16;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.now = options.now ?? Date.now;
  }

  /** Folds each delta into its item: one consistent read and at most one conditional write per item. */
  async applyDeltas(deltas: readonly AggregateDelta[]): Promise<ApplyOutcome> {
    const current = await this.readItems(deltas.map((delta) => keyOf(delta.key)));
    let written = 0;
    let unchanged = 0;
    let conflicts = 0;
    await mapWithConcurrency(deltas, this.writeConcurrency, async (delta) => {
      const key = keyOf(delta.key);
      let item = current.get(`${key.pk}\u0000${key.sk}`);
      for (let attempt = 1; ; attempt += 1) {
        const next = applyDelta(stateOf(item), delta);
        if (!next) {
          unchanged += 1;
          return;
        }
        try {
          await this.writeItem(delta, next, item);
          written += 1;
          return;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException) || attempt >= this.maxAttempts) throw error;
          conflicts += 1;
          // Another writer got there first: start again from what it wrote.
          item = await this.readItem(key);
        }
      }
    });
    return { written, unchanged, conflicts };
  }

  /** Points of one aggregation with `windowStart` in `[fromMs, toMs)`, by window start, one `Query` per UTC day. */
  async querySeries(stream: string, aggregation: string, fromMs: number, toMs: number): Promise<AggregatePoint[]> {
    const points: AggregatePoint[] = [];
    const firstWindow = Math.ceil(fromMs / WINDOW_MS) * WINDOW_MS;
    const lastWindow = Math.ceil(toMs / WINDOW_MS) * WINDOW_MS - WINDOW_MS;
    if (lastWindow < firstWindow) return points;
    for (const day of daysBetween(firstWindow, lastWindow + 1)) {
      let exclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.options.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': aggregatePartitionKey(stream, aggregation, day),
              ':from': `${formatMinute(firstWindow)}#`,
              // '$' sorts after '#', so this includes every group of the last window.
              ':to': `${formatMinute(lastWindow)}$`,
            },
            ExclusiveStartKey: exclusiveStartKey,
          }),
        );
        for (const item of (page.Items ?? []) as StoredAggregate[]) points.push(pointOf(item));
        exclusiveStartKey = page.LastEvaluatedKey;
      } while (exclusiveStartKey);
    }
    return points;
  }

  private async writeItem(delta: AggregateDelta, next: AggregateState, previous: StoredAggregate | undefined): Promise<void> {
    const { key, scale } = delta;
    const windowEndMs = key.windowStartMs + WINDOW_MS;
    const measured = scale !== undefined && next.sum !== undefined;
    const item: StoredAggregate = {
      ...keyOf(key),
      stream: key.stream,
      aggregation: key.aggregation,
      windowStart: formatMinute(key.windowStartMs),
      windowEnd: formatMinute(windowEndMs),
      group: { ...key.group },
      count: next.count,
      ...(measured
        ? {
            sum: fromScaledInteger(next.sum as number, scale),
            min: fromScaledInteger(next.min as number, scale),
            max: fromScaledInteger(next.max as number, scale),
            scale,
          }
        : {}),
      offsets: { ...next.offsets },
      version: (previous?.version ?? 0) + 1,
      updatedAt: new Date(this.now()).toISOString(),
      expiresAt: Math.floor((windowEndMs + this.options.retentionMs) / 1000),
    };
    await this.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: item,
        ...(previous
          ? {
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': previous.version },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
  }

  private async readItem(key: { pk: string; sk: string }): Promise<StoredAggregate | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true }));
    return result.Item as StoredAggregate | undefined;
  }

  private async readItems(keys: readonly { pk: string; sk: string }[]): Promise<Map<string, StoredAggregate>> {
    const items = new Map<string, StoredAggregate>();
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, unknown>[] = keys.slice(start, start + BATCH_GET_LIMIT);
      for (let round = 0; pending.length > 0; round += 1) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
        const result = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.options.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of (result.Responses?.[this.options.tableName] ?? []) as StoredAggregate[]) {
          items.set(`${item.pk}\u0000${item.sk}`, item);
        }
        pending = result.UnprocessedKeys?.[this.options.tableName]?.Keys ?? [];
      }
    }
    return items;
  }
}
