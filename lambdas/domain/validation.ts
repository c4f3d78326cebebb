/**
 * Turns one Kafka record value into a valid, enriched event, or into one invalid reason from a
 * small fixed set (so the `invalid` aggregation stays small) plus a human-readable detail (which
 * goes into the dead letter's headers, never into the reason).
 *
 * Validation is complete: whatever it accepts can be enriched, folded, stored and read back. The
 * store's limits (key sizes, item size) and the code's (well-formed Unicode text, dates that exist,
 * nesting the serialiser can walk, sums it can carry exactly) are part of it, so that a record
 * that passes can never fail its batch at every retry. Both consumers run this same function, so
 * they always agree on which records are invalid.
 */
import type { z } from 'zod';
import type { AnyStreamDefinition, EventObject } from './streams/types';
import { MAX_MEASURED_SCALED, formatScaled, toScaledBigInt } from './decimal';
import { checkDocument, exactDocument, isLosslessNumber, stringifyDocument } from './eventJson';
import { STORE_LIMITS, aggregateItemKey, eventKey, eventListingSortKey, keyProblem } from './itemKeys';
import { formatInstant, isValidInstant, windowStartOf } from './time';

/** Every reason a record can be invalid for; part of the API. */
export const INVALID_REASONS = [
  'bad_encoding',
  'malformed_json',
  'not_an_object',
  'too_large',
  'schema',
  'too_late',
  'too_early',
  'unprocessable',
] as const;

/** Why a record is invalid. */
export type InvalidReason = (typeof INVALID_REASONS)[number];

/** The bounds a record is checked against. */
export interface ValidationLimits {
  /** Oldest accepted event time, as an age relative to the record's Kafka timestamp, in ms. */
  readonly retentionMs: number;
  /** How far an event time may be ahead of the record's Kafka timestamp, in ms. */
  readonly maxClockSkewMs: number;
  /** Largest accepted value, in bytes. */
  readonly maxEventBytes: number;
}

/**
 * Deepest nesting of objects and arrays in an event (the event itself is level 1): DynamoDB's
 * limit for a document (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-attributes),
 * kept although events are stored as JSON text, so that any JSON tool (and the recursive
 * serialisers here) can walk every stored event.
 */
export const MAX_NESTING_DEPTH = 32;

/**
 * Largest enriched event, as JSON text, in bytes: one DynamoDB item holds 400 KB, and 8 KB are
 * left for its keys (each bounded by validation) and bookkeeping attributes.
 */
export const MAX_STORED_EVENT_BYTES = STORE_LIMITS.itemBytes - 8 * 1024;

