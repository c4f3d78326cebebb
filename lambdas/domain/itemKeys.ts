/**
 * The keys of the items Pulse stores, and the store's limits on them. Pure, so that validation can
 * refuse a record whose keys the store would refuse, before anything is written: a key DynamoDB
 * rejects would otherwise fail its batch at every retry.
 *
 * Limits (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html):
 * a partition key value holds 1 to 2048 bytes, a sort key value 1 to 1024 bytes (UTF-8), and an
 * item at most 400 KB (1 KB = 1024 bytes), attribute names included.
 */
import { dayOf, formatInstant, formatMinute } from './time';

/** DynamoDB's limits that validation checks. */
export const STORE_LIMITS = {
  /** Bytes of a partition key value. */
  partitionKeyBytes: 2048,
  /** Bytes of a sort key value (also of a GSI's sort key). */
  sortKeyBytes: 1024,
  /** Bytes of one item, attribute names and values together. */
  itemBytes: 400 * 1024,
} as const;

/** A group as text (`category=ros%C3%A9%20wine`), in the aggregation's dimension order; `''` when ungrouped. */
export function encodeGroup(group: Readonly<Record<string, string>>): string {
  return Object.entries(group)
    .map(([dimension, value]) => `${encodeURIComponent(dimension)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** The partition key of a day of one aggregation. */
export function aggregatePartitionKey(stream: string, aggregation: string, day: string): string {
  return `${stream}#${aggregation}#${day}`;
}

/** The sort key: window start first so one `Query` returns a day in time order. */
export function aggregateSortKey(windowStartMs: number, group: Readonly<Record<string, string>>): string {
  return `${formatMinute(windowStartMs)}#${encodeGroup(group)}`;
}

/** Where one (stream, aggregation, window, group) lives in the `aggregates` table. */
export interface AggregateItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** The table key of an aggregate item. */
export function aggregateItemKey(key: {
  readonly stream: string;
  readonly aggregation: string;
  readonly windowStartMs: number;
  readonly group: Readonly<Record<string, string>>;
}): AggregateItemKey {
  return {
    pk: aggregatePartitionKey(key.stream, key.aggregation, dayOf(key.windowStartMs)),
    sk: aggregateSortKey(key.windowStartMs, key.group),
  };
}

/** The partition key of an event in the `events` table. */
export function eventKey(stream: string, eventId: string): string {
  return `${stream}#${eventId}`;
}

/** The partition key of the day's listing index: one stream's events of one UTC day. */
export function eventListingPartition(stream: string, eventTimeMs: number): string {
  return `${stream}#${dayOf(eventTimeMs)}`;
}

/** The sort key of the day's listing index: event time first, the id to keep equal times apart. */
export function eventListingSortKey(eventTimeMs: number, eventId: string): string {
  return `${formatInstant(eventTimeMs)}#${eventId}`;
}

/**
 * Why a key is beyond DynamoDB's limits, if it is: `category: makes a sort key of 1,031 bytes; at
 * most 1,024`.
 */
export function keyProblem(what: string, key: string, kind: 'partition' | 'sort'): string | undefined {
  const limit = kind === 'partition' ? STORE_LIMITS.partitionKeyBytes : STORE_LIMITS.sortKeyBytes;
  const bytes = Buffer.byteLength(key);
  return bytes > limit ? `${what}: makes a ${kind} key of ${bytes} bytes; DynamoDB takes at most ${limit}` : undefined;
}
