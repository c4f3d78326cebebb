/**
 * Bounded retries with exponential backoff and full jitter, for the store's own partial failures
 * (`UnprocessedItems`, `UnprocessedKeys`) and lost conditional-write races. The SDK already
 * retries throttled and failed requests; these are the failures it reports as a success.
 *
 * Full jitter (a random delay from 0 to the exponential bound) keeps the consumers of several
 * partitions from retrying in lockstep: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
import { backOff } from 'exponential-backoff';

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Attempts in all, the first included; the last failure is thrown. */
  readonly attempts: number;
  /** Bound of the first delay, in ms; each later bound doubles, up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The store's retry policy: 8 attempts, delays drawn from 0–50 ms doubling up to 0–2 s, at most
 * about 6 s of waiting in all, well inside the consumers' function timeouts; after that the batch
 * fails and the event source mapping retries it whole.
 */
export const STORE_RETRY_POLICY: RetryPolicy = { attempts: 8, initialDelayMs: 50, maxDelayMs: 2_000 };

/** One failed attempt that is about to be retried. */
export interface RetryRound {
  /** What was being done, e.g. `BatchWriteItem events`. */
  readonly operation: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly error: unknown;
}

/** Told of every retry round, so that each is logged and counted. */
export type RetryObserver = (round: RetryRound) => void;

/** Options of {@link withRetries}. */
export interface RetryOptions {
  readonly policy?: RetryPolicy;
  /** Whether a failure is worth another attempt; anything else is thrown at once. */
  readonly isRetryable: (error: unknown) => boolean;
  readonly onRetry?: RetryObserver;
}

/**
 * Runs `work` until it resolves, a failure is not retryable, or the policy's attempts are spent.
 *
 * @param work - receives the attempt number, from 1
 * @throws the last failure of `work`
 */
export function withRetries<T>(operation: string, work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = options.policy ?? STORE_RETRY_POLICY;
  let attempt = 0;
  return backOff(
    () => {
      attempt += 1;
      return work(attempt);
    },
    {
      numOfAttempts: policy.attempts,
      startingDelay: policy.initialDelayMs,
      maxDelay: policy.maxDelayMs,
      timeMultiple: 2,
      jitter: 'full',
      retry: (error: unknown) => {
        if (!options.isRetryable(error)) return false;
        if (attempt < policy.attempts) options.onRetry?.({ operation, attempt, error });
        return true;
      },
    },
  );
}

/** A store call that reported part of its work as not done; retrying the rest is always safe. */
export class UnfinishedWorkError extends Error {
  override readonly name = 'UnfinishedWorkError';
}
