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
