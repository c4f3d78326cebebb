/**
 * The query Lambda: the read side of Pulse behind an API Gateway HTTP API (payload 2.0, one
 * `$default` route), serving the JSON and CSV API, its OpenAPI document and the dashboard. It
 * stays thin: match the route, check the parameters, call a repository and shape the answer; the
 * pure parts live in `./query/`. The local twin runs this same module.
 *
 * Bad input is always a 4xx with a message naming what to fix; only a fault of the function or
 * of DynamoDB is a 5xx, logged without request data beyond the route (events carry user ids).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '../adapters/logging';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AggregatesRepository } from '../adapters/dynamodb/aggregatesRepository';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { EventsRepository, InvalidCursorError, type EventPage } from '../adapters/dynamodb/eventsRepository';
import { loadSettings, requireSetting, validationLimitsOf } from '../config/settings';
import { formatInstant } from '../domain/time';
import type { HandlerInstance } from './handlerInstance';
import { dashboardAsset, dashboardPage, type RequestHeaders } from './query/dashboard';
import {
  ensureRankable,
  groupFilterOf,
  listStreams,
  resolveAggregation,
  resolveStream,
  type ResolvedAggregation,
} from './query/catalogue';
import { decodeListingCursor, encodeListingCursor, rangeOfCursor } from './query/cursor';
import { eventsCsv, seriesCsv } from './query/csv';
import { ApiError, badRequest, csvResponse, ensureDeliverable, errorResponse, jsonResponse, notFound, type HttpResponse } from './query/http';
import { openApiDocument } from './query/openapi';
import { formatBound, parseParameters, readQueryParameters, resolveRange, ROUTE_PARAMETERS, type QueryParameters, type TimeRange } from './query/params';
import { matchRoute, type Route, type RouteName } from './query/routes';
import type { EventsBody, HealthBody, HealthUnavailableBody, SeriesBody, TopBody } from './query/schemas';
import { filterPoints, rankGroups, sortPoints, toSeriesPoint } from './query/series';

/** Physical names of the two tables, as `/health` reports them. */
export interface QueryTables {
  readonly events: string;
  readonly aggregates: string;
}

/** What the query handler reads from; injectable so tests use in-memory fakes and the twin its own tables. */
export interface QueryDependencies {
  readonly aggregates: Pick<AggregatesRepository, 'querySeries'>;
  readonly events: Pick<EventsRepository, 'getEvent' | 'listEvents'>;
  /** Resolves when the tables are reachable; `/health` answers 503 when it rejects. */
  readonly ping: () => Promise<void>;
  /** Clock for default ranges and `/health`; injectable for tests. */
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Table names `/health` reports; omitted from its answer when not given. */
  readonly tables?: QueryTables;
}

/** The Lambda handler of the query API. */
export type QueryHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

interface RouteContext extends QueryDependencies {
  readonly now: () => number;
  readonly logger: Logger;
}

// Longest event id looked up. No stream's ids come near it, and DynamoDB refuses a key over 2 KB
// with an error that would otherwise reach the client as a 500.
const MAX_EVENT_ID_BYTES = 1024;

const SERIES_ADVICE = 'narrow the range (from, to) or select one group';
const EVENTS_ADVICE = 'lower limit or narrow the range (from, to)';

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Builds the query handler over the given dependencies.
 *
 * Every `ApiError` thrown while answering becomes its 4xx; anything else is logged and answered
 * with a generic 500, so that internals (table names, AWS messages) never reach a client.
 */
export function createQueryHandler(deps: QueryDependencies): QueryHandler {
  const context: RouteContext = { ...deps, now: deps.now ?? Date.now, logger: deps.logger ?? createLogger('query') };
  return async (event) => {
    const method = event.requestContext.http.method;
    let route: RouteName | undefined;
    try {
      const matched = matchRoute(method, event.rawPath);
      route = matched.name;
      const parameters = readQueryParameters(event.rawQueryString, event.queryStringParameters);
      return await answer(matched, { parameters, headers: event.headers ?? {} }, context);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error);
      context.logger.error({ message: 'query failed unexpectedly', route, method }, asError(error));
      return errorResponse(new ApiError('internal_error', 'the query failed unexpectedly; try again later'));
    }
  };
}

