/**
 * The `aggregates` table: one item per (stream, aggregation, minute window, group).
 *
 * Each touched item costs one consistent read (batched) and one conditional write per batch,
 * never one write per event. The write replaces the item with absolute values only if its
 * `version` is still the one read, so concurrent batches from other partitions and retried
 * batches both stay exact; see `applyDelta` for the offset marks that make retries idempotent.
 *
 * Sums, minimums and maximums are DynamoDB numbers written from exact decimal text (up to 38
 * significant digits), never through a double, so no volume of events makes an item unreadable.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, NumberValue, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AggregatePoint } from '../../domain/aggregatePoint';
import { applyDelta, type AggregateDelta, type AggregateState } from '../../domain/aggregation';
import { formatScaled, parseScaled } from '../../domain/decimal';
import { aggregateItemKey, aggregatePartitionKey, type AggregateItemKey } from '../../domain/itemKeys';
import { daysBetween, formatMinute, WINDOW_MS } from '../../domain/time';
import { UnfinishedWorkError, withRetries, type RetryObserver, type RetryPolicy } from '../retry';
import { describeStoreError, isItemRejection } from './errors';

/** An item DynamoDB refused for what it holds: a bug the records behind it are counted for as `unprocessable`. */
export interface RejectedDelta {
  readonly delta: AggregateDelta;
  /** DynamoDB's message. */
  readonly detail: string;
}

/** What one `applyDeltas` call did. */
export interface ApplyOutcome {
  /** Items written. */
  readonly written: number;
  /** Items whose delta was already folded in (a redelivered batch). */
  readonly unchanged: number;
  /** Writes that lost a race and were recomputed. */
  readonly conflicts: number;
  /** Items DynamoDB refused (`ValidationException`); everything else was written. */
  readonly rejected: readonly RejectedDelta[];
}

/** Settings of the repository. */
export interface AggregatesRepositoryOptions {
  readonly tableName: string;
  /** Items expire this long after their window ends, in ms. */
  readonly retentionMs: number;
  /** Parallel conditional writes. */
  readonly writeConcurrency?: number;
  /** Retries of unprocessed keys and lost races; the batch fails (and is retried whole) after the last. */
  readonly retryPolicy?: RetryPolicy;
  /** Told of every retry round, to log and count it. */
  readonly onRetry?: RetryObserver;
  /** Clock for `updatedAt`; injectable for tests. */
  readonly now?: () => number;
}

/** An item as stored; numbers arrive as `NumberValue`s (exact text) or, from older code and fakes, as numbers. */
interface StoredAggregate {
  pk: string;
  sk: string;
  stream: string;
  aggregation: string;
  windowStart: string;
  windowEnd: string;
  group: Record<string, string>;
  count: StoredNumber;
  sum?: StoredNumber;
  min?: StoredNumber;
  max?: StoredNumber;
  scale?: StoredNumber;
  offsets: Record<string, StoredNumber>;
  version: StoredNumber;
  updatedAt: string;
  expiresAt: StoredNumber;
}

type StoredNumber = number | NumberValue;

const BATCH_GET_LIMIT = 100;

function numberOf(value: StoredNumber): number {
  return typeof value === 'number' ? value : Number(value.value);
}

function textOf(value: StoredNumber): string {
  return typeof value === 'number' ? String(value) : value.value;
}

function itemId(key: AggregateItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}

function stateOf(item: StoredAggregate | undefined): AggregateState | undefined {
  if (!item) return undefined;
  const scale = item.scale === undefined ? 0 : numberOf(item.scale);
  const scaled = (value: StoredNumber | undefined) => (value === undefined ? undefined : parseScaled(textOf(value), scale));
  const offsets: Record<string, number> = {};
  for (const [partition, offset] of Object.entries(item.offsets ?? {})) offsets[partition] = numberOf(offset);
  return { count: numberOf(item.count), sum: scaled(item.sum), min: scaled(item.min), max: scaled(item.max), offsets };
}

