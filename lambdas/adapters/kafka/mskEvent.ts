/**
 * Reads the Lambda event for Amazon MSK (`eventSource: "aws:kafka"`) into plain records with
 * their bytes. The shape is checked first, so a wrongly wired trigger fails by name instead of
 * deep inside the domain code.
 */
import type { MSKEvent, MSKRecord } from 'aws-lambda';

/** One Kafka record from an MSK event, bytes decoded from base64. */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** `<topic>-<partition>`, the key MSK events group records by. */
  readonly partitionKey: string;
  readonly timestampMs: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Header name → raw bytes, in arrival order. */
  readonly headers: readonly (readonly [string, Buffer])[];
}

/** The event is not an MSK event. */
export class NotAnMskEventError extends Error {
  override readonly name = 'NotAnMskEventError';
}

/** Type guard for the MSK event shape. */
export function isMskEvent(event: unknown): event is MSKEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Partial<MSKEvent>;
  return (
    (candidate.eventSource === 'aws:kafka' || candidate.eventSource === 'SelfManagedKafka') &&
    typeof candidate.records === 'object' &&
    candidate.records !== null
  );
}

function decodeBase64(text: string | undefined | null): Buffer | null {
  // MSK omits the key of a record sent without one, and sends no value for a tombstone.
  return text === undefined || text === null ? null : Buffer.from(text, 'base64');
}

function headersOf(record: MSKRecord): [string, Buffer][] {
  const headers: [string, Buffer][] = [];
  for (const header of record.headers ?? []) {
    for (const [name, bytes] of Object.entries(header)) headers.push([name, Buffer.from(bytes)]);
  }
  return headers;
}

/** Every record of the event, partition by partition, in offset order within a partition. */
export function recordsOf(event: unknown): KafkaRecord[] {
  if (!isMskEvent(event)) {
    throw new NotAnMskEventError('expected a Lambda event for Amazon MSK (eventSource "aws:kafka" with records)');
  }
  const records: KafkaRecord[] = [];
  for (const [partitionKey, partitionRecords] of Object.entries(event.records)) {
    const sorted = [...partitionRecords].sort((a, b) => Number(a.offset) - Number(b.offset));
    for (const record of sorted) {
      records.push({
        topic: record.topic,
        partition: record.partition,
        offset: Number(record.offset),
        partitionKey,
        timestampMs: Number(record.timestamp),
        key: decodeBase64(record.key),
        value: decodeBase64(record.value),
        headers: headersOf(record),
      });
    }
  }
  return records;
}
