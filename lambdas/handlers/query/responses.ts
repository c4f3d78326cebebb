/**
 * The answers of the query API: every JSON and CSV body carries the same headers, every failure
 * the same `{"error","message"}` body, events are written with every digit they were stored with,
 * and no answer exceeds what one Lambda response can carry.
 */
import type { Context, MiddlewareHandler, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import { stringifyDocument } from '../../domain/eventJson';
import type { QueryEnv } from './env';
import { badRequest, type ApiError } from './errors';
import type { ErrorBody } from './schemas';

// Aggregates of the current minute change every second and events carry user ids: no cache,
// shared or private, may keep an answer.
const NO_STORE = { 'cache-control': 'no-store' } as const;

/** Headers of every JSON answer. */
export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', ...NO_STORE } as const;

/** Headers of every CSV answer (RFC 4180 text). */
export const CSV_HEADERS = { 'content-type': 'text/csv; charset=utf-8', ...NO_STORE } as const;

/**
 * A JSON answer whose numbers are written exactly: an enriched event may hold numbers kept as text
 * (`LosslessNumber`s, e.g. `9007199254740993`), which `JSON.stringify` would write as objects.
 * Typed as the JSON answer of `body`, since that is what a client parses.
 */
export function exactJson<T, S extends ContentfulStatusCode>(c: Context, body: T, status: S): Response & TypedResponse<JSONParsed<T>, S, 'json'> {
  // The cast only names the format: the text is the JSON of `body`.
  return c.body(stringifyDocument(body, true), status, JSON_HEADERS) as unknown as Response & TypedResponse<JSONParsed<T>, S, 'json'>;
}

/** The JSON answer to an `ApiError`, with its status and extra headers. */
export function errorResponse(error: ApiError): Response {
  const body: ErrorBody = { error: error.code, message: error.message };
  return new Response(JSON.stringify(body), { status: error.status, headers: { ...JSON_HEADERS, ...error.headers } });
}

/**
 * Largest body a response may carry. Lambda refuses a synchronous response over 6 MiB, counted on
 * the serialised envelope in which the body is a JSON string; the margin covers the headers.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024 - 64 * 1024;

/**
 * The 400 for an answer Lambda could not return, or undefined when `body` fits: left alone it
 * would reach the client as a 5xx, although the request is what is too big.
 */
export function oversizeError(body: string, advice: string): ApiError | undefined {
  // The body travels as a JSON string, so its escaped form is what counts.
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes <= MAX_BODY_BYTES) return undefined;
  const megabytes = (bytes / (1024 * 1024)).toFixed(1);
  return badRequest(`the answer would be ${megabytes} MiB, more than the 6 MiB one response can carry; ${advice}`);
}

/**
 * Route middleware that replaces an answer too big for one Lambda response with a 400 saying how
 * to ask for less.
 *
 * @param advice - how to narrow this route's request, e.g. "narrow the range (from, to)"
 */
export function deliverable(advice: string): MiddlewareHandler<QueryEnv> {
  return async (c, next) => {
    await next();
    const problem = oversizeError(await c.res.clone().text(), advice);
    if (!problem) return;
    // Cleared first: assigning over an answer would carry its headers (a cursor, say) into the 400.
    c.res = undefined;
    c.res = errorResponse(problem);
  };
}

/** The media type of a content type, without parameters: what OpenAPI keys `content` by. */
export function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}