function pointOf(item: StoredAggregate): AggregatePoint {
  const state = stateOf(item) as AggregateState;
  return {
    windowStart: item.windowStart,
    windowEnd: item.windowEnd,
    group: item.group ?? {},
    count: state.count,
    ...(state.sum === undefined || item.scale === undefined ? {} : { scale: numberOf(item.scale), sum: state.sum, min: state.min, max: state.max }),
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
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: AggregatesRepositoryOptions,
  ) {
    this.writeConcurrency = options.writeConcurrency ?? 16;
    this.now = options.now ?? Date.now;
  }

  /**
   * Folds each delta into its item: one consistent read and at most one conditional write per
   * item. A lost race re-reads the item and tries again, with bounded, jittered backoff.
   *
   * @throws the store's error when a write keeps failing transiently; the batch is then retried
   */
  async applyDeltas(deltas: readonly AggregateDelta[]): Promise<ApplyOutcome> {
    const current = await this.readItems(deltas.map((delta) => aggregateItemKey(delta.key)));
    let written = 0;
    let unchanged = 0;
    let conflicts = 0;
    const rejected: RejectedDelta[] = [];
    await mapWithConcurrency(deltas, this.writeConcurrency, async (delta) => {
      const key = aggregateItemKey(delta.key);
      let item = current.get(itemId(key));
      try {
        await withRetries(
          `conditional PutItem ${this.options.tableName}`,
          async (attempt) => {
            // Another writer got there first: start again from what it wrote.
            if (attempt > 1) item = await this.readItem(key);
            const next = applyDelta(stateOf(item), delta);
            if (!next) {
              unchanged += 1;
              return;
            }
            try {
              await this.writeItem(delta, next, item);
            } catch (error) {
              if (error instanceof ConditionalCheckFailedException) conflicts += 1;
              throw error;
            }
            written += 1;
          },
          { policy: this.options.retryPolicy, isRetryable: (error) => error instanceof ConditionalCheckFailedException, onRetry: this.options.onRetry },
        );
      } catch (error) {
        if (!isItemRejection(error)) throw error;
        rejected.push({ delta, detail: describeStoreError(error) });
      }
    });
    return { written, unchanged, conflicts, rejected };
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

  /** Resolves when the table answers a read; rejects with the store's error otherwise. */
  async ping(): Promise<void> {
    await this.client.send(new GetCommand({ TableName: this.options.tableName, Key: HEALTH_PROBE_KEY }));
  }

  private async writeItem(delta: AggregateDelta, next: AggregateState, previous: StoredAggregate | undefined): Promise<void> {
    const { key, scale } = delta;
    const windowEndMs = key.windowStartMs + WINDOW_MS;
    const measured = scale !== undefined && next.sum !== undefined;
    const decimal = (value: bigint | undefined) => new NumberValue(formatScaled(value as bigint, scale as number));
    const item = {
      ...aggregateItemKey(key),
      stream: key.stream,
      aggregation: key.aggregation,
      windowStart: formatMinute(key.windowStartMs),
      windowEnd: formatMinute(windowEndMs),
      group: { ...key.group },
      count: next.count,
      ...(measured ? { sum: decimal(next.sum), min: decimal(next.min), max: decimal(next.max), scale } : {}),
      offsets: { ...next.offsets },
      version: (previous === undefined ? 0 : numberOf(previous.version)) + 1,
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

  private async readItem(key: AggregateItemKey): Promise<StoredAggregate | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true }));
    return result.Item as StoredAggregate | undefined;
  }

  private async readItems(keys: readonly AggregateItemKey[]): Promise<Map<string, StoredAggregate>> {
    const items = new Map<string, StoredAggregate>();
    const unique = [...new Map(keys.map((key) => [itemId(key), key])).values()];
    for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, unknown>[] = unique.slice(start, start + BATCH_GET_LIMIT).map((key) => ({ ...key }));
      await withRetries(
        `BatchGetItem ${this.options.tableName}`,
        async () => {
          const result = await this.client.send(
            new BatchGetCommand({ RequestItems: { [this.options.tableName]: { Keys: pending, ConsistentRead: true } } }),
          );
          for (const item of (result.Responses?.[this.options.tableName] ?? []) as StoredAggregate[]) items.set(itemId(item), item);
          pending = result.UnprocessedKeys?.[this.options.tableName]?.Keys ?? [];
          if (pending.length > 0) throw new UnfinishedWorkError(`${pending.length} keys left unprocessed by BatchGetItem`);
        },
        { policy: this.options.retryPolicy, isRetryable: (error) => error instanceof UnfinishedWorkError, onRetry: this.options.onRetry },
      );
    }
    return items;
  }
}

/**
 * A key that never exists: reading it proves the table exists and may be read, for half a read
 * unit, where `DescribeTable` would need a control-plane permission and is throttled far lower.
 */
const HEALTH_PROBE_KEY = { pk: '#pulse-health-probe', sk: '#pulse-health-probe' };
