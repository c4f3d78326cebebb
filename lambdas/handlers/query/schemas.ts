/**
 * The bodies the query API answers with, as zod schemas. Each route declares the schemas of its
 * responses, so the router type-checks what a handler returns against them and generates the
 * OpenAPI document's response schemas from them; the unit tests then check every actual response
 * against the generated document. A schema with an `id` becomes a named component of the document.
 *
 * This module depends on zod only: the dashboard imports its types into browser code.
 */
import { z } from 'zod';

/** The error codes of the API; each has one HTTP status. */
export const ERROR_CODES = ['bad_request', 'not_found', 'method_not_allowed', 'internal_error'] as const;

/** A time the API answers with: UTC, whole seconds for window bounds, milliseconds where the input had them. */
export const utcInstant = z.iso
  .datetime({ offset: false })
  .describe('ISO-8601 date-time in UTC, e.g. 2026-11-25T04:00:00Z')
  .meta({ id: 'UtcInstant' });

/** Every 4xx and 5xx the function answers. */
export const errorBody = z
  .object({
    error: z.enum(ERROR_CODES).describe('what kind of failure; the HTTP status follows from it'),
    message: z.string().describe('what is wrong and how to fix it, naming the parameter at fault'),
  })
  .describe('A failed request')
  .meta({ id: 'Error' });

/** `GET /health` when the tables answer. */
export const healthBody = z
  .object({
    status: z.literal('ok'),
    tables: z.object({ events: z.string(), aggregates: z.string() }).optional().describe('physical table names, when configured'),
    time: utcInstant,
  })
  .describe('The function and its tables are reachable')
  .meta({ id: 'Health' });

/** `GET /health` when the tables do not answer. */
export const healthUnavailableBody = z
  .object({ status: z.literal('unavailable'), message: z.string() })
  .describe('The tables are not reachable from the query function')
  .meta({ id: 'HealthUnavailable' });

/** The measures an aggregation may hold; an average is sum ÷ count. */
export const measureName = z.enum(['count', 'sum', 'min', 'max']);

/** Whether a chart or total reads as normal, or as trouble (dead letters). */
const tone = z.enum(['normal', 'bad']);

/** How a dashboard should show an aggregation; every field is filled in, from the stream's hints or defaults. */
export const aggregationDisplay = z
  .object({
    title: z.string().describe('chart title'),
    unit: z.string().describe('what one counted event is, plural, as in "12 purchases"'),
    chart: z.enum(['count', 'sum']).describe('the measure to chart'),
    seriesLabel: z.string().describe('legend name of an ungrouped series'),
    groupOrder: z.array(z.string()).describe('groups with a natural order, in that order (stacked bottom first, coloured in this order); others follow by name'),
    decimals: z.number().int().nonnegative().describe('decimal places of the sums (2 for money); 0 when count-only'),
    tone: tone.describe('bad for the dead letters, which should read as trouble'),
  })
  .meta({ id: 'AggregationDisplay' });

/** An aggregation as `GET /v1/streams` lists it. */
export const aggregationDescription = z
  .object({
    name: z.string().describe('the name used in the aggregation routes'),
    description: z.string(),
    groupBy: z.array(z.string()).describe('dimensions of the groups; empty for one series'),
    measures: z.array(measureName).describe('count always; sum, min and max for a measured aggregation'),
    display: aggregationDisplay,
  })
  .meta({ id: 'Aggregation' });

/** A headline number a dashboard should show for a stream over the range it shows. */
export const totalDisplay = z
  .object({
    key: z.string().describe('stable key'),
    label: z.string(),
    aggregation: z.string().describe('an aggregation of the same stream'),
    measure: z.enum(['count', 'sum']).describe('sum only of a measured aggregation'),
    group: z.record(z.string(), z.string()).optional().describe('only the points of this group; all points when absent'),
    tone,
  })
  .meta({ id: 'TotalDisplay' });

