/**
 * Turns one Kafka record value into a valid, enriched event, or into one invalid reason from a
 * small fixed set (so the `invalid` aggregation stays small) plus a human-readable detail (which
 * goes into the dead letter's headers, never into the reason).
 */
import type { z } from 'zod';
import type { AnyStreamDefinition, EventObject } from './streams/types';
import { MAX_EXACT_SCALED, toScaledBigInt } from './decimal';
import { parseInstant } from './time';

/** Every reason a record can be invalid for; part of the API. */
export const INVALID_REASONS = [
  'bad_encoding',
  'malformed_json',
  'not_an_object',
  'too_large',
  'schema',
  'too_late',
  'too_early',
] as const;

/** Why a record is invalid. */
export type InvalidReason = (typeof INVALID_REASONS)[number];

/** The bounds a record is checked against. */
export interface ValidationLimits {
  /** Oldest accepted event time, as an age relative to the record's Kafka timestamp. */
  readonly retentionMs: number;
  /** How far an event time may be ahead of the record's Kafka timestamp. */
  readonly maxClockSkewMs: number;
  /** Largest accepted value, in bytes. */
  readonly maxEventBytes: number;
}

/** A record that passed validation, with its enrichment. */
export interface ValidRecord {
  readonly valid: true;
  readonly eventId: string;
  readonly eventTimeMs: number;
  readonly event: EventObject;
  readonly enriched: EventObject;
}

/** A record that did not, with the reason and what exactly was wrong. */
export interface InvalidRecord {
  readonly valid: false;
  readonly reason: InvalidReason;
  readonly detail: string;
}

/** The outcome of validating one record. */
export type ValidationResult = ValidRecord | InvalidRecord;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(reason: InvalidReason, detail: string): InvalidRecord {
  return { valid: false, reason, detail };
}

/** `price: required when type is purchase; userId: Too small: expected number to be >=1`. */
export function describeSchemaIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Validates and enriches one record value of `stream`.
 *
 * Time bounds are measured from the record's Kafka timestamp, not the wall clock, so that a
 * retried batch classifies every record exactly as the first try did and the enrichment and
 * aggregation consumers agree on which records are invalid.
 *
 * @param value - the record value as it arrived; `null` for a record with no value
 * @param recordTimestampMs - the Kafka record timestamp
 */
export function validateRecord(
  stream: AnyStreamDefinition,
  value: Uint8Array | null,
  recordTimestampMs: number,
  limits: ValidationLimits,
): ValidationResult {
  if (value !== null && value.byteLength > limits.maxEventBytes) {
    return invalid('too_large', `value is ${value.byteLength} bytes; the limit is ${limits.maxEventBytes}`);
  }
  let text: string;
  try {
    text = value === null ? '' : strictUtf8.decode(value);
  } catch {
    return invalid('bad_encoding', 'value is not valid UTF-8');
  }
  if (text.trim() === '') {
    return invalid('not_an_object', 'value is empty');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return invalid('malformed_json', (error as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return invalid('not_an_object', `value is ${kind}, not a JSON object`);
  }
  const checked = stream.schema.safeParse(parsed);
  if (!checked.success) {
    return invalid('schema', describeSchemaIssues(checked.error));
  }
  const event = checked.data;
  const eventTimeMs = parseInstant(stream.eventTime(event));
  if (eventTimeMs < recordTimestampMs - limits.retentionMs) {
    return invalid('too_late', `event time ${stream.eventTime(event)} is older than the retention of ${limits.retentionMs / 86_400_000} days`);
  }
  if (eventTimeMs > recordTimestampMs + limits.maxClockSkewMs) {
    return invalid('too_early', `event time ${stream.eventTime(event)} is more than ${limits.maxClockSkewMs / 1000} s ahead of its record time ${new Date(recordTimestampMs).toISOString()}`);
  }
  const enriched = stream.enrich(event);
  const unsummable = unsummableMeasure(stream, enriched);
  if (unsummable) return invalid('schema', unsummable);
  return { valid: true, eventId: stream.eventId(event), eventTimeMs, event, enriched };
}

/**
 * Largest measured value per event, in smallest units: a thousandth of the exact range, so that a
 * minute's sum of a thousand such events is still exact.
 */
export const MAX_MEASURED_SCALED = Math.floor(MAX_EXACT_SCALED / 1000);

/**
 * Why a measured field cannot be summed exactly, if it cannot. Such an event is refused at the
 * edge, as `schema`, rather than failing its batch at every retry in the fold.
 */
function unsummableMeasure(stream: AnyStreamDefinition, enriched: EventObject): string | undefined {
  for (const aggregation of stream.aggregations) {
    if (!aggregation.measure) continue;
    const { field, scale } = aggregation.measure;
    const value = enriched[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${field}: must be a finite number`;
    const scaled = toScaledBigInt(value, scale);
    if (scaled > BigInt(MAX_MEASURED_SCALED) || scaled < -BigInt(MAX_MEASURED_SCALED)) {
      return `${field}: ${value} is beyond ±${MAX_MEASURED_SCALED / 10 ** scale}, the largest value summed exactly`;
    }
  }
  return undefined;
}
