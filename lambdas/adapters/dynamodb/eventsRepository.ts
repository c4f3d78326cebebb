/**
 * The `events` table: one item per valid event, keyed by stream and event id, so a replay writes
 * the same item again. A GSI keyed by stream and UTC day lists a stream's events by time
 * without a scan.
 *
 * The enriched event is stored as its JSON text (attribute `event`), exactly as validation wrote
 * it: a number no double holds, a nesting DynamoDB maps would refuse or an empty member name all
 * survive the trip, and reading it back costs one parse.
 */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EVENTS_TABLE } from '../../config/tables';
import { exactDocument } from '../../domain/eventJson';
import { eventKey, eventListingPartition, eventListingSortKey } from '../../domain/itemKeys';
import type { EventObject } from '../../domain/streams/types';
import { daysBetween, formatInstant } from '../../domain/time';
import { UnfinishedWorkError, withRetries, type RetryObserver, type RetryPolicy } from '../retry';
import { describeStoreError, isItemRejection } from './errors';

/** A valid event ready to store. */
export interface EventToStore {
  readonly stream: string;
  readonly eventId: string;
  readonly eventTimeMs: number;
  /** The enriched event as JSON text. */
  readonly enrichedJson: string;
}

/** An event DynamoDB refused for what it holds; everything else of the call was stored. */
export interface RejectedEvent {
  readonly event: EventToStore;
  /** DynamoDB's message. */
  readonly detail: string;
}

/** A page of events, newest first, with the cursor of the next page if there is one. */
export interface EventPage {
  readonly items: EventObject[];
  readonly cursor?: string;
}

/** Settings of the repository. */
export interface EventsRepositoryOptions {
  readonly tableName: string;
  /** Items expire this long after their event time, in ms. */
  readonly retentionMs: number;
  /** Retries of unprocessed items; the batch fails (and is retried whole) after the last. */
  readonly retryPolicy?: RetryPolicy;
  /** Told of every retry round, to log and count it. */
  readonly onRetry?: RetryObserver;
}

const BATCH_WRITE_LIMIT = 25;
const BYSTREAMDAY = EVENTS_TABLE.globalSecondaryIndexes[0] as (typeof EVENTS_TABLE.globalSecondaryIndexes)[number];

interface StoredEvent {
  pk: string;
  stream: string;
  eventId: string;
  eventTime: string;
  streamDay: string;
  eventTimeId: string;
  /** JSON text; items written before events were kept as text hold a map. */
  event: string | EventObject;
  expiresAt: number;
}

/** The enriched event of a stored item. */
function eventOf(item: StoredEvent): EventObject {
  if (typeof item.event !== 'string') return item.event;
  return exactDocument(item.event, JSON.parse(item.event)).value as EventObject;
}

interface CursorState {
  /** Day being read. */
  d: string;
  /** Where the last page of that day stopped. */
  k?: Record<string, unknown>;
}

/** A cursor that cannot be decoded; the API answers it with a 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

const STRING_KEY_NAMES = ['pk', BYSTREAMDAY.partitionKey.name, BYSTREAMDAY.sortKey.name];

/** A cursor's resume key must be exactly an index key of this stream's day, or DynamoDB rejects it later. */
function isResumeKey(key: unknown, stream: string, day: string): key is Record<string, string> {
  if (typeof key !== 'object' || key === null) return false;
  const entries = Object.entries(key);
  return (
    entries.length === STRING_KEY_NAMES.length &&
    entries.every(([name, value]) => STRING_KEY_NAMES.includes(name) && typeof value === 'string') &&
    (key as Record<string, string>)[BYSTREAMDAY.partitionKey.name] === `${stream}#${day}`
  );
}

function decodeCursor(cursor: string, stream: string): CursorState {
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState;
    if (typeof state.d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(state.d)) throw new Error('bad day');
    if (state.k !== undefined && !isResumeKey(state.k, stream, state.d)) throw new Error('bad key');
    return state;
  } catch {
    throw new InvalidCursorError('cursor is not one this API returned; start again without it');
  }
}

