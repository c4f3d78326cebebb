/**
 * The OpenAPI 3.1 document of the query API, served at `GET /openapi.json`.
 *
 * It is generated, not written: paths come from the route table the handler matches with,
 * query parameters from the zod schemas the handler parses with (defaults included, read by
 * parsing an empty request), path parameters from the stream registry, and response schemas
 * from the zod schemas the handler's response types are inferred from. What remains by hand are
 * words (summaries) and which statuses a route can answer, which the handler tests check against
 * every response they see.
 */
import { z } from 'zod';
import { describeAggregations, STREAMS } from '../../domain/streams/registry';
import { dashboardAssetContentTypes, dashboardAssetNames } from './dashboard';
import { MAX_RANGE_DAYS, ROUTE_PARAMETERS } from './params';
import { ROUTE_PATTERNS, pathParametersOf, type RouteName } from './routes';
import { apiSchemas } from './schemas';

/** A JSON value of the document. */
type Json = Record<string, unknown>;

/** The OpenAPI version the document follows: 3.1 uses JSON Schema 2020-12, which zod emits. */
export const OPENAPI_VERSION = '3.1.0';

const SCHEMA_PREFIX = '#/components/schemas/';
const RESPONSE_PREFIX = '#/components/responses/';

/** The media type of a content type, without parameters: what OpenAPI keys `content` by. */
export function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

const ref = (id: string): Json => ({ $ref: `${SCHEMA_PREFIX}${id}` });
const json = (schema: Json): Json => ({ 'application/json': { schema } });
const csv: Json = { 'text/csv': { schema: { type: 'string', description: 'RFC 4180, header row first, CRLF line ends' } } };

/** Responses every operation shares, by the status they are listed under. */
const SHARED_RESPONSES = {
  BadRequest: { description: 'A parameter is invalid, unknown or repeated; the message names it', content: json(ref('Error')) },
  NotFound: { description: 'No such stream, aggregation, event or asset; the message lists what exists', content: json(ref('Error')) },
  InternalError: { description: 'The function failed; nothing about the request is at fault', content: json(ref('Error')) },
} as const;

const sharedResponse = (name: keyof typeof SHARED_RESPONSES): Json => ({ $ref: `${RESPONSE_PREFIX}${name}` });
const BAD_REQUEST = { '400': sharedResponse('BadRequest') };
const NOT_FOUND = { '404': sharedResponse('NotFound') };
const INTERNAL_ERROR = { '500': sharedResponse('InternalError') };

const NOT_MODIFIED: Json = {
  '304': { description: 'The copy the client holds (If-None-Match) is current', headers: { ETag: { schema: { type: 'string' } } } },
};
const IF_NONE_MATCH: Json = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'ETag of a copy the client holds; answered with 304 when it is current',
  schema: { type: 'string' },
};

/** What the document says of one route beyond its path and parameters. */
interface OperationText {
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly headers?: readonly Json[];
  readonly responses: Json;
}

/**
 * Path parameters of a route by name: their schemas follow the registry, so a new stream is
 * documented with no edit here. A ranking needs groups, so `top` lists grouped aggregations only.
 */
function pathParameterSchemas(route: RouteName): Readonly<Record<string, Json>> {
  const ranked = route === 'top';
  const aggregations = STREAMS.flatMap((stream) => describeAggregations(stream).filter((aggregation) => !ranked || aggregation.groupBy.length > 0));
  return {
    stream: { type: 'string', enum: STREAMS.map((stream) => stream.name), description: 'the stream (also its Kafka topic)' },
    aggregation: {
      type: 'string',
      enum: [...new Set(aggregations.map((aggregation) => aggregation.name))],
      description: ranked ? 'a grouped aggregation of the stream' : 'an aggregation of the stream, as GET /v1/streams lists them',
    },
    eventId: { type: 'string', minLength: 1, description: 'the event id; at most 1024 bytes of UTF-8, percent-encoded in the path' },
    file: { type: 'string', enum: dashboardAssetNames(), description: 'an asset of the current dashboard build' },
  };
}

