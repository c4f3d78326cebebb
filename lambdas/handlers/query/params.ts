/**
 * Query parameters of the API: reading the query string, checking each route's parameters with
 * zod, and resolving the `[from, to)` time range. Every failure is a 400 that names the
 * parameter, because a client can only fix what it is told about.
 */
import { z } from 'zod';
import { formatInstant, formatMinute } from '../../domain/time';
import { badRequest } from './http';
import type { RouteName } from './routes';

/** Decoded query parameters, one value per name. */
export type QueryParameters = ReadonlyMap<string, string>;

/** Longest range one request may cover: a month of minutes is what the dashboards plot. */
export const MAX_RANGE_DAYS = 31;

/** The range used when the request gives no bound, and the distance to the missing bound when it gives one. */
export const DEFAULT_RANGE_MS = 3_600_000;

const DAY_MS = 86_400_000;

function decodeComponent(text: string, where: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badRequest(`${where} is not valid percent-encoding (UTF-8 bytes as %XX)`);
  }
}

function fromRawQueryString(raw: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawName = equals < 0 ? pair : pair.slice(0, equals);
    const name = decodeComponent(rawName, `parameter name ${JSON.stringify(rawName)}`);
    const value = decodeComponent(equals < 0 ? '' : pair.slice(equals + 1), `parameter ${name}`);
    if (parameters.has(name)) throw badRequest(`${name}: given more than once; give it once`);
    parameters.set(name, value);
  }
  return parameters;
}

/**
 * The query parameters of a request.
 *
 * Reads `rawQueryString` rather than API Gateway's `queryStringParameters`, which joins repeated
 * names with commas (indistinguishable from a value holding a comma). Components are
 * percent-decoded but `+` is kept: `from=2026-11-25T05:00:00+01:00` must keep its offset, so a
 * space has to be sent as `%20`. Callers that build events by hand without `rawQueryString` (tests,
 * the local twin) are read from `queryStringParameters`.
 *
 * @throws ApiError 400 for a repeated name or a component that does not decode
 */
export function readQueryParameters(
  rawQueryString: string | undefined,
  queryStringParameters?: Readonly<Record<string, string | undefined>>,
): Map<string, string> {
  if (rawQueryString) return fromRawQueryString(rawQueryString);
  const parameters = new Map<string, string>();
  for (const [name, value] of Object.entries(queryStringParameters ?? {})) {
    if (value !== undefined) parameters.set(name, value);
  }
  return parameters;
}

/** `no zone` and `not a date-time` are told apart: the first is the common mistake and has a one-character fix. */
const zonedDateTime = z.iso.datetime({ offset: true });
const localDateTime = z.iso.datetime({ local: true });

/**
 * An ISO-8601 date-time with a zone (`Z` or `±hh:mm`), as epoch milliseconds. The `meta` is what
 * the OpenAPI document says of it: the transform hides the string checks from `z.toJSONSchema`
 * (which also drops defaults of transformed values: the document reads those by parsing `{}`).
 */
const instant = z
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
  });

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
    .meta({ type: 'integer', minimum: min, maximum: max });
}

const outputFormat = z.enum(['json', 'csv'], { error: 'must be json or csv' }).describe('json, or csv (RFC 4180, one record per line)');

const RANGE_ADVICE = `[from, to) spans at most ${MAX_RANGE_DAYS} days; without from and to, the last hour; with one, one hour from it`;

/** Parameters of a series: `GET /v1/streams/{stream}/aggregations/{aggregation}`. */
export const seriesParameters = z.object({
  from: instant.optional().describe(`start of the range, included; ${RANGE_ADVICE}`),
  to: instant.optional().describe('end of the range, excluded'),
  group: z.string().min(1, 'must not be empty').optional().describe("only the points of this value of the aggregation's one dimension"),
  format: outputFormat.default('json'),
});

/** Parameters of a ranking: `GET /v1/streams/{stream}/aggregations/{aggregation}/top`. */
export const topParameters = z.object({
  from: instant.optional().describe(`start of the range, included; ${RANGE_ADVICE}`),
  to: instant.optional().describe('end of the range, excluded'),
  by: z.enum(['count', 'sum'], { error: 'must be count or sum' }).default('count').describe('rank by count, or by sum (measured aggregations only)'),
  limit: wholeNumber(1, 100, 10).describe('how many groups'),
});

/** Parameters of an events listing: `GET /v1/streams/{stream}/events`. */
export const eventsParameters = z.object({
  from: instant.optional().describe(`start of the range of event times, included; ${RANGE_ADVICE}`),
  to: instant.optional().describe('end of the range, excluded'),
  limit: wholeNumber(1, 500, 50).describe('events per page'),
  cursor: z.string().min(1, 'must not be empty').optional().describe('the cursor of the previous page, to continue its listing'),
  format: outputFormat.default('json'),
});

/** Routes without parameters. */
export const noParameters = z.object({});

/**
 * The query parameters of every route: the handler parses each request with its route's entry and
 * the OpenAPI document lists the same entry's fields, so the two cannot name different parameters.
 */
export const ROUTE_PARAMETERS = {
  dashboard: noParameters,
  asset: noParameters,
  openapi: noParameters,
  health: noParameters,
  streams: noParameters,
  series: seriesParameters,
  top: topParameters,
  event: noParameters,
  events: eventsParameters,
} as const satisfies Readonly<Record<RouteName, z.ZodObject>>;

/**
 * A route's parameters, checked by its schema.
 *
 * @throws ApiError 400 naming every unknown parameter (and listing the accepted ones), or every
 *   invalid one with what it must be
 */
export function parseParameters<S extends z.ZodObject>(schema: S, parameters: QueryParameters): z.output<S> {
  const accepted = Object.keys(schema.shape);
  const unknown = [...parameters.keys()].filter((name) => !accepted.includes(name));
  if (unknown.length > 0) {
    const acceptedText = accepted.length > 0 ? `this route accepts ${accepted.join(', ')}` : 'this route takes no parameters';
    throw badRequest(`unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; ${acceptedText}`);
  }
  const parsed = schema.safeParse(Object.fromEntries(parameters));
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}

/** Bounds of a range as the parameters give them, in epoch milliseconds; either may be absent. */
export interface RangeBounds {
  readonly from?: number;
  readonly to?: number;
}

/** A resolved `[fromMs, toMs)` range. */
export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The range a request asks for: the last hour by default, one hour from the bound given when only
 * one is, and never empty, reversed or over `MAX_RANGE_DAYS`.
 *
 * @throws ApiError 400 naming `from` and `to` when the range is empty, reversed or too long
 */
export function resolveRange(bounds: RangeBounds, nowMs: number): TimeRange {
  const toMs = bounds.to ?? (bounds.from === undefined ? nowMs : bounds.from + DEFAULT_RANGE_MS);
  const fromMs = bounds.from ?? toMs - DEFAULT_RANGE_MS;
  if (fromMs >= toMs) {
    throw badRequest(`from (${formatBound(fromMs)}) must be before to (${formatBound(toMs)}); the range is [from, to)`);
  }
  if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) {
    const days = ((toMs - fromMs) / DAY_MS).toFixed(1);
    throw badRequest(`from and to are ${days} days apart; the limit is ${MAX_RANGE_DAYS} days per request`);
  }
  return { fromMs, toMs };
}

/** A range bound in UTC: whole seconds without milliseconds, like window starts; otherwise with them. */
export function formatBound(epochMs: number): string {
  return epochMs % 1000 === 0 ? formatMinute(epochMs) : formatInstant(epochMs);
}
