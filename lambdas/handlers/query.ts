/**
 * The query Lambda: the read side of Pulse behind an API Gateway HTTP API (payload 2.0), serving
 * the JSON and CSV API, its OpenAPI document and the dashboard. Requests are routed by Hono (see
 * `./query/app.ts` and the route declarations in `./query/routes/`); this module turns the Lambda
 * event into a request and the answer back, and builds the dependencies from the environment.
 * The local twin runs this same module.
 *
 * Bad input is always a 4xx with a message naming what to fix; only a fault of the function or
 * of DynamoDB is a 5xx.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { AggregatesRepository } from '../adapters/dynamodb/aggregatesRepository';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { EventsRepository } from '../adapters/dynamodb/eventsRepository';
import { createLogger } from '../adapters/logging';
import { loadSettings, requireSetting, validationLimitsOf } from '../config/settings';
import type { HandlerInstance } from './handlerInstance';
import { createQueryApp } from './query/app';
import { methodRefusal } from './query/edge';
import type { QueryDependencies, QueryTables } from './query/env';
import { openApiDocument } from './query/openapi';
import { errorResponse } from './query/responses';

export type { QueryDependencies, QueryTables } from './query/env';

/** A response as API Gateway (payload 2.0) expects it from Lambda. */
export type HttpResponse = APIGatewayProxyStructuredResultV2;

/** The Lambda handler of the query API. */
export type QueryHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

/**
 * The query string of an event as Hono should read it. API Gateway passes `+` as sent, and in this
 * API it is a plus (`from=2026-11-25T05:00:00+01:00` keeps its offset; a space is `%20`), where a
 * URL parser reads it as a space; so it is encoded first. An event built by hand without a raw
 * query string (tests) is read from `queryStringParameters`.
 */
export function rawQueryOf(event: Pick<APIGatewayProxyEventV2, 'rawQueryString' | 'queryStringParameters'>): string {
  const raw =
    event.rawQueryString ||
    Object.entries(event.queryStringParameters ?? {})
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
      .join('&');
  return raw.replaceAll('+', '%2B');
}

/**
 * Methods the Fetch API cannot carry (a `Request` refuses them), which API Gateway still passes
 * on: they are answered here as the router answers any method but GET.
 */
const FORBIDDEN_FETCH_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** The host of the URL the router parses: any valid one; answers never name it (the OpenAPI server is `/`). */
const ROUTER_HOST = 'pulse.invalid';

async function structured(response: Response): Promise<HttpResponse> {
  return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text(), isBase64Encoded: false };
}

/**
 * Builds the query handler over the given dependencies.
 *
 * @example
 * const handle = createQueryHandler({ aggregates, events });
 * const response = await handle(event); // APIGatewayProxyStructuredResultV2
 */
export function createQueryHandler(deps: QueryDependencies): QueryHandler {
  const app = createQueryApp({ ...deps, now: deps.now ?? Date.now, logger: deps.logger ?? createLogger('query'), openApiDocument });
  const serve = handle(app);
  return async (event) => {
    const method = event.requestContext.http.method;
    if (FORBIDDEN_FETCH_METHODS.has(method.toUpperCase())) return structured(errorResponse(methodRefusal(app, method, event.rawPath)));
    // The router reads the path and query only. The host is fixed, so that no Host header (which
    // the twin passes on as domainName) can reshape the URL Hono parses. Hono declares its own copy
    // of the payload 2.0 types, stricter where API Gateway leaves fields out.
    const requestContext = { ...event.requestContext, domainName: ROUTER_HOST };
    const request = { ...event, requestContext, body: event.body ?? null, rawQueryString: rawQueryOf(event) } as unknown as LambdaEvent;
    const { statusCode, headers, body, isBase64Encoded } = await serve(request);
    return { statusCode, headers: headers as Record<string, string>, body, isBase64Encoded };
  };
}

/**
 * The query handler as configured by an environment: both table names are required,
 * `DYNAMODB_ENDPOINT` points at DynamoDB Local or LocalStack when set. Lambda builds one per
 * execution environment; the local twin builds its own and closes it on shutdown.
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
  const invoke = createQueryHandler({
    tables,
    aggregates: new AggregatesRepository(client, { tableName: tables.aggregates, retentionMs: validationLimitsOf(settings).retentionMs }),
    events: new EventsRepository(client, { tableName: tables.events, retentionMs: settings.PULSE_EVENTS_RETENTION_DAYS * 86_400_000 }),
    logger: createLogger('query', env),
  });
  return { invoke, close: async () => client.destroy() };
}
