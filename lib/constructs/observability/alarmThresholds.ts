/** When each of the pipeline's alarms fires, and why there. */
import { Duration } from 'aws-cdk-lib';

/** Periods the dashboard and alarms use. */
export const FIVE_MINUTES = Duration.minutes(5);
export const ONE_MINUTE = Duration.minutes(1);

/** When an alarm fires: `datapointsToAlarm` of the last `evaluationPeriods` periods at or above `threshold`. */
export interface AlarmThreshold {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** When each alarm fires, and why there. */
export const ALARM_THRESHOLDS = {
  /**
   * A consumer's failed batch is retried, so one error is a retry, not an outage; errors in three
   * consecutive minutes mean a partition is stuck (its offset does not move while its batch fails).
   */
  consumerErrors: { threshold: 1, period: ONE_MINUTE, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /** The producer runs once a minute: two failed runs in five minutes leave visible gaps in the series. */
  producerErrors: { threshold: 1, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 2 },
  /** The query handler turns bad input into a 4xx, so an error that escapes it is a fault a user saw. */
  queryErrors: { threshold: 1, period: FIVE_MINUTES, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** Any throttle matters: a throttled consumer stalls its partitions, a throttled query fails a request. */
  throttles: { threshold: 1, period: FIVE_MINUTES, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /**
   * Ten batches of backlog still there after fifteen minutes: the pollers scale within about three
   * minutes, so a backlog that outlasts several scaling steps means consumption is slower than
   * production (a batch-sized lag comes and goes with every burst).
   */
  offsetLagBatches: { batches: 10, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /**
   * The scheduled producer sends no invalid events, so dead letters come from outside producers;
   * more than 5 % of a stream's records over fifteen minutes means a producer's format changed.
   */
  deadLetterPercent: { threshold: 5, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /**
   * The API serves minute windows: when the newest record a consumer handles is over five minutes
   * old for fifteen minutes, the results are stale whatever `OffsetLag` says (it counts records).
   */
  freshnessMs: { threshold: 5 * 60_000, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /**
   * Records reached a stream's topic in each of fifteen minutes while a consumer handled no batch
   * of that stream: a mapping that cannot connect, authenticate or invoke emits no metric at all,
   * so every other alarm (they treat missing data as fine) stays quiet. A working mapping hands
   * records over within seconds (500 ms batching window) and one that lags still handles batches,
   * each of which counts; fifteen minutes gives a new mapping's pollers time to start. Periods
   * without any input are missing data and not breaching: nothing reached the topic, so nothing
   * was expected of the consumers.
   */
  stalledConsumer: { threshold: 1, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /**
   * A record a mapping gave up on (sent to the on-failure destination, or dropped when even that
   * failed) is missing from the events table or the aggregates, or only partly folded: one is
   * enough to act on, and the minute period names the minute it happened.
   */
  discardedRecords: { threshold: 1, period: ONE_MINUTE, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** Bad input is a 4xx, so a 5xx is a fault; five in five minutes ignores a lone cold-start timeout. */
  api5xx: { threshold: 5, period: FIVE_MINUTES, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /**
   * A day of a series is one single-partition Query: p95 above 2 s for fifteen minutes means
   * throttling or a long range on every request, not a cold start.
   */
  apiLatencyP95Ms: { threshold: 2000, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
} as const;
