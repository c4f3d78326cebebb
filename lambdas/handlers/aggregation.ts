/**
 * Aggregation consumer: validates and enriches the batch in-process, folds it in memory, and
 * writes each touched aggregate item once, exactly once under retries (see
 * `domain/aggregation.ts`). It is the one consumer that counts invalid records.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '../adapters/logging';
import { createMetrics, recordTallies, type PipelineMetrics } from '../adapters/metrics';
import { PIPELINE_METRICS } from '../config/metrics';
import { loadSettings, requireSetting, validationLimitsOf } from '../config/settings';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { AggregatesRepository, type ApplyOutcome } from '../adapters/dynamodb/aggregatesRepository';
import { recordsOf } from '../adapters/kafka/mskEvent';
import { foldBatch, type AggregateDelta } from '../domain/aggregation';
import { tallyByStream, validateBatch } from '../domain/batch';
import type { AnyStreamDefinition } from '../domain/streams/types';
import type { ValidationLimits } from '../domain/validation';
import type { HandlerInstance } from './handlerInstance';

/** What the aggregation handler needs. */
export interface AggregationDependencies {
  readonly aggregates: Pick<AggregatesRepository, 'applyDeltas'>;
  readonly limits: ValidationLimits;
  readonly logger?: Logger;
  /** Per stream: invalid records and the newest record's age; per batch: items written. */
  readonly metrics?: PipelineMetrics;
  /** Clock for the record-age metric; injectable for tests. */
  readonly now?: () => number;
}

/** What one invocation did. */
export interface AggregationResult extends ApplyOutcome {
  readonly records: number;
  readonly invalid: number;
}

/** Builds the handler around its dependencies. */
export function createAggregationHandler(dependencies: AggregationDependencies): (event: unknown) => Promise<AggregationResult> {
  const { aggregates, limits, logger, metrics, now = Date.now } = dependencies;
  return async (event) => {
    const validated = validateBatch(recordsOf(event), limits);
    const byStream = new Map<AnyStreamDefinition, typeof validated>();
    for (const entry of validated) {
      const list = byStream.get(entry.stream) ?? [];
      list.push(entry);
      byStream.set(entry.stream, list);
    }
    const deltas: AggregateDelta[] = [];
    for (const [stream, entries] of byStream) {
      deltas.push(
        ...foldBatch(
          stream,
          entries.map(({ record, result }) => ({
            partition: record.partitionKey,
            offset: record.offset,
            recordTimestampMs: record.timestampMs,
            result,
          })),
        ),
      );
    }
    const outcome = await aggregates.applyDeltas(deltas);
    const result = { records: validated.length, invalid: validated.filter((entry) => !entry.result.valid).length, ...outcome };
    logger?.info('batch aggregated', { ...result });
    if (metrics) {
      recordTallies(metrics, tallyByStream(validated), { invalid: PIPELINE_METRICS.invalidRecords }, now());
      metrics.add(PIPELINE_METRICS.aggregatesWritten, 'Count', outcome.written);
      metrics.publish();
    }
    return result;
  };
}

/** The handler as configured by an environment. */
export function aggregationFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerInstance<AggregationResult> {
  const settings = loadSettings(env);
  const invoke = createAggregationHandler({
    aggregates: new AggregatesRepository(createDocumentClient({ endpoint: settings.DYNAMODB_ENDPOINT, region: settings.AWS_REGION }), {
      tableName: requireSetting(settings, 'AGGREGATES_TABLE', 'the aggregation function writes per-minute aggregates there'),
      retentionMs: settings.PULSE_RETENTION_DAYS * 86_400_000,
    }),
    limits: validationLimitsOf(settings),
    logger: createLogger('aggregation', env),
    metrics: createMetrics('aggregation', env),
  });
  return { invoke, close: async () => undefined };
}

let environmentHandler: HandlerInstance<AggregationResult> | undefined;

/** The Lambda entry point; dependencies are built once per execution environment. */
export const handler = (event: unknown): Promise<AggregationResult> => {
  environmentHandler ??= aggregationFromEnvironment();
  return environmentHandler.invoke(event);
};
