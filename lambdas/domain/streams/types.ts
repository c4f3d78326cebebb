/**
 * What a stream module declares. Everything else (topics, consumers, tables, API routes and
 * dashboard series) is derived from these declarations through the registry.
 */
import type { z } from 'zod';
import type { RandomSource } from '../random';

/** A decoded JSON object: every event is one. */
export type EventObject = Record<string, unknown>;

/** Measures an aggregation may hold; an average is derived as sum ÷ count when read. */
export type MeasureName = 'count' | 'sum' | 'min' | 'max';

/**
 * A field of an enriched event: of any of its variants when the stream's events are a union
 * (`category` of a sale, `adjustment_type` of a stock adjustment), so that an aggregation can
 * group or measure what only the events its `where` selects carry.
 */
export type FieldOf<E> = E extends unknown ? keyof E & string : never;

/** The numeric field summed (and min/max-ed) by an aggregation, with its exact decimal scale. */
export interface MeasuredField<E> {
  /** Field of the enriched event. */
  readonly field: FieldOf<E>;
  /** Decimal places kept exactly (2 for money). */
  readonly scale: number;
}

/** One per-minute aggregation of a stream. */
export interface AggregationDefinition<E> {
  /** Name used in the API and table keys. */
  readonly name: string;
  /** One-line description for the API and dashboard. */
  readonly description: string;
  /** Which enriched events are folded; all when absent. */
  where?(event: E): boolean;
  /** Dimensions of the enriched event to group by; empty for one series. */
  readonly groupBy: readonly FieldOf<E>[];
  /** The field behind `sum`, `min` and `max`; count-only when absent. */
  readonly measure?: MeasuredField<E>;
}

/** A stream: one kind of event, its schema, generator, enrichment and aggregations. */
export interface StreamDefinition<Raw extends EventObject = EventObject, Enriched extends EventObject = EventObject> {
  /** Stream name: also the Kafka topic and the first part of every key. */
  readonly name: string;
  /** One-line description. */
  readonly description: string;
  /** Validates a decoded JSON object; unknown extra fields are kept. */
  readonly schema: z.ZodType<Raw>;
  /** The event id (idempotency key of the `events` table). */
  eventId(event: Raw): string;
  /** The Kafka key: the entity whose events must stay in order. */
  partitionKey(event: Raw): string;
  /**
   * The event time: the ISO-8601 text the event carries, or epoch ms (such as the Kafka record
   * time, for an event that carries none). Validation parses the text and applies the time bounds.
   *
   * @param recordTimestampMs - the Kafka record timestamp, ms since the epoch, already checked to
   *   be a date from 1970 to 9999
   */
  eventTime(event: Raw, recordTimestampMs: number): string | number;
  /** Pure and deterministic: the same event always gives the same enriched event. */
  enrich(event: Raw): Enriched;
  /** A realistic random event at `nowMs`. */
  generate(random: RandomSource, nowMs: number): Raw;
  /** The per-minute aggregations (the `invalid` aggregation is added for every stream). */
  readonly aggregations: readonly AggregationDefinition<Enriched>[];
}

/** A stream with its types erased, as the registry holds it. */
export type AnyStreamDefinition = StreamDefinition<EventObject, EventObject>;
