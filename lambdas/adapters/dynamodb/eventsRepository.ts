/**
 * The `events` table: one item per valid event, keyed by stream and event id, so a replay writes
 * the same item again. A GSI keyed by stream and UTC day lists a stream's events by time
 * without a scan.
 */
import { BatchWriteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EVENTS_TABLE } from '../../config/tables';
import type { EventObject } from '../../domain/streams/types';
import { dayOf, daysBetween, formatInstant } from '../../domain/time';

/** A valid event ready to store. */
export interface EventToStore {
  readonly stream: string;
  readonly eventId: string;
  readonly eventTimeMs: number;
  readonly enriched: EventObject;
}

/** A page of events, newest first, with the cursor of the next page if there is one. */
export interface EventPage {
  readonly items: EventObject[];
  readonly cursor?: string;
}

/** Settings of the repository. */
export interface EventsRepositoryOptions {
  readonly tableName: string;
  /** Items expire this long after their event time. */
  readonly retentionMs: number;
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
  event: EventObject;
  expiresAt: number;
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

/** The partition key of an event. */
export function eventKey(stream: string, eventId: string): string {
  return `${stream}#${eventId}`;
}

/** Stores and reads enriched events. */
export class EventsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: EventsRepositoryOptions,
  ) {}

  /** Writes events in batches of 25, retrying unprocessed items; the last of duplicate ids wins. */
  async putEvents(events: readonly EventToStore[]): Promise<void> {
    const unique = new Map<string, StoredEvent>();
    for (const event of events) {
      const item = this.toItem(event);
      unique.set(item.pk, item);
    }
    const items = [...unique.values()];
    for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
      let pending = items.slice(start, start + BATCH_WRITE_LIMIT).map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; pending.length > 0; round += 1) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.options.tableName]: pending } }));
        pending = (result.UnprocessedItems?.[this.options.tableName] ?? []) as typeof pending;
      }
    }
  }

  /** One enriched event, or undefined. */
  async getEvent(stream: string, eventId: string): Promise<EventObject | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { pk: eventKey(stream, eventId) } }),
    );
    return (result.Item as StoredEvent | undefined)?.event;
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
      for (const item of (page.Items ?? []) as StoredEvent[]) items.push(item.event);
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
    const eventTime = formatInstant(event.eventTimeMs);
    return {
      pk: eventKey(event.stream, event.eventId),
      stream: event.stream,
      eventId: event.eventId,
      eventTime,
      streamDay: `${event.stream}#${dayOf(event.eventTimeMs)}`,
      eventTimeId: `${eventTime}#${event.eventId}`,
      event: event.enriched,
      expiresAt: Math.floor((event.eventTimeMs + this.options.retentionMs) / 1000),
    };
  }
}
