/**
 * The parameters of the query API's routes as zod schemas: each route declares its query and path
 * schemas, the router parses every request with them, and the OpenAPI document lists them (the
 * `meta` of a transformed value says what its text must look like, since the transform hides the
 * string checks from the document). Query schemas are strict: an unknown parameter is refused.
 */
import { z } from 'zod';
import { describeAggregations, STREAMS } from '../../domain/streams/registry';
import { NOT_A_CURSOR, parseListingCursor } from './cursor';
import { MAX_RANGE_DAYS } from './range';

/** `no zone` and `not a date-time` are told apart: the first is the common mistake and has a one-character fix. */
const zonedDateTime = z.iso.datetime({ offset: true });
const localDateTime = z.iso.datetime({ local: true });

/** An ISO-8601 date-time with a zone (`Z` or `±hh:mm`), as epoch milliseconds. */
function instant(example: string) {
  return z
    .string()
    .transform((text, context) => {
      if (zonedDateTime.safeParse(text).success) return Date.parse(text);
      const message = localDateTime.safeParse(text).success
        ? `has no time zone; add Z (UTC) or an offset such as +01:00, e.g. ${text}Z`
        : 'must be an ISO-8601 date-time with a zone, e.g. 2026-11-25T04:00:00Z';
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    })
    .meta({
      format: 'date-time',
      // RFC 3339 also allows a lower-case t and z; the pattern says that this API wants them upper-case.
      pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
      param: { example },
    });
}

/**
 * A whole number within bounds, `fallback` when absent, from its text: digits only, so `1e2`,
 * ` 5` or `0x10` are refused rather than read as numbers. Documented as the integer it stands for.
 */
function wholeNumber(min: number, max: number, fallback: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .transform((text, context) => {
      const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
      if (value >= min && value <= max) return value;
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    })
    .default(fallback)
    .meta({ type: 'integer', minimum: min, maximum: max, default: fallback });
}

const outputFormat = z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json').describe('json, or csv (RFC 4180, one record per line)');

const RANGE_ADVICE = `[from, to) spans at most ${MAX_RANGE_DAYS} days; without from and to, the last hour; with one, one hour from it`;

/** `from` and `to` of a route that reads a range; the router resolves them into one (see `parameterRules`). */
const range = {
  from: instant('2026-11-25T04:00:00Z').optional().describe(`start of the range, included; ${RANGE_ADVICE}`),
  to: instant('2026-11-25T05:00:00Z').optional().describe('end of the range, excluded'),
};

/** Parameters of a series: `GET /v1/streams/{stream}/aggregations/{aggregation}`. */
export const seriesParameters = z.strictObject({
  ...range,
  group: z.string().min(1, 'must not be empty').optional().describe("only the points of this value of the aggregation's one dimension"),
  format: outputFormat,
});

/** Parameters of a ranking: `GET /v1/streams/{stream}/aggregations/{aggregation}/top`. */
export const topParameters = z.strictObject({
  ...range,
  by: z.enum(['count', 'sum'], { error: 'must be count or sum' }).default('count').describe('rank by count, or by sum (measured aggregations only)'),
  limit: wholeNumber(1, 100, 10).describe('how many groups'),
});

/** A cursor this API handed out, parsed; which stream and range it continues is checked against the request. */
const cursor = z
  .string()
  .min(1, 'must not be empty')
  .transform((text, context) => {
    const parsed = parseListingCursor(text);
    if (parsed) return parsed;
    context.addIssue({ code: 'custom', message: NOT_A_CURSOR });
    return z.NEVER;
  });

/** Parameters of an events listing: `GET /v1/streams/{stream}/events`. */
export const eventsParameters = z.strictObject({
  ...range,
  limit: wholeNumber(1, 500, 50).describe('events per page'),
  cursor: cursor.optional().describe('the cursor of the previous page, to continue its listing'),
  format: outputFormat,
});

/** Routes without query parameters: any is refused. */
export const noParameters = z.strictObject({});

const STREAM_NAMES = STREAMS.map((stream) => stream.name);

/**
 * A stream name. Any text parses, so that an unknown one is a 404 listing the streams (see
 * `knownStream`); the document lists the registry's names, so a new stream needs no edit here.
 */
const streamName = z.string().meta({ enum: STREAM_NAMES, description: 'the stream (also its Kafka topic)', param: { example: 'orders' } });

/** An aggregation name of any stream; a ranking needs groups, so `top` lists the grouped ones only. */
function aggregationName(ranked: boolean) {
  const names = STREAMS.flatMap((stream) => describeAggregations(stream).filter((aggregation) => !ranked || aggregation.groupBy.length > 0));
  return z.string().meta({
    enum: [...new Set(names.map((aggregation) => aggregation.name))],
    param: { example: ranked ? 'revenue_by_category' : 'revenue' },
    description: ranked ? 'a grouped aggregation of the stream' : 'an aggregation of the stream, as GET /v1/streams lists them',
  });
}

// Longest event id looked up. No stream's ids come near it, and DynamoDB refuses a key over 2 KB.
const MAX_EVENT_ID_BYTES = 1024;

/** Path parameters of the aggregation routes. */
export const aggregationPath = z.object({ stream: streamName, aggregation: aggregationName(false) });

/** Path parameters of the ranking route. */
export const rankingPath = z.object({ stream: streamName, aggregation: aggregationName(true) });

/** Path parameters of the events listing. */
export const streamPath = z.object({ stream: streamName });

/** Path parameters of one event. */
export const eventPath = z.object({
  stream: streamName,
  eventId: z
    .string()
    .min(1, 'must not be empty')
    .refine((id) => Buffer.byteLength(id) <= MAX_EVENT_ID_BYTES, `must be at most ${MAX_EVENT_ID_BYTES} bytes`)
    .meta({ param: { example: 'o-1' }, description: `the event id; at most ${MAX_EVENT_ID_BYTES} bytes of UTF-8, percent-encoded in the path` }),
});
