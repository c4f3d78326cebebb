/**
 * The handlers' CloudWatch metrics through Powertools (embedded metric format in the function's
 * log, so no API call and no extra latency). Handlers see a small interface, so their tests use a
 * fake and the local twin, which sets no namespace, gets no metrics at all instead of EMF lines
 * in its terminal.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PIPELINE_METRICS, STREAM_DIMENSION, serviceNameOf, type MetricsComponent } from '../config/metrics';
import type { StreamTally } from '../domain/batch';
import type { RetryObserver } from './retry';

/** The units Pulse's metrics use. */
export type PipelineMetricUnit = 'Count' | 'Milliseconds';

/** Where a handler records its metrics. */
export interface PipelineMetrics {
  /** Records one value; `stream` adds the stream dimension. */
  add(name: string, unit: PipelineMetricUnit, value: number, stream?: string): void;
  /** Emits what was recorded (one document per stream) and starts afresh. */
  publish(): void;
}

interface Point {
  readonly name: string;
  readonly unit: PipelineMetricUnit;
  readonly value: number;
}

/** {@link PipelineMetrics} over a Powertools `Metrics`, whose dimensions apply per flush: hence one flush per stream. */
export class PowertoolsPipelineMetrics implements PipelineMetrics {
  private readonly pending = new Map<string | undefined, Point[]>();

  constructor(private readonly metrics: Metrics) {}

  add(name: string, unit: PipelineMetricUnit, value: number, stream?: string): void {
    const points = this.pending.get(stream) ?? [];
    points.push({ name, unit, value });
    this.pending.set(stream, points);
  }

  publish(): void {
    for (const [stream, points] of this.pending) {
      if (stream !== undefined) this.metrics.addDimension(STREAM_DIMENSION, stream);
      for (const point of points) this.metrics.addMetric(point.name, MetricUnit[point.unit], point.value);
      this.metrics.publishStoredMetrics();
    }
    this.pending.clear();
  }
}

/**
 * The metrics of a component as its environment configures them: Powertools metrics in
 * `POWERTOOLS_METRICS_NAMESPACE` (which the CDK app sets), or none when it is unset.
 */
export function createMetrics(component: MetricsComponent, env: NodeJS.ProcessEnv = process.env): PipelineMetrics | undefined {
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE;
  if (!namespace) return undefined;
  return new PowertoolsPipelineMetrics(new Metrics({ namespace, serviceName: serviceNameOf(component) }));
}

/** Names under which a consumer counts the valid and the invalid records of a batch. */
export interface TallyMetricNames {
  readonly valid?: string;
  readonly invalid?: string;
}

/**
 * Records a consumer's per-stream counts and the age of each stream's newest record.
 * @param nowMs - when the batch was handled
 */
export function recordTallies(metrics: PipelineMetrics, tallies: ReadonlyMap<string, StreamTally>, names: TallyMetricNames, nowMs: number): void {
  for (const [stream, tally] of tallies) {
    if (names.valid) metrics.add(names.valid, 'Count', tally.valid, stream);
    if (names.invalid) metrics.add(names.invalid, 'Count', tally.invalid, stream);
    metrics.add(PIPELINE_METRICS.newestRecordAge, 'Milliseconds', Math.max(0, nowMs - tally.newestTimestampMs), stream);
  }
}

/**
 * Makes every retry round of the store visible: a warning in the log (operation, attempt, error)
 * and one `StoreRetries` count, published at once because the batch may yet fail.
 */
export function retryObserver(logger: Logger | undefined, metrics: PipelineMetrics | undefined): RetryObserver {
  return ({ operation, attempt, error }) => {
    logger?.warn('store call retried', { operation, attempt, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    if (metrics) {
      metrics.add(PIPELINE_METRICS.storeRetries, 'Count', 1);
      metrics.publish();
    }
  };
}
