/**
 * Reading the 400s that the query handler's pure modules throw, for tests that assert on the
 * message a client would see.
 */
import { ApiError } from '../../lambdas/handlers/query/errors';

/** The message of the 400 `action` throws; fails the test if it throws anything else or nothing. */
export function badRequestMessageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) return error.message;
    throw error;
  }
  throw new Error('expected a 400');
}