const EXAMPLES: Readonly<Record<string, string>> = {
  stream: 'orders',
  aggregation: 'revenue',
  eventId: 'o-1',
  from: '2026-11-25T04:00:00Z',
  to: '2026-11-25T05:00:00Z',
};

/** Every route's words and statuses; the mapped type makes a route without them a compile error. */
function operationTexts(): { readonly [N in RouteName]: OperationText } {
  const assetContent = Object.fromEntries(dashboardAssetContentTypes().map((type) => [mediaTypeOf(type), { schema: { type: 'string' } }]));
  return {
    dashboard: {
      operationId: 'getDashboard',
      tag: 'dashboard',
      summary: 'The dashboard: live charts of every stream',
      description: 'An HTML page whose scripts and styles come from /assets; its Content-Security-Policy allows its own origin only.',
      headers: [IF_NONE_MATCH],
      responses: {
        '200': {
          description: 'The page',
          headers: {
            ETag: { required: true, schema: { type: 'string' } },
            'Content-Security-Policy': { required: true, schema: { type: 'string' } },
          },
          content: { 'text/html': { schema: { type: 'string' } } },
        },
        ...NOT_MODIFIED,
        ...BAD_REQUEST,
        ...INTERNAL_ERROR,
      },
    },
    asset: {
      operationId: 'getDashboardAsset',
      tag: 'dashboard',
      summary: 'A script, style sheet or icon of the dashboard',
      description: 'Names carry a hash of the content, so each is cached for a year (immutable).',
      headers: [IF_NONE_MATCH],
      responses: {
        '200': { description: 'The asset', headers: { ETag: { required: true, schema: { type: 'string' } } }, content: assetContent },
        ...NOT_MODIFIED,
        ...BAD_REQUEST,
        ...NOT_FOUND,
        ...INTERNAL_ERROR,
      },
    },
    openapi: {
      operationId: 'getOpenApiDocument',
      tag: 'service',
      summary: 'This document',
      responses: {
        '200': { description: 'The OpenAPI document of this API', content: json({ type: 'object' }) },
        ...BAD_REQUEST,
        ...INTERNAL_ERROR,
      },
    },
    health: {
      operationId: 'getHealth',
      tag: 'service',
      summary: 'Whether the function can read its tables',
      responses: {
        '200': { description: 'The tables are reachable', content: json(ref('Health')) },
        ...BAD_REQUEST,
        ...INTERNAL_ERROR,
        '503': { description: 'The tables are not reachable; the cause is in the function logs', content: json(ref('HealthUnavailable')) },
      },
    },
    streams: {
      operationId: 'listStreams',
      tag: 'series',
      summary: 'The streams and their aggregations',
      responses: { '200': { description: 'Every stream', content: json(ref('Streams')) }, ...BAD_REQUEST, ...INTERNAL_ERROR },
    },
    series: {
      operationId: 'getSeries',
      tag: 'series',
      summary: 'The per-minute points of an aggregation over [from, to)',
      description: 'One point per minute and group that had events; sum, min and max only for measured aggregations.',
      responses: {
        '200': { description: 'The points, by window start then group', content: { ...json(ref('Series')), ...csv } },
        ...BAD_REQUEST,
        ...NOT_FOUND,
        ...INTERNAL_ERROR,
      },
    },
    top: {
      operationId: 'getTopGroups',
      tag: 'series',
      summary: 'The groups with the largest totals over [from, to)',
      responses: { '200': { description: 'The groups, largest first', content: json(ref('Top')) }, ...BAD_REQUEST, ...NOT_FOUND, ...INTERNAL_ERROR },
    },
    event: {
      operationId: 'getEvent',
      tag: 'events',
      summary: 'One enriched event by its id',
      responses: { '200': { description: 'The event', content: json(ref('Event')) }, ...BAD_REQUEST, ...NOT_FOUND, ...INTERNAL_ERROR },
    },
    events: {
      operationId: 'listEvents',
      tag: 'events',
      summary: 'Events of [from, to), newest first, a page at a time',
      description: 'Continue with the cursor of a page; in CSV the cursor is in the x-next-cursor header.',
      responses: {
        '200': {
          description: 'A page of events',
          headers: { 'x-next-cursor': { required: false, description: 'CSV only: the cursor of the next page', schema: { type: 'string' } } },
          content: { ...json(ref('Events')), ...csv },
        },
        ...BAD_REQUEST,
        ...NOT_FOUND,
        ...INTERNAL_ERROR,
      },
    },
  };
}

