/**
 * The rules every request meets before it reaches a route, as one middleware: the API is
 * read-only (any method but GET is a 405 on a path a route serves, a 404 elsewhere), and the path
 * and query string must be valid percent-encoding, with no query parameter given twice. A route's
 * own parameters are then parsed by its schemas (see `validation.ts`).
 *
 * The query string is read as sent: API Gateway's `queryStringParameters` joins a repeated name's
 * values with commas, which cannot be told from a value holding a comma.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { QueryEnv } from './env';
import { badRequest, methodNotAllowed, notFound, type ApiError } from './errors';
import { ROUTE_PATTERNS } from './routes';

/** The paths of the routes, as the 404 lists them. */
const TEMPLATES = ROUTE_PATTERNS.map((pattern) => pattern.template);

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a raw query string (without `?`): every name and value decodes, and no name repeats.
 *
 * @throws ApiError 400 naming the parameter
 */
export function checkQueryString(search: string): void {
  const seen = new Set<string>();
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawName = equals < 0 ? pair : pair.slice(0, equals);
    if (!decodes(rawName)) throw badRequest(`parameter name ${JSON.stringify(rawName)} is not valid percent-encoding (UTF-8 bytes as %XX)`);
    const name = decodeURIComponent(rawName);
    if (equals >= 0 && !decodes(pair.slice(equals + 1))) throw badRequest(`parameter ${name} is not valid percent-encoding (UTF-8 bytes as %XX)`);
    if (seen.has(name)) throw badRequest(`${name}: given more than once; give it once`);
    seen.add(name);
  }
}

/**
 * Checks that each segment of a raw path decodes; segments are split before decoding, so `%2F`
 * stays inside one (an event id may hold a slash).
 *
 * @throws ApiError 400 naming the segment
 */
export function checkPath(rawPath: string): void {
  const bad = rawPath.split('/').find((segment) => !decodes(segment));
  if (bad !== undefined) throw badRequest(`path segment ${JSON.stringify(bad)} is not valid percent-encoding (UTF-8 bytes as %XX)`);
}

/** The 404 of a path no route serves, listing the routes so that a typo is fixed from the answer. */
export function unknownRoute(rawPath: string): ApiError {
  return notFound(`no route matches ${JSON.stringify(rawPath)}; the routes are ${TEMPLATES.map((template) => `GET ${template}`).join(', ')}`);
}

/**
 * The answer to `method` (not GET) on `path`: a 405 where `app` serves GET, a 404 elsewhere.
 *
 * @param rawPath - the path as sent, for the message
 * @param path - the path as the router matches it
 */
export function methodRefusal(app: Hono<QueryEnv>, method: string, rawPath: string, path = rawPath): ApiError {
  const [handlers] = app.router.match('GET', path);
  const served = handlers.some(([[, route]]) => route.method === 'GET');
  return served ? methodNotAllowed(method, rawPath) : unknownRoute(rawPath);
}

/** The middleware of these rules for `app`, whose GET routes tell a known path from an unknown one. */
export function edgeRules(app: Hono<QueryEnv>): MiddlewareHandler<QueryEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const method = c.req.raw.method;
    // Hono answers HEAD with the GET route; Pulse refuses every method but GET alike.
    if (method !== 'GET') throw methodRefusal(app, method, url.pathname, c.req.path);
    checkPath(url.pathname);
    checkQueryString(url.search.slice(1));
    await next();
  };
}
