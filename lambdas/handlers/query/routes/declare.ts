/**
 * How a route of the query API is declared: one object per route with its path, its parameter
 * schemas, its response schemas, its words for the OpenAPI document (`createRoute`) and its
 * handler. Declaring it through {@link declareRoute} attaches Pulse's parameter rules, so no route
 * can skip them; every route takes a strict query schema, `noParameters` when it takes none.
 */
import { defineOpenAPIRoute, type OpenAPIRoute, type RouteConfig } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { QueryEnv } from '../env';
import { errorBody } from '../schemas';
import { parameterRules } from '../validation';

/** A route config of this API: its query schema is required and strict. */
export type QueryRouteConfig = RouteConfig & { readonly request: { readonly query: z.ZodObject } };

/** A declared route, ready for the router. */
export type QueryRoute<R extends QueryRouteConfig = QueryRouteConfig> = OpenAPIRoute<R, QueryEnv>;

/**
 * A route with Pulse's parameter rules as its validation hook.
 *
 * @example
 * export const health = declareRoute(createRoute({ method: 'get', path: '/health', ... }), async (c) => c.json(body, 200));
 */
export function declareRoute<R extends QueryRouteConfig>(route: R, handler: QueryRoute<R>['handler']): QueryRoute<R> {
  const hook = parameterRules(route.request.query) as unknown as QueryRoute<R>['hook'];
  return defineOpenAPIRoute<R, QueryEnv>({ route, handler, hook });
}

const errorContent = { 'application/json': { schema: errorBody } } as const;

/** The failures a route can answer, by status; each route lists those it can give. */
export const ERROR_RESPONSES = {
  400: { description: 'A parameter is invalid, unknown or repeated; the message names it', content: errorContent },
  404: { description: 'No such stream, aggregation, event or asset; the message lists what exists', content: errorContent },
  500: { description: 'The function failed; nothing about the request is at fault', content: errorContent },
} as const;

/** The failures of a route that names no stream: bad parameters and the function's own faults. */
export const COMMON_ERRORS = { 400: ERROR_RESPONSES[400], 500: ERROR_RESPONSES[500] } as const;

/** The failures of a route that names a stream, an aggregation, an event or an asset. */
export const LOOKUP_ERRORS = { ...COMMON_ERRORS, 404: ERROR_RESPONSES[404] } as const;
