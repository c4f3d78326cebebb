/**
 * The query API as a Hono app: Pulse's request rules, then the declared routes, each with its
 * parameter rules, and one error handler that answers every failure as `{"error","message"}`.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { routePath } from 'hono/route';
import { edgeRules, unknownRoute } from './edge';
import type { QueryEnv, RouteContext } from './env';
import { ApiError, asError } from './errors';
import { errorResponse } from './responses';
import { QUERY_ROUTES } from './routes';

/**
 * The app over `deps`. Every `ApiError` becomes its 4xx; anything else is logged with the route and
 * method only (events carry user ids) and answered with a generic 500, so that internals (table
 * names, AWS messages) never reach a client.
 */
export function createQueryApp(deps: RouteContext): OpenAPIHono<QueryEnv> {
  const app = new OpenAPIHono<QueryEnv>();
  app.use(async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use(edgeRules(app));
  app.openapiRoutes(QUERY_ROUTES);
  app.notFound((c) => errorResponse(unknownRoute(new URL(c.req.url).pathname)));
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(error);
    deps.logger.error({ message: 'query failed unexpectedly', route: routePath(c), method: c.req.method }, asError(error));
    return errorResponse(new ApiError('internal_error', 'the query failed unexpectedly; try again later'));
  });
  return app;
}