/** `GET /v1/streams`. */
export const streamsBody = z
  .object({
    streams: z.array(
      z.object({
        name: z.string().describe('the stream, also its Kafka topic'),
        description: z.string(),
        display: z.object({ title: z.string().describe('section title'), totals: z.array(totalDisplay).describe('headline numbers, dead letters last') }),
        aggregations: z.array(aggregationDescription).describe('the invalid aggregation (dead letters by reason) last'),
      }),
    ),
    limits: z.object({ maxRangeDays: z.number().int().positive().describe('longest [from, to) one request may span') }),
  })
  .describe('Every stream, its per-minute aggregations and how a dashboard should show them')
  .meta({ id: 'Streams' });

/**
 * An exact decimal number, as JSON text: sums have no 15-digit ceiling (a double's), so they travel
 * as strings holding every digit, never as JSON numbers a client would round.
 */
export const exactDecimal = z
  .string()
  .regex(/^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/)
  .describe(
    'an exact decimal number as text, e.g. "1234.56" or "-5": every digit is kept, so read it with a decimal type ' +
      '(BigDecimal, decimal.Decimal, a bigint of its smallest unit); Number() or float() is exact only up to 15 significant digits',
  )
  .meta({ id: 'ExactDecimal' });

/** A group: dimension name to value; `{}` for an ungrouped aggregation. */
const group = z.record(z.string(), z.string()).describe('dimension to value; {} when the aggregation has no groups');

/** One minute of one group. */
export const seriesPoint = z
  .object({
    windowStart: utcInstant,
    windowEnd: utcInstant,
    group,
    count: z.number().int().nonnegative(),
    sum: exactDecimal.optional().describe('only for measured aggregations; exact to its decimal scale'),
    min: exactDecimal.optional().describe('only for measured aggregations'),
    max: exactDecimal.optional().describe('only for measured aggregations'),
  })
  .meta({ id: 'SeriesPoint' });

/** What an answer about an aggregation over a range echoes of the request: which one, and the range resolved. */
const aggregationRange = { stream: z.string(), aggregation: z.string(), from: utcInstant, to: utcInstant };

/** `GET /v1/streams/{stream}/aggregations/{aggregation}`. */
export const seriesBody = z
  .object({
    ...aggregationRange,
    points: z.array(seriesPoint).describe('sorted by windowStart, then by group'),
  })
  .describe('The per-minute points of [from, to)')
  .meta({ id: 'Series' });

/** `GET /v1/streams/{stream}/aggregations/{aggregation}/top`. */
export const topBody = z
  .object({
    ...aggregationRange,
    by: z.enum(['count', 'sum']),
    items: z
      .array(
        z.object({
          group,
          count: z.number().int().nonnegative(),
          sum: exactDecimal.optional().describe('only for measured aggregations'),
        }),
      )
      .describe('largest first; ties in group order'),
  })
  .describe('The groups with the largest totals over [from, to)')
  .meta({ id: 'Top' });

/** An enriched event: its stream's fields, the enrichment's, and any unknown ones the producer sent. */
export const eventBody = z
  .record(z.string(), z.unknown())
  .describe("An enriched event, as its stream's enrichment stored it")
  .meta({ id: 'Event' });

/** `GET /v1/streams/{stream}/events`. */
export const eventsBody = z
  .object({
    items: z.array(eventBody).describe('newest first'),
    cursor: z.string().optional().describe('present when there are more; send it back as cursor for the next page'),
  })
  .describe('A page of events of [from, to)')
  .meta({ id: 'Events' });

/** Body types as the handler builds them. */
export type ErrorBody = z.output<typeof errorBody>;
export type HealthBody = z.output<typeof healthBody>;
export type HealthUnavailableBody = z.output<typeof healthUnavailableBody>;
export type StreamsBody = z.output<typeof streamsBody>;
export type SeriesPoint = z.output<typeof seriesPoint>;
export type SeriesBody = z.output<typeof seriesBody>;
export type TopBody = z.output<typeof topBody>;
export type EventsBody = z.output<typeof eventsBody>;
