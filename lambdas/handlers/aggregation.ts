/**
 * Aggregation consumer: validates and enriches the batch in-process, folds it in memory, and
 * writes each touched aggregate item once, exactly once under retries (see
 * `domain/aggregation.ts`). It is the one consumer that counts invalid records.
 *
 * No record fails the batch. A record the fold cannot place, or whose aggregate item DynamoDB
 * refuses although it passed validation, is counted in `invalid` as `unprocessable` and
 * dead-lettered with the reason; each such record is a bug to fix, never a stalled partition.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '../adapters/logging';
import { createMetrics, recordTallies, retryObserver, type PipelineMetrics } from '../adapters/metrics';
import { PIPELINE_METRICS } from '../config/metrics';
import { PIPELINE } from '../config/pipeline';
import { loadSettings, requireSetting, validationLimitsOf } from '../config/settings';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { AggregatesRepository, type ApplyOutcome } from '../adapters/dynamodb/aggregatesRepository';
import { recordsOf, type KafkaRecord } from '../adapters/kafka/mskEvent';
import { createKafkaPort, kafkaConnectionOf, type KafkaPublisher } from '../adapters/kafka';
import { foldBatch, type AggregateDelta, type FoldRecord } from '../domain/aggregation';
import { tallyByStream, validateBatch, type ValidatedRecord } from '../domain/batch';
import type { AnyStreamDefinition } from '../domain/streams/types';
import { invalid, type ValidationLimits } from '../domain/validation';
import { deadLetterOf, sendDeadLetters } from './enrichment';
import type { HandlerInstance } from './handlerInstance';

/** What the aggregation handler needs. */
export interface AggregationDependencies {
  readonly aggregates: Pick<AggregatesRepository, 'applyDeltas'>;
  readonly limits: ValidationLimits;
  /** Where `unprocessable` records go; only used when one occurs. */
  readonly deadLetters?: KafkaPublisher;
  readonly logger?: Logger;
  /** Per stream: invalid records and the newest record's age; per batch: items written. */
  readonly metrics?: PipelineMetrics;
  /** Clock for the record-age metric; injectable for tests. */
  readonly now?: () => number;
}

/** What one invocation did. */
export interface AggregationResult extends Omit<ApplyOutcome, 'rejected'> {
  readonly records: number;
  readonly invalid: number;
  /** Records counted as `unprocessable` although they passed validation. */
  readonly unprocessable: number;
}

/** A record that passed validation but could not be folded or stored, with why. */
interface UnprocessableRecord {
  readonly validated: ValidatedRecord<KafkaRecord>;
  readonly detail: string;
}

function foldRecordOf({ record, result }: ValidatedRecord<KafkaRecord>): FoldRecord {
  return { partition: record.partitionKey, offset: record.offset, recordTimestampMs: record.timestampMs, result };
}

/** Folds validated records stream by stream; returns the deltas and the records the fold could not place. */
function foldByStream(validated: readonly ValidatedRecord<KafkaRecord>[]): { deltas: AggregateDelta[]; unprocessable: UnprocessableRecord[] } {
  const byStream = new Map<AnyStreamDefinition, ValidatedRecord<KafkaRecord>[]>();
  const byPosition = new Map<string, ValidatedRecord<KafkaRecord>>();
  for (const entry of validated) {
    const list = byStream.get(entry.stream);
    if (list) list.push(entry);
    else byStream.set(entry.stream, [entry]);
    byPosition.set(`${entry.record.partitionKey}@${entry.record.offset}`, entry);
  }
  const deltas: AggregateDelta[] = [];
  const unprocessable: UnprocessableRecord[] = [];
  for (const [stream, entries] of byStream) {
    const folded = foldBatch(stream, entries.map(foldRecordOf));
    deltas.push(...folded.deltas);
    for (const { partition, offset, detail } of folded.unfoldable) {
      unprocessable.push({ validated: byPosition.get(`${partition}@${offset}`) as ValidatedRecord<KafkaRecord>, detail: `the fold failed: ${detail}` });
    }
  }
  return { deltas, unprocessable };
}