/** A generated JSON Schema as OpenAPI embeds it: no `$schema` or `$id`, which would rebase its references. */
function embedded(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** The query parameters of a route, from the schema its handler parses with. */
function queryParametersOf(schema: z.ZodObject): Json[] {
  const generated = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, Json>; required?: string[] };
  // Defaults of transformed values are left out by zod; what the handler uses is what parsing nothing gives.
  const parsed = schema.safeParse({});
  const defaults: Record<string, unknown> = parsed.success ? parsed.data : {};
  return Object.entries(generated.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    const example = EXAMPLES[name];
    return {
      name,
      in: 'query',
      required: generated.required?.includes(name) ?? false,
      ...(description === undefined ? {} : { description }),
      schema: { ...rest, ...(defaults[name] === undefined ? {} : { default: defaults[name] }) },
      ...(example === undefined ? {} : { example }),
    };
  });
}

function pathParametersFor(route: RouteName, template: string): Json[] {
  const schemas = pathParameterSchemas(route);
  return pathParametersOf(template).map((name) => {
    const { description, ...schema } = schemas[name] ?? { type: 'string' };
    const example = EXAMPLES[name];
    return { name, in: 'path', required: true, description, schema, ...(example === undefined ? {} : { example }) };
  });
}

const DESCRIPTION = [
  'The read side of Pulse: per-minute aggregates of each stream, rankings, and enriched events.',
  '',
  `Times are ISO-8601 with a zone in, UTC out. Ranges are [from, to): the last hour by default, one hour from a bound given alone, at most ${MAX_RANGE_DAYS} days.`,
  'Every 4xx and 5xx of the function is a JSON body {"error", "message"} whose message names the parameter at fault.',
  'Unknown streams, aggregations and events are 404; methods other than GET are 405.',
].join('\n');

/** Builds the document; see {@link openApiDocument} for the cached one. */
export function buildOpenApiDocument(): Json {
  const texts = operationTexts();
  const paths: Record<string, Json> = {};
  for (const pattern of ROUTE_PATTERNS) {
    const text = texts[pattern.name];
    const parameters = [...pathParametersFor(pattern.name, pattern.template), ...queryParametersOf(ROUTE_PARAMETERS[pattern.name]), ...(text.headers ?? [])];
    paths[pattern.template] = {
      get: {
        operationId: text.operationId,
        tags: [text.tag],
        summary: text.summary,
        ...(text.description === undefined ? {} : { description: text.description }),
        ...(parameters.length === 0 ? {} : { parameters }),
        responses: text.responses,
      },
    };
  }
  const generated = z.toJSONSchema(apiSchemas, { uri: (id) => `${SCHEMA_PREFIX}${id}` }) as { schemas: Record<string, Json> };
  return {
    openapi: OPENAPI_VERSION,
    info: { title: 'Pulse query API', version: '1.0.0', description: DESCRIPTION },
    // Relative: the document is served by the API it describes, on AWS and on the local twin alike.
    servers: [{ url: '/', description: 'the origin that serves this document' }],
    tags: [
      { name: 'series', description: 'Per-minute aggregates and rankings' },
      { name: 'events', description: 'Enriched events' },
      { name: 'dashboard', description: 'The dashboard page and its assets' },
      { name: 'service', description: 'Health and this document' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(generated.schemas).map(([id, schema]) => [id, embedded(schema)])),
      responses: SHARED_RESPONSES,
    },
  };
}

let cached: Json | undefined;

/** The document, built once per execution environment: it depends only on the code. */
export function openApiDocument(): Json {
  cached ??= buildOpenApiDocument();
  return cached;
}
