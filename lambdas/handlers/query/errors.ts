/**
 * The one error type of the query API. Route handlers, middleware and the pure lookups throw it;
 * the router's error handler turns it into its status with the JSON body `{"error","message"}`, so
 * no route needs a branch per cause. Anything else thrown is a 500.
 */
import type { ERROR_CODES } from './schemas';

/** The error codes of the API; each has one HTTP status. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const STATUS_OF = {
  bad_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  internal_error: 500,
} as const satisfies Readonly<Record<ErrorCode, number>>;

/** The HTTP status an error code is answered with. */
export type ErrorStatus = (typeof STATUS_OF)[ErrorCode];

/**
 * A failure the client should see as it is, with a message that says what to change.
 *
 * @example
 * throw new ApiError('bad_request', 'limit: must be a whole number from 1 to 500');
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  /**
   * @param code - what kind of failure; the status follows from it
   * @param message - what is wrong and how to fix it, naming the parameter at fault
   * @param headers - extra response headers, such as `allow` on a 405
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The HTTP status of the code. */
  get status(): ErrorStatus {
    return STATUS_OF[this.code];
  }
}

/** A 400 for bad input; the message names the parameter. */
export function badRequest(message: string): ApiError {
  return new ApiError('bad_request', message);
}

/** A 404 for an unknown route, stream, aggregation, event or asset. */
export function notFound(message: string): ApiError {
  return new ApiError('not_found', message);
}

/** A 405 with `allow: GET`: the API is read-only. */
export function methodNotAllowed(method: string, path: string): ApiError {
  return new ApiError('method_not_allowed', `${method} is not allowed on ${path}; this API is read-only: use GET`, { allow: 'GET' });
}

/** Any thrown value as an `Error`, for the logger. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
