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
import { dayOf, daysBetween, formatInstant } from '../../domain/time';
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

/**
 * Where a listing stands: after the event with this time and id, in newest-first order. The API
 * hands it out inside its own cursor; the repository rebuilds the index key from it, so a position
 * carries no storage detail.
 */
export interface ListingPosition {
  readonly eventTimeMs: number;
  readonly eventId: string;
}

/** A page of events, newest first, with the position the next page starts after, if there may be one. */
export interface EventPage {
  readonly items: EventObject[];
  readonly next?: ListingPosition;
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

/**
 * A position the table cannot resume from: outside the range listed, or refused by DynamoDB (a
 * hand-edited cursor can hold an id no key may carry). The listing's caller answers it as bad input.
 */
export class InvalidPositionError extends Error {
  override readonly name = 'InvalidPositionError';
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

  /**
   * Events with event time in `[fromMs, toMs)`, newest first, at most `limit`, continuing after
   * `after` when given. `next` is set when the page is full and more may follow.
   *
   * @throws InvalidPositionError when `after` is outside the range or DynamoDB refuses the key it makes
   */
  async listEvents(stream: string, fromMs: number, toMs: number, limit: number, after?: ListingPosition): Promise<EventPage> {
    if (after !== undefined && !(after.eventTimeMs >= fromMs && after.eventTimeMs < toMs)) {
      throw new InvalidPositionError('the position is outside the range listed');
    }
    try {
      return await this.readListing(stream, { fromMs, toMs }, limit, after);
    } catch (error) {
      // Only a position from outside can make a listing's key invalid; without one it is a bug.
      if (after !== undefined && isItemRejection(error)) throw new InvalidPositionError(`DynamoDB refused the position: ${describeStoreError(error)}`);
      throw error;
    }
  }

  private async readListing(stream: string, range: { fromMs: number; toMs: number }, limit: number, after?: ListingPosition): Promise<EventPage> {
    const days = daysBetween(range.fromMs, range.toMs).reverse();
    let dayIndex = after === undefined ? 0 : days.indexOf(dayOf(after.eventTimeMs));
    let startKey: Record<string, unknown> | undefined = after === undefined ? undefined : this.listingKey(stream, after);
    const items: EventObject[] = [];
    let last: StoredEvent | undefined;
    while (dayIndex < days.length) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          IndexName: BYSTREAMDAY.indexName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': BYSTREAMDAY.partitionKey.name, '#sk': BYSTREAMDAY.sortKey.name },
          ExpressionAttributeValues: {
            ':pk': `${stream}#${days[dayIndex] as string}`,
            ':from': formatInstant(range.fromMs),
            // Event ids follow '#', so every id of the last millisecond before `to` sorts before this bound.
            ':to': formatInstant(range.toMs - 1) + '$',
          },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of (page.Items ?? []) as StoredEvent[]) {
        items.push(eventOf(item));
        last = item;
      }
      startKey = page.LastEvaluatedKey;
      if (!startKey) dayIndex += 1;
      if (items.length >= limit && last !== undefined) {
        const more = startKey !== undefined || dayIndex < days.length;
        return more ? { items, next: { eventTimeMs: Date.parse(last.eventTime), eventId: last.eventId } } : { items };
      }
    }
    return { items };
  }

  /** The index key of a position: what DynamoDB resumes a listing after. */
  private listingKey(stream: string, position: ListingPosition): Record<string, string> {
    return {
      pk: eventKey(stream, position.eventId),
      [BYSTREAMDAY.partitionKey.name]: eventListingPartition(stream, position.eventTimeMs),
      [BYSTREAMDAY.sortKey.name]: eventListingSortKey(position.eventTimeMs, position.eventId),
    };
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
