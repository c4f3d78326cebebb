/**
 * Routing of the query API. API Gateway sends every request to one `$default` route, so the
 * handler matches `rawPath` itself; keeping the table here, pure, lets tests cover every path and
 * method without a gateway. The OpenAPI document lists its paths from the same table, so a route
 * cannot be served without being documented.
 */
import { ApiError, badRequest, notFound } from './http';

/** A matched route with its decoded path parameters. */
export type Route =
  | { readonly name: 'dashboard' }
  | { readonly name: 'asset'; readonly file: string }
  | { readonly name: 'openapi' }
  | { readonly name: 'health' }
  | { readonly name: 'streams' }
  | { readonly name: 'series'; readonly stream: string; readonly aggregation: string }
  | { readonly name: 'top'; readonly stream: string; readonly aggregation: string }
  | { readonly name: 'events'; readonly stream: string }
  | { readonly name: 'event'; readonly stream: string; readonly eventId: string };

/** The name of a route, used in logs. */
export type RouteName = Route['name'];

type PathParameters = ReadonlyMap<string, string>;

/** One route of the table: its path template and how its parameters become a {@link Route}. */
export interface RoutePattern<N extends RouteName> {
  readonly name: N;
  /** Literal segments, and `{name}` for a parameter, as OpenAPI writes path templates. */
  readonly template: string;
  build(parameters: PathParameters): Extract<Route, { name: N }>;
}

function parameter(parameters: PathParameters, name: string): string {
  const value = parameters.get(name);
  // Only reachable if a template and its builder disagree, which the route tests would catch.
  if (value === undefined) throw new Error(`route template has no parameter {${name}}`);
  return value;
}

/** Every route, one per name (the type makes a forgotten one a compile error). */
const ROUTE_TABLE: { readonly [N in RouteName]: RoutePattern<N> } = {
  dashboard: { name: 'dashboard', template: '/', build: () => ({ name: 'dashboard' }) },
  asset: { name: 'asset', template: '/assets/{file}', build: (p) => ({ name: 'asset', file: parameter(p, 'file') }) },
  openapi: { name: 'openapi', template: '/openapi.json', build: () => ({ name: 'openapi' }) },
  health: { name: 'health', template: '/health', build: () => ({ name: 'health' }) },
  streams: { name: 'streams', template: '/v1/streams', build: () => ({ name: 'streams' }) },
  series: {
    name: 'series',
    template: '/v1/streams/{stream}/aggregations/{aggregation}',
    build: (p) => ({ name: 'series', stream: parameter(p, 'stream'), aggregation: parameter(p, 'aggregation') }),
  },
  top: {
    name: 'top',
    template: '/v1/streams/{stream}/aggregations/{aggregation}/top',
    build: (p) => ({ name: 'top', stream: parameter(p, 'stream'), aggregation: parameter(p, 'aggregation') }),
  },
  events: { name: 'events', template: '/v1/streams/{stream}/events', build: (p) => ({ name: 'events', stream: parameter(p, 'stream') }) },
  event: {
    name: 'event',
    template: '/v1/streams/{stream}/events/{eventId}',
    build: (p) => ({ name: 'event', stream: parameter(p, 'stream'), eventId: parameter(p, 'eventId') }),
  },
};

/** A route of any name. */
export type AnyRoutePattern = { [N in RouteName]: RoutePattern<N> }[RouteName];

/** The routes in table order: what the handler serves and the OpenAPI document lists. */
export const ROUTE_PATTERNS: readonly AnyRoutePattern[] = Object.values(ROUTE_TABLE);

/** The names of a template's path parameters, in path order. */
export function pathParametersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
}

/** The routes as the 404 for an unknown path lists them. */
const ROUTE_TEMPLATES: readonly string[] = ROUTE_PATTERNS.map((pattern) => `GET ${pattern.template}`);

/**
 * A path segment with percent-encoding undone, so that a category or an event id with spaces or
 * non-ASCII letters reaches the lookup as it is stored. `+` stays a plus: in a path it is literal.
 */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`path segment ${JSON.stringify(segment)} is not valid percent-encoding (UTF-8 bytes as %XX)`);
  }
}

/** The parameters of `segments` if they fit `template`; segments are split before decoding, so `%2F` stays inside one. */
function matchTemplate(template: string, segments: readonly string[]): Map<string, string> | undefined {
  const expected = template.split('/');
  if (expected.length !== segments.length) return undefined;
  const raw = new Map<string, string>();
  for (const [index, part] of expected.entries()) {
    const segment = segments[index] as string;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name !== undefined) raw.set(name, segment);
    else if (part !== segment) return undefined;
  }
  return raw;
}

/**
 * The route of a request.
 *
 * @throws ApiError 404 for a path no route has (listing the routes), 405 with `allow: GET` for a
 *   known path asked with another method, 400 for a path segment that does not decode
 */
export function matchRoute(method: string, rawPath: string): Route {
  const segments = rawPath.split('/');
  for (const pattern of ROUTE_PATTERNS) {
    const raw = matchTemplate(pattern.template, segments);
    if (!raw) continue;
    if (method.toUpperCase() !== 'GET') {
      throw new ApiError('method_not_allowed', `${method} is not allowed on ${rawPath}; this API is read-only: use GET`, { allow: 'GET' });
    }
    const decoded = new Map([...raw].map(([name, value]) => [name, decodeSegment(value)] as const));
    return pattern.build(decoded);
  }
  throw notFound(`no route matches ${JSON.stringify(rawPath)}; the routes are ${ROUTE_TEMPLATES.join(', ')}`);
}
