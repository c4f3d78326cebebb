/**
 * Pulse's parameter rules, run by the router right after it parsed a route's query or path
 * parameters with the route's schemas: every failure is one 400 naming the parameters at fault
 * (an unknown one listed with those the route accepts), and a route that takes `from` and `to`
 * gets its resolved `[from, to)` range, or the range of the cursor it continues.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { boundsOfCursor, type ListingCursor } from './cursor';
import type { QueryEnv } from './env';
import { badRequest } from './errors';
import { resolveRange, type RangeBounds } from './range';

/** What the router hands the rules: the parse result of one part of the request. */
export type ParseResult = { readonly target: string } & ({ readonly success: true; readonly data: unknown } | { readonly success: false; readonly error: z.ZodError });

/** The message of a 400 for `issues`: unknown parameters alone when there are any, else each invalid one with what it must be. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], accepted: readonly string[]): string {
  const unknown = issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  if (unknown.length > 0) {
    const acceptedText = accepted.length > 0 ? `this route accepts ${accepted.join(', ')}` : 'this route takes no parameters';
    return `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; ${acceptedText}`;
  }
  return issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
}

/** Parsed query parameters of a route that reads a range. */
interface RangeParameters extends RangeBounds {
  readonly cursor?: ListingCursor;
}

/**
 * The rules of a route whose query parameters are `query`: refuses what does not parse, and sets
 * the `range` of a route that takes `from`, resolved at the clock's time of the request.
 *
 * @example
 * app.openapi(route, handler, parameterRules(route.request.query));
 * @throws ApiError 400 naming each parameter at fault, or `from` and `to` when the range is empty,
 *   reversed, longer than the limit or not the range of the cursor
 */
export function parameterRules(query: z.ZodObject): (result: ParseResult, c: Context<QueryEnv>) => undefined {
  const accepted = Object.keys(query.shape);
  const readsRange = accepted.includes('from');
  return (result: ParseResult, c: Context<QueryEnv>): undefined => {
    if (!result.success) throw badRequest(describeIssues(result.error.issues, accepted));
    if (result.target !== 'query' || !readsRange) return undefined;
    const parameters = result.data as RangeParameters;
    const bounds = parameters.cursor ? boundsOfCursor(parameters.cursor, c.req.param('stream') ?? '', parameters) : parameters;
    c.set('range', resolveRange(bounds, c.var.deps.now()));
    return undefined;
  };
}
