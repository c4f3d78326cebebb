/**
 * The dispatcher of an emulated event source mapping: plans an invocation from the pending
 * records, invokes the function, retries as the mapping's retry policy says, and commits once the
 * batch is finished. One batch at a time per mapping: a partition's next batch can never overtake
 * (or run beside) its previous one, so per-partition order needs no further bookkeeping.
 *
 * The retry policy is the one AWS applies to a Kafka mapping
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html): by default a
 * failed batch is retried until it succeeds; with provisioned pollers the retries may be bounded,
 * old records discarded, a failing batch split in two, and what is given up on sent to an
 * on-failure destination.
 */
import { partitionKeyOf } from '../../lambdas/adapters/kafka/mskEvent';
import type { RetryPolicy } from '../../lambdas/config/plan';
import { planNextInvocation, type BatchLimits } from './batchPlanner';
import type { Clock } from './clock';
import type { PendingBuffer, PendingRecord } from './pendingBuffer';
import type { TwinLogger } from './runtime';


/** What one invocation attempt returned. */
export type InvocationOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/** What the dispatcher needs from the mapping that owns it. */
export interface DispatcherOptions {
  readonly buffer: PendingBuffer;
  readonly limits: BatchLimits;
  readonly clock: Clock;
  readonly retryPolicy: RetryPolicy;
  /** Backoff between retries: doubling from `initial` up to `max`, in ms. */
  readonly backoff: { readonly initial: number; readonly max: number };
  /** `rebatch` re-plans a failed batch from its records with a batch size drawn from 1 to `batchSize`. */
  readonly redelivery: 'same' | 'rebatch';
  /** Source of the `rebatch` sizes, from [0, 1). */
  readonly random: () => number;
  /** Invokes the function once with these records. */
  invoke(records: readonly PendingRecord[], attempt: number): Promise<InvocationOutcome>;
  /** Partitions of `records` no longer assigned to this member (their new owner re-delivers them). */
  revokedOf(records: readonly PendingRecord[]): string[];
  /** Commits past a finished batch. */
  commit(batch: readonly PendingRecord[]): Promise<void>;
  /** Sends records given up on to the on-failure destination, with why. */
  discard(records: readonly PendingRecord[], reason: string): Promise<void>;
  readonly logger: TwinLogger;
}

/** The delay before retry number `attempt` (1-based): doubling from `initial`, capped at `max`. */
export function retryDelayMs(attempt: number, backoff: { readonly initial: number; readonly max: number }): number {
  return Math.min(backoff.max, backoff.initial * 2 ** Math.max(0, attempt - 1));
}

/** `14 records (orders-0@3-9, orders-2@40-46)`: a batch for log lines. */
export function describeBatch(batch: readonly PendingRecord[]): string {
  const ranges = new Map<string, { first: bigint; last: bigint }>();
  for (const record of batch) {
    const key = partitionKeyOf(record);
    const range = ranges.get(key);
    if (range === undefined) ranges.set(key, { first: record.offset, last: record.offset });
    else range.last = record.offset;
  }
  const parts = [...ranges].map(([key, { first, last }]) => (first === last ? `${key}@${first}` : `${key}@${first}-${last}`));
  return `${batch.length} records (${parts.join(', ')})`;
}

function describeError(error: unknown, withStack: boolean): string {
  if (!(error instanceof Error)) return String(error);
  return withStack && error.stack ? error.stack : `${error.name}: ${error.message}`;
}

/** See the module comment. */
export class Dispatcher {
  private stopping = false;
  private readonly aborted = new AbortController();
  /** Failed attempts since the last success: what the retry delay grows with. */
  private failedAttempts = 0;
  /** Whether the next plan is a retry to re-plan with another batch size (`rebatch` only). */
  private replanning = false;

  constructor(private readonly options: DispatcherOptions) {}

  /** Plans, invokes and commits until {@link stop}. */
  async run(): Promise<void> {
    const { buffer, clock } = this.options;
    while (!this.stopping) {
      const plan = planNextInvocation(buffer.records, this.limitsOfNextPlan(), clock.now());
      if (plan === undefined) {
        await buffer.work.wait();
        continue;
      }
      const delay = plan.dueAtMs - clock.now();
      if (delay > 0) {
        await buffer.work.wait(delay);
        continue;
      }
      const batch = buffer.take(plan.indices);
      if (await this.finish(batch)) await this.options.commit(batch);
    }
  }

  /** Lets the invocation in flight end (no further retries) and ends {@link run}. */
  stop(): void {
    this.stopping = true;
    this.aborted.abort();
    this.options.buffer.wakeAll();
  }

  private limitsOfNextPlan(): BatchLimits {
    const { limits, random } = this.options;
    if (!this.replanning) return limits;
    this.replanning = false;
    return { ...limits, batchSize: 1 + Math.floor(random() * limits.batchSize) };
  }

  /**
   * Brings `records` to an end: invoked successfully, or given up on as the policy says. Returns
   * false when they are left unfinished (the mapping stops, their partitions moved, or they went
   * back to be re-planned); nothing of them may then be committed.
   */
  private async finish(records: readonly PendingRecord[]): Promise<boolean> {
    const { retryPolicy, clock, logger } = this.options;
    let live = records;
    for (let attempt = 1; ; attempt += 1) {
      if (retryPolicy.maximumRecordAgeMs >= 0) {
        const oldest = clock.now() - retryPolicy.maximumRecordAgeMs;
        const expired = live.filter((record) => record.timestampMs < oldest);
        if (expired.length > 0) {
          await this.options.discard(expired, `older than the maximum record age of ${retryPolicy.maximumRecordAgeMs} ms`);
          live = live.filter((record) => record.timestampMs >= oldest);
        }
        if (live.length === 0) return true;
      }
      const outcome = await this.options.invoke(live, attempt);
      if (outcome.ok) {
        this.failedAttempts = 0;
        return true;
      }
      this.failedAttempts += 1;
      const detail = describeError(outcome.error, attempt === 1);
      const what = `invocation failed (attempt ${attempt}, ${describeBatch(live)}): ${detail}`;
      if (this.stopping) {
        logger.error(`${what}; not retried because the mapping is stopping, the records stay uncommitted`);
        return false;
      }
      const revoked = this.options.revokedOf(live);
      if (revoked.length > 0) {
        logger.error(`${what}; not retried because ${revoked.join(', ')} left this member in a rebalance`);
        return false;
      }
      const delay = retryDelayMs(this.failedAttempts, this.options.backoff);
      if (this.options.redelivery === 'rebatch') {
        logger.error(`${what}; re-planning its records with another batch size in ${delay} ms`);
        this.options.buffer.putBack(live);
        this.replanning = true;
        await clock.sleep(delay, this.aborted.signal);
        return false;
      }
      if (retryPolicy.bisectBatchOnError && live.length > 1) {
        logger.error(`${what}; splitting it in two and retrying each half`);
        const half = Math.ceil(live.length / 2);
        return (await this.finish(live.slice(0, half))) && (await this.finish(live.slice(half)));
      }
      if (retryPolicy.maximumRetryAttempts >= 0 && attempt > retryPolicy.maximumRetryAttempts) {
        logger.error(`${what}; discarded after ${retryPolicy.maximumRetryAttempts} retries`);
        await this.options.discard(live, `the function failed ${attempt} times: ${describeError(outcome.error, false)}`);
        return true;
      }
      logger.error(`${what}; retrying the same batch in ${delay} ms`);
      await clock.sleep(delay, this.aborted.signal);
      if (this.stopping) return false;
    }
  }
}
