/**
 * The HTTP side of the query API: the one error type its functions throw and the builders of
 * every response, so that all answers carry the same headers and all failures the same JSON
 * shape (`{"error","message"}`).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ERROR_CODES, ErrorBody } from './schemas';

/** A response as API Gateway (payload 2.0) expects it from Lambda. */
export type HttpResponse = APIGatewayProxyStructuredResultV2;

/** The error codes of the API; each has one HTTP status. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  internal_error: 500,
};

/**
 * A failure the client should see as it is: the parsing and lookup functions throw it so that the
 * handler turns it into a 4xx without a branch per cause. Anything else thrown is a 500.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, such as `allow` on a 405. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The HTTP status of the code. */
  get status(): number {
    return STATUS_OF[this.code];
  }
}

/** A 400 for a bad parameter; the message names the parameter. */
export function badRequest(message: string): ApiError {
  return new ApiError('bad_request', message);
}

/** A 404 for an unknown route, stream, aggregation or event. */
export function notFound(message: string): ApiError {
  return new ApiError('not_found', message);
}

// Aggregates of the current minute change every second and events carry user ids: no cache,
// shared or private, may keep an answer.
const COMMON_HEADERS = { 'cache-control': 'no-store' } as const;

/** A JSON response with the API's common headers. */
export function jsonResponse(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...COMMON_HEADERS, ...headers },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** A CSV response (RFC 4180 text) with the API's common headers. */
export function csvResponse(text: string, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', ...COMMON_HEADERS, ...headers },
    body: text,
    isBase64Encoded: false,
  };
}

/** The JSON answer to an `ApiError`. */
export function errorResponse(error: ApiError): HttpResponse {
  const body: ErrorBody = { error: error.code, message: error.message };
  return jsonResponse(error.status, body, error.headers);
}

/**
 * Largest body a response may carry. Lambda refuses a synchronous response over 6 MiB, counted on
 * the serialised envelope in which the body is a JSON string; the margin covers the headers.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024 - 64 * 1024;

/**
 * Refuses, with a 400 that says how to ask for less, a response Lambda could not return: left
 * alone it would reach the client as a 5xx, although the request (a long range of a grouped
 * aggregation, a page of large events) is what is too big.
 *
 * @param advice - how to narrow this route's request, e.g. "narrow the range or lower `limit`"
 */
export function ensureDeliverable(response: HttpResponse, advice: string): HttpResponse {
  // The body travels as a JSON string, so its escaped form is what counts.
  const bytes = Buffer.byteLength(JSON.stringify(response.body ?? ''));
  if (bytes > MAX_BODY_BYTES) {
    const megabytes = (bytes / (1024 * 1024)).toFixed(1);
    throw badRequest(`the answer would be ${megabytes} MiB, more than the 6 MiB one response can carry; ${advice}`);
  }
  return response;
}