/** A record that passed validation, with its enrichment. */
export interface ValidRecord {
  readonly valid: true;
  readonly eventId: string;
  readonly eventTimeMs: number;
  readonly event: EventObject;
  readonly enriched: EventObject;
  /** The enriched event as JSON text, every number exactly as sent: what the `events` table stores. */
  readonly enrichedJson: string;
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

/** An invalid outcome. */
export function invalid(reason: InvalidReason, detail: string): InvalidRecord {
  return { valid: false, reason, detail };
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let at = document;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

/**
 * `price: required when type is purchase; userId: Too small: expected number to be >=1`. A
 * number kept as text because a double cannot hold it (`userId: 9007199254740993`) is named as
 * such rather than as a wrong type.
 */
export function describeSchemaIssues(error: z.ZodError, document?: unknown): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      const value = document === undefined ? undefined : valueAt(document, issue.path);
      if (isLosslessNumber(value)) {
        return `${where}: ${value.value} cannot be carried exactly as a number (more than 15 significant digits, or out of range)`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Why a record timestamp cannot be used to place the record in time, if it cannot. */
export function recordTimestampProblem(recordTimestampMs: number): string | undefined {
  return isValidInstant(recordTimestampMs)
    ? undefined
    : `Kafka record timestamp ${recordTimestampMs} is not a date from 1970 to 9999 (ms since the epoch)`;
}

/**
 * Validates and enriches one record value of `stream`.
 *
 * Time bounds are measured from the record's Kafka timestamp, not the wall clock, so that a
 * retried batch classifies every record exactly as the first try did and the enrichment and
 * aggregation consumers agree on which records are invalid.
 *
 * Never throws: a failure of the stream's own code (enrich, its aggregations) on a record that
 * passed every check is that record's `unprocessable` outcome, never a failed batch.
 * Checks run in a fixed order, so a record with several faults always gets the same reason:
 * size, encoding, JSON, object, record timestamp, nesting and Unicode, schema, time bounds, then
 * what enriching, folding and storing need.
 *
 * @param value - the record value as it arrived; `null` for a record with no value
 * @param recordTimestampMs - the Kafka record timestamp, ms since the epoch
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
    return invalid('not_an_object', value === null ? 'the record has no value (a tombstone)' : 'value is empty');
  }
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch (error) {
    return invalid('malformed_json', (error as Error).message);
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    const kind = plain === null ? 'null' : Array.isArray(plain) ? 'an array' : `a ${typeof plain}`;
    return invalid('not_an_object', `value is ${kind}, not a JSON object`);
  }
  const timestampProblem = recordTimestampProblem(recordTimestampMs);
  if (timestampProblem) return invalid('schema', timestampProblem);
  const documentProblem = checkDocument(plain, { maxDepth: MAX_NESTING_DEPTH });
  if (documentProblem) return invalid('schema', documentProblem);

  try {
    return checkEvent(stream, text, plain, recordTimestampMs, limits);
  } catch (error) {
    return invalid('unprocessable', `${stream.name} could not process the event: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

/**
 * The checks of a JSON object against its stream: schema, time bounds, then enrichment and what
 * folding and storing it need. Any throw here is a bug of the stream's code (or of a library), and
 * the caller turns it into the record's `unprocessable` outcome.
 */
function checkEvent(stream: AnyStreamDefinition, text: string, plain: object, recordTimestampMs: number, limits: ValidationLimits): ValidationResult {
  const document = exactDocument(text, plain);
  const checked = stream.schema.safeParse(document.value);
  if (!checked.success) return invalid('schema', describeSchemaIssues(checked.error, document.value));
  const event = checked.data;
  // ISO-8601 text from the event, or epoch ms (the record time of an event that carries none).
  const eventTime = stream.eventTime(event, recordTimestampMs);
  const eventTimeMs = typeof eventTime === 'number' ? new Date(eventTime).getTime() : Date.parse(eventTime);
  if (Number.isNaN(eventTimeMs)) {
    return invalid('schema', `event time ${typeof eventTime === 'number' ? eventTime : JSON.stringify(eventTime)} is not a date`);
  }
  const eventTimeText = typeof eventTime === 'number' ? formatInstant(eventTimeMs) : eventTime;
  if (eventTimeMs < recordTimestampMs - limits.retentionMs) {
    return invalid('too_late', `event time ${eventTimeText} is older than the retention of ${limits.retentionMs / 86_400_000} days`);
  }
  if (eventTimeMs > recordTimestampMs + limits.maxClockSkewMs) {
    return invalid(
      'too_early',
      `event time ${eventTimeText} is more than ${limits.maxClockSkewMs / 1000} s ahead of its record time ${new Date(recordTimestampMs).toISOString()}`,
    );
  }
  return enrichAndCheck(stream, event, eventTimeMs, document.hasInexactNumbers);
}

/** Enriches an event that passed its schema and checks that the result can be folded and stored. */
function enrichAndCheck(stream: AnyStreamDefinition, event: EventObject, eventTimeMs: number, hasInexactNumbers: boolean): ValidationResult {
  const eventId = stream.eventId(event);
  const keyIssue =
    keyProblem('event id', eventKey(stream.name, eventId), 'partition') ?? keyProblem('event id', eventListingSortKey(eventTimeMs, eventId), 'sort');
  if (keyIssue) return invalid('schema', keyIssue);
  const enriched = stream.enrich(event);
  const foldIssue = foldProblem(stream, enriched, eventTimeMs);
  if (foldIssue) return invalid('schema', foldIssue);
  const enrichedJson = stringifyDocument(enriched, hasInexactNumbers);
  const bytes = Buffer.byteLength(enrichedJson);
  if (bytes > MAX_STORED_EVENT_BYTES) {
    return invalid('too_large', `the enriched event is ${bytes} bytes as JSON; one stored event holds at most ${MAX_STORED_EVENT_BYTES}`);
  }
  return { valid: true, eventId, eventTimeMs, event, enriched, enrichedJson };
}

/**
 * Why an enriched event cannot be folded into its aggregates, if it cannot: a measured value
 * beyond what is summed exactly, or a group whose item key DynamoDB would refuse.
 */
function foldProblem(stream: AnyStreamDefinition, enriched: EventObject, eventTimeMs: number): string | undefined {
  const windowStartMs = windowStartOf(eventTimeMs);
  for (const aggregation of stream.aggregations) {
    if (aggregation.where && !aggregation.where(enriched)) continue;
    if (aggregation.measure) {
      const { field, scale } = aggregation.measure;
      const value = enriched[field];
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${field}: must be a finite number`;
      const scaled = toScaledBigInt(value, scale);
      if (scaled > MAX_MEASURED_SCALED || scaled < -MAX_MEASURED_SCALED) {
        return `${field}: ${value} is beyond ±${formatScaled(MAX_MEASURED_SCALED, scale)}, the largest value one event may carry exactly`;
      }
    }
    const group: Record<string, string> = {};
    for (const dimension of aggregation.groupBy) group[dimension] = String(enriched[dimension]);
    const key = aggregateItemKey({ stream: stream.name, aggregation: aggregation.name, windowStartMs, group });
    const problem = keyProblem(aggregation.groupBy.join(', ') || aggregation.name, key.sk, 'sort') ?? keyProblem(aggregation.name, key.pk, 'partition');
    if (problem) return problem;
  }
  return undefined;
}
