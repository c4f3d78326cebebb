/**
 * Route middleware that resolves the stream and aggregation a path names before anything else of
 * the request is read: an unknown one is a 404 listing what exists, whatever the parameters say.
 */
import type { MiddlewareHandler } from 'hono';
import { resolveAggregation, resolveStream } from './catalogue';
import type { QueryEnv } from './env';

/** Sets `stream` from the `{stream}` of the path; a 404 listing the streams when there is none such. */
export const knownStream: MiddlewareHandler<QueryEnv> = async (c, next) => {
  c.set('stream', resolveStream(c.req.param('stream') ?? ''));
  await next();
};

/** Sets `stream` and `aggregation` from the path; a 404 listing the streams or the stream's aggregations. */
export const knownAggregation: MiddlewareHandler<QueryEnv> = async (c, next) => {
  const stream = resolveStream(c.req.param('stream') ?? '');
  c.set('stream', stream);
  c.set('aggregation', resolveAggregation(stream, c.req.param('aggregation') ?? ''));
  await next();
};