/** What a route reads of the request besides its path. */
interface RequestParts {
  readonly parameters: QueryParameters;
  readonly headers: RequestHeaders;
}

function answer(route: Route, { parameters, headers }: RequestParts, context: RouteContext): Promise<HttpResponse> {
  switch (route.name) {
    case 'dashboard':
      parseParameters(ROUTE_PARAMETERS.dashboard, parameters);
      return Promise.resolve(dashboardPage(headers));
    case 'asset':
      parseParameters(ROUTE_PARAMETERS.asset, parameters);
      return Promise.resolve(dashboardAsset(route.file, headers));
    case 'openapi':
      parseParameters(ROUTE_PARAMETERS.openapi, parameters);
      return Promise.resolve(jsonResponse(200, openApiDocument()));
    case 'health':
      return health(parameters, context);
    case 'streams':
      parseParameters(ROUTE_PARAMETERS.streams, parameters);
      return Promise.resolve(jsonResponse(200, listStreams()));
    case 'series':
      return series(route.stream, route.aggregation, parameters, context);
    case 'top':
      return top(route.stream, route.aggregation, parameters, context);
    case 'event':
      return eventById(route.stream, route.eventId, parameters, context);
    case 'events':
      return listEvents(route.stream, parameters, context);
  }
}

async function health(parameters: QueryParameters, context: RouteContext): Promise<HttpResponse> {
  parseParameters(ROUTE_PARAMETERS.health, parameters);
  try {
    await context.ping();
  } catch (error) {
    context.logger.error({ message: 'health check failed: DynamoDB not reachable' }, asError(error));
    // The cause stays in the logs: AWS messages name accounts and roles.
    const unavailable: HealthUnavailableBody = { status: 'unavailable', message: 'the tables are not reachable from the query function; see its logs' };
    return jsonResponse(503, unavailable);
  }
  const body: HealthBody = {
    status: 'ok',
    ...(context.tables ? { tables: { events: context.tables.events, aggregates: context.tables.aggregates } } : {}),
    time: formatInstant(context.now()),
  };
  return jsonResponse(200, body);
}

function resolveStreamAggregation(streamName: string, aggregationName: string): ResolvedAggregation {
  return resolveAggregation(resolveStream(streamName), aggregationName);
}

function rangeEcho(range: TimeRange): { from: string; to: string } {
  return { from: formatBound(range.fromMs), to: formatBound(range.toMs) };
}

async function series(streamName: string, aggregationName: string, parameters: QueryParameters, context: RouteContext): Promise<HttpResponse> {
  const aggregation = resolveStreamAggregation(streamName, aggregationName);
  const { from, to, group, format } = parseParameters(ROUTE_PARAMETERS.series, parameters);
  const filter = group === undefined ? undefined : groupFilterOf(aggregation, group);
  const range = resolveRange({ from, to }, context.now());
  const { name, groupBy } = aggregation.description;
  const points = await context.aggregates.querySeries(aggregation.stream, name, range.fromMs, range.toMs);
  const shaped = sortPoints(filter ? filterPoints(points, filter) : points, groupBy);
  const response =
    format === 'csv'
      ? csvResponse(seriesCsv(shaped, aggregation.description))
      : jsonResponse(200, { stream: aggregation.stream, aggregation: name, ...rangeEcho(range), points: shaped.map(toSeriesPoint) } satisfies SeriesBody);
  return ensureDeliverable(response, SERIES_ADVICE);
}

async function top(streamName: string, aggregationName: string, parameters: QueryParameters, context: RouteContext): Promise<HttpResponse> {
  const aggregation = resolveStreamAggregation(streamName, aggregationName);
  const { from, to, by, limit } = parseParameters(ROUTE_PARAMETERS.top, parameters);
  ensureRankable(aggregation, by);
  const range = resolveRange({ from, to }, context.now());
  const { name, groupBy } = aggregation.description;
  const points = await context.aggregates.querySeries(aggregation.stream, name, range.fromMs, range.toMs);
  const items = rankGroups(points, { by, limit, groupBy, scale: aggregation.scale });
  const body: TopBody = { stream: aggregation.stream, aggregation: name, ...rangeEcho(range), by, items };
  return jsonResponse(200, body);
}