/** Stores and reads enriched events. */
export class EventsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: EventsRepositoryOptions,
  ) {}

  /**
   * Writes events in batches of 25, retrying unprocessed items with bounded, jittered backoff; the
   * last of duplicate ids wins. A batch DynamoDB refuses as a whole (`ValidationException`) is
   * written item by item, so that only the items at fault are returned, never thrown.
   *
   * @returns the events DynamoDB refused for what they hold
   * @throws the store's error when writes keep failing transiently; the batch is then retried
   */
  async putEvents(events: readonly EventToStore[]): Promise<RejectedEvent[]> {
    const unique = new Map<string, { event: EventToStore; item: StoredEvent }>();
    for (const event of events) {
      const item = this.toItem(event);
      unique.set(item.pk, { event, item });
    }
    const entries = [...unique.values()];
    const rejected: RejectedEvent[] = [];
    for (let start = 0; start < entries.length; start += BATCH_WRITE_LIMIT) {
      const chunk = entries.slice(start, start + BATCH_WRITE_LIMIT);
      try {
        await this.writeBatch(chunk.map(({ item }) => item));
      } catch (error) {
        if (!isItemRejection(error)) throw error;
        for (const entry of chunk) {
          const refusal = await this.writeOne(entry.item);
          if (refusal !== undefined) rejected.push({ event: entry.event, detail: refusal });
        }
      }
    }
    return rejected;
  }

  private async writeBatch(items: readonly StoredEvent[]): Promise<void> {
    let pending: Record<string, unknown>[] = items.map((Item) => ({ PutRequest: { Item } }));
    await withRetries(
      `BatchWriteItem ${this.options.tableName}`,
      async () => {
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.options.tableName]: pending as never } }));
        pending = (result.UnprocessedItems?.[this.options.tableName] ?? []) as Record<string, unknown>[];
        if (pending.length > 0) throw new UnfinishedWorkError(`${pending.length} items left unprocessed by BatchWriteItem`);
      },
      { policy: this.options.retryPolicy, isRetryable: (error) => error instanceof UnfinishedWorkError, onRetry: this.options.onRetry },
    );
  }

  /** Writes one item; returns DynamoDB's reason when it refuses the item itself. */
  private async writeOne(item: StoredEvent): Promise<string | undefined> {
    try {
      await this.client.send(new PutCommand({ TableName: this.options.tableName, Item: item }));
      return undefined;
    } catch (error) {
      if (isItemRejection(error)) return describeStoreError(error);
      throw error;
    }
  }

  /** One enriched event, or undefined. */
  async getEvent(stream: string, eventId: string): Promise<EventObject | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { pk: eventKey(stream, eventId) } }),
    );
    const item = result.Item as StoredEvent | undefined;
    return item === undefined ? undefined : eventOf(item);
  }

  /** Events with event time in `[fromMs, toMs)`, newest first, `limit` at most per page. */
  async listEvents(stream: string, fromMs: number, toMs: number, limit: number, cursor?: string): Promise<EventPage> {
    const days = daysBetween(fromMs, toMs).reverse();
    const state = cursor ? decodeCursor(cursor, stream) : undefined;
    let dayIndex = state ? days.indexOf(state.d) : 0;
    if (dayIndex < 0) throw new InvalidCursorError('cursor does not belong to this time range; start again without it');
    let startKey = state?.k;
    const items: EventObject[] = [];
    while (dayIndex < days.length) {
      const day = days[dayIndex] as string;
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          IndexName: BYSTREAMDAY.indexName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': BYSTREAMDAY.partitionKey.name, '#sk': BYSTREAMDAY.sortKey.name },
          ExpressionAttributeValues: {
            ':pk': `${stream}#${day}`,
            ':from': formatInstant(fromMs),
            // Event ids follow '#', so every id of the last millisecond before `to` sorts before this bound.
            ':to': formatInstant(toMs - 1) + '$',
          },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of (page.Items ?? []) as StoredEvent[]) items.push(eventOf(item));
      startKey = page.LastEvaluatedKey;
      if (!startKey) {
        dayIndex += 1;
      }
      if (items.length >= limit) {
        const more = startKey !== undefined || dayIndex < days.length;
        return more ? { items, cursor: encodeCursor({ d: days[dayIndex] as string, ...(startKey ? { k: startKey } : {}) }) } : { items };
      }
    }
    return { items };
  }

  private toItem(event: EventToStore): StoredEvent {
    return {
      pk: eventKey(event.stream, event.eventId),
      stream: event.stream,
      eventId: event.eventId,
      eventTime: formatInstant(event.eventTimeMs),
      streamDay: eventListingPartition(event.stream, event.eventTimeMs),
      eventTimeId: eventListingSortKey(event.eventTimeMs, event.eventId),
      event: event.enrichedJson,
      expiresAt: Math.floor((event.eventTimeMs + this.options.retentionMs) / 1000),
    };
  }
}
