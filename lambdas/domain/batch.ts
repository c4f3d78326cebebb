/**
 * Validation of a whole batch of Kafka records, shared by the enrichment and aggregation
 * consumers so that both classify every record the same way.
 */
import { streamOfTopic } from './streams/registry';
import type { AnyStreamDefinition } from './streams/types';
import { validateRecord, type ValidationLimits, type ValidationResult } from './validation';

/** The parts of a Kafka record validation looks at. */
export interface RecordToValidate {
  readonly topic: string;
  readonly value: Uint8Array | null;
  readonly timestampMs: number;
}

/** A record with its stream and the outcome of validating it. */
export interface ValidatedRecord<R extends RecordToValidate> {
  readonly record: R;
  readonly stream: AnyStreamDefinition;
  readonly result: ValidationResult;
}

/** Validates every record against the stream of its topic. */
export function validateBatch<R extends RecordToValidate>(records: readonly R[], limits: ValidationLimits): ValidatedRecord<R>[] {
  return records.map((record) => {
    const stream = streamOfTopic(record.topic);
    return { record, stream, result: validateRecord(stream, record.value, record.timestampMs, limits) };
  });
}

/** What one stream contributed to a batch. */
export interface StreamTally {
  readonly valid: number;
  readonly invalid: number;
  /** The latest Kafka record timestamp among the stream's records. */
  readonly newestTimestampMs: number;
}

/** Valid and invalid records and the newest record time of each stream of a validated batch. */
export function tallyByStream(validated: readonly ValidatedRecord<RecordToValidate>[]): Map<string, StreamTally> {
  const tallies = new Map<string, StreamTally>();
  for (const { record, stream, result } of validated) {
    const tally = tallies.get(stream.name) ?? { valid: 0, invalid: 0, newestTimestampMs: record.timestampMs };
    tallies.set(stream.name, {
      valid: tally.valid + (result.valid ? 1 : 0),
      invalid: tally.invalid + (result.valid ? 0 : 1),
      newestTimestampMs: Math.max(tally.newestTimestampMs, record.timestampMs),
    });
  }
  return tallies;
}