/** The validated records behind a delta, found by their partition and offset. */
function recordsBehind(delta: AggregateDelta, validated: readonly ValidatedRecord<KafkaRecord>[]): ValidatedRecord<KafkaRecord>[] {
  const wanted = new Set<string>();
  for (const [partition, contributions] of delta.contributions) for (const { offset } of contributions) wanted.add(`${partition}@${offset}`);
  return validated.filter(({ record }) => wanted.has(`${record.partitionKey}@${record.offset}`));
}

/** Builds the handler around its dependencies. */
export function createAggregationHandler(dependencies: AggregationDependencies): (event: unknown) => Promise<AggregationResult> {
  const { aggregates, limits, deadLetters, logger, metrics, now = Date.now } = dependencies;
  return async (event) => {
    const validated = validateBatch(recordsOf(event), limits);
    const folded = foldByStream(validated);
    const outcome = await aggregates.applyDeltas(folded.deltas);
    const unprocessable = [...folded.unprocessable];
    let { written, unchanged, conflicts } = outcome;
    if (outcome.rejected.length > 0) {
      // DynamoDB refused these items: count the records behind them as unprocessable instead.
      const refused = outcome.rejected.flatMap(({ delta, detail }) =>
        recordsBehind(delta, validated).map((entry) => ({ validated: entry, detail: `DynamoDB refused aggregate item ${delta.key.aggregation}: ${detail}` })),
      );
      unprocessable.push(...refused);
      const recount = foldByStream(
        refused.map(({ validated: entry, detail }) => ({ ...entry, result: invalid('unprocessable', detail) })),
      );
      const second = await aggregates.applyDeltas(recount.deltas);
      if (second.rejected.length > 0) {
        throw new Error(`DynamoDB refused the invalid-record counters too (${second.rejected[0]?.detail}); check the aggregates table`);
      }
      written += second.written;
      unchanged += second.unchanged;
      conflicts += second.conflicts;
    }
    if (unprocessable.length > 0) {
      for (const { validated: entry, detail } of unprocessable) {
        logger?.error('record counted as unprocessable', { stream: entry.stream.name, partition: entry.record.partitionKey, offset: entry.record.offset, detail });
      }
      if (deadLetters) {
        await sendDeadLetters(
          deadLetters,
          unprocessable.map(({ validated: entry, detail }) => ({ stream: entry.stream.name, message: deadLetterOf(entry.record, invalid('unprocessable', detail)) })),
        );
      }
    }
    const result: AggregationResult = {
      records: validated.length,
      invalid: validated.filter((entry) => !entry.result.valid).length,
      unprocessable: unprocessable.length,
      written,
      unchanged,
      conflicts,
    };
    logger?.info('batch aggregated', { ...result });
    if (metrics) {
      recordTallies(metrics, tallyByStream(validated), { invalid: PIPELINE_METRICS.invalidRecords }, now());
      metrics.add(PIPELINE_METRICS.aggregatesWritten, 'Count', written);
      if (unprocessable.length > 0) metrics.add(PIPELINE_METRICS.unprocessableRecords, 'Count', unprocessable.length);
      metrics.publish();
    }
    return result;
  };
}

/** The handler as configured by an environment, with a way to close its dead-letter producer. */
export function aggregationFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerInstance<AggregationResult> {
  const settings = loadSettings(env);
  const logger = createLogger('aggregation', env);
  const metrics = createMetrics('aggregation', env);
  const connection = kafkaConnectionOf(settings);
  // Connected only when an unprocessable record has to be dead-lettered.
  const deadLetters = createKafkaPort(connection).publisher(`${PIPELINE.projectName}-aggregation`);
  const invoke = createAggregationHandler({
    aggregates: new AggregatesRepository(createDocumentClient({ endpoint: settings.DYNAMODB_ENDPOINT, region: settings.AWS_REGION }), {
      tableName: requireSetting(settings, 'AGGREGATES_TABLE', 'the aggregation function writes per-minute aggregates there'),
      retentionMs: settings.PULSE_RETENTION_DAYS * 86_400_000,
      onRetry: retryObserver(logger, metrics),
    }),
    limits: validationLimitsOf(settings),
    deadLetters,
    logger,
    metrics,
  });
  return { invoke, close: () => deadLetters.disconnect() };
}