function checkEventId(eventId: string): void {
  if (eventId === '') throw badRequest('eventId: must not be empty');
  if (Buffer.byteLength(eventId) > MAX_EVENT_ID_BYTES) {
    throw badRequest(`eventId: must be at most ${MAX_EVENT_ID_BYTES} bytes`);
  }
}

async function eventById(streamName: string, eventId: string, parameters: QueryParameters, context: RouteContext): Promise<HttpResponse> {
  const stream = resolveStream(streamName);
  parseParameters(ROUTE_PARAMETERS.event, parameters);
  checkEventId(eventId);
  const event = await context.events.getEvent(stream.name, eventId);
  if (!event) {
    throw notFound(`stream ${stream.name} has no event ${JSON.stringify(eventId)}; it was never valid or has expired`);
  }
  return jsonResponse(200, event);
}

async function readPage(context: RouteContext, stream: string, range: TimeRange, limit: number, page: string | undefined): Promise<EventPage> {
  try {
    return await context.events.listEvents(stream, range.fromMs, range.toMs, limit, page);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw badRequest(`cursor: ${error.message}`);
    // A cursor is client input: one edited by hand can hold a start key DynamoDB refuses.
    if (page !== undefined && (error as { name?: unknown }).name === 'ValidationException') {
      throw badRequest('cursor: not a cursor this API returned; start again without it');
    }
    throw error;
  }
}

async function listEvents(streamName: string, parameters: QueryParameters, context: RouteContext): Promise<HttpResponse> {
  const stream = resolveStream(streamName);
  const { from, to, limit, cursor, format } = parseParameters(ROUTE_PARAMETERS.events, parameters);
  const continued = cursor === undefined ? undefined : decodeListingCursor(cursor, stream.name);
  const range = resolveRange(continued ? rangeOfCursor(continued, { from, to }) : { from, to }, context.now());
  const page = await readPage(context, stream.name, range, limit, continued?.page);
  const next = page.cursor === undefined ? undefined : encodeListingCursor({ stream: stream.name, ...range, page: page.cursor });
  const body: EventsBody = { items: page.items, ...(next === undefined ? {} : { cursor: next }) };
  const response =
    format === 'csv'
      ? // CSV has no place for the cursor, so it travels in a header.
        csvResponse(eventsCsv(page.items), next === undefined ? {} : { 'x-next-cursor': next })
      : jsonResponse(200, body);
  return ensureDeliverable(response, EVENTS_ADVICE);
}

/**
 * The query handler as configured by an environment: both table names are required,
 * `DYNAMODB_ENDPOINT` points at DynamoDB Local or LocalStack when set. Lambda builds one per
 * execution environment; the local twin builds its own and closes it on shutdown.
 *
 * The health ping reads one key of the aggregates table that never exists: it proves that the
 * table exists and that the role may read it, for half a read unit, where `DescribeTable` would
 * need a control-plane permission and is throttled far lower.
 *
 * @throws ConfigurationError naming the missing or malformed variable
 */
export function queryFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerInstance<HttpResponse, APIGatewayProxyEventV2> {
  const settings = loadSettings(env);
  const tables: QueryTables = {
    events: requireSetting(settings, 'EVENTS_TABLE', 'the query API reads enriched events from this DynamoDB table'),
    aggregates: requireSetting(settings, 'AGGREGATES_TABLE', 'the query API reads per-minute aggregates from this DynamoDB table'),
  };
  const client = createDocumentClient({ endpoint: settings.DYNAMODB_ENDPOINT, region: settings.AWS_REGION });
  // The query side never writes; retention is given because the repositories require it.
  const aggregates = new AggregatesRepository(client, { tableName: tables.aggregates, retentionMs: validationLimitsOf(settings).retentionMs });
  const invoke = createQueryHandler({
    tables,
    aggregates,
    events: new EventsRepository(client, { tableName: tables.events, retentionMs: settings.PULSE_EVENTS_RETENTION_DAYS * 86_400_000 }),
    ping: () => aggregates.ping(),
    logger: createLogger('query', env),
  });
  return { invoke, close: async () => client.destroy() };
}
