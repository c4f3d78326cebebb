/**
 * The pipeline's own CloudWatch metrics: names, units and dimensions that the handlers emit
 * (through Powertools, as embedded metric format in their logs) and that the CDK dashboard and
 * alarms read. Defined once here so that the two cannot drift apart.
 */
import { PIPELINE } from './pipeline';

/** The components that emit metrics, each its own Powertools `service`. */
export type MetricsComponent = 'producer' | 'enrichment' | 'aggregation';

/** Metric names, per component. */
export const PIPELINE_METRICS = {
  /** Events the producer sent, per stream. */
  eventsProduced: 'EventsProduced',
  /** Valid events the enrichment consumer stored, per stream. */
  eventsStored: 'EventsStored',
  /** Invalid records the enrichment consumer sent to `<stream>.dlq`, per stream. */
  deadLetters: 'DeadLetters',
  /** Invalid records the aggregation consumer counted, per stream. */
  invalidRecords: 'InvalidRecords',
  /**
   * Records that passed validation yet could not be stored (DynamoDB refused their item) and were
   * dead-lettered as `unprocessable`; each is a bug to fix, never a stalled partition.
   */
  unprocessableRecords: 'UnprocessableRecords',
  /** Retry rounds of the store's partial failures (unprocessed items or keys, lost conditional-write races). */
  storeRetries: 'StoreRetries',
  /** Aggregate items written by the aggregation consumer (no stream dimension: a write may mix streams). */
  aggregatesWritten: 'AggregatesWritten',
  /**
   * Age, when its batch is handled, of the newest record of a stream in the batch (ms since its
   * Kafka timestamp). `OffsetLag` counts records; this says how stale the results are.
   */
  newestRecordAge: 'NewestRecordAge',
} as const;

/** The dimension naming a metric's stream (besides Powertools' own `service`). */
export const STREAM_DIMENSION = 'stream';

/** Powertools' default dimension, set to {@link serviceNameOf}. */
export const SERVICE_DIMENSION = 'service';

/** The service name of a component, in logs and as the `service` metric dimension. */
export function serviceNameOf(component: string): string {
  return `${PIPELINE.projectName}-${component}`;
}

/** The CloudWatch namespace of one deployment, so two stages in one account never mix. */
export function metricsNamespaceOf(stage: string): string {
  return `Pulse/${stage}`;
}
