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

/**
 * How a dashboard should show an aggregation. Every hint is optional: the registry fills in a
 * default from the aggregation itself (see `display.ts`), so a stream without hints still gets a
 * sensible chart.
 */
export interface AggregationDisplayHints {
  /** Chart title; the aggregation's description by default. */
  readonly title?: string;
  /** What one counted event is, plural, as in "12 purchases"; `events` by default. */
  readonly unit?: string;
  /** The measure charted: the sum of a measured aggregation by default, else the count. */
  readonly chart?: 'count' | 'sum';
  /** The legend's name of an ungrouped series; the aggregation's name by default. */
  readonly seriesLabel?: string;
  /**
   * Groups with a natural order, in that order (stacked bottom first, coloured in this order):
   * the funnel `view`, `add_to_cart`, `purchase`, or priorities low to high. Others follow by name.
   */
  readonly groupOrder?: readonly string[];
}

/** One headline number of a stream over the range shown: a measure of one aggregation, optionally of one group. */
export interface TotalHint {
  /** Stable key, for tests and styling. */
  readonly key: string;
  readonly label: string;
  /** An aggregation of the same stream. */
  readonly aggregation: string;
  /** `sum` only of a measured aggregation. */
  readonly measure: 'count' | 'sum';
  /** Only the points of this group (e.g. priority high); all points when absent. */
  readonly group?: Readonly<Record<string, string>>;
}

/** How a dashboard should show a stream; defaults come from the stream (see `display.ts`). */
export interface StreamDisplayHints {
  /** Section title; the stream's name by default. */
  readonly title?: string;
  /** Headline numbers; by default the events counted by the first aggregation and each measured sum. Dead letters are always added. */
  readonly totals?: readonly TotalHint[];
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
  /** How a dashboard shows it. */
  readonly display?: AggregationDisplayHints;
}

/** A stream: one kind of event, its schema, generator, enrichment and aggregations. */
export interface StreamDefinition<Raw extends EventObject = EventObject, Enriched extends EventObject = EventObject> {
  /** Stream name: also the Kafka topic and the first part of every key. */
  readonly name: string;
  /** One-line description. */
  readonly description: string;
  /** How a dashboard shows it. */
  readonly display?: StreamDisplayHints;
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
