/**
 * The Lambda event for Amazon MSK (`eventSource: "aws:kafka"`), both ways: decoding it into plain
 * records with their bytes (what the handlers do), and encoding records into it exactly as the
 * event source mapping does (what the local twin and the tests do). The shape is checked first on
 * decoding, so a wrongly wired trigger fails by name instead of deep inside the domain code.
 *
 * The wire format, as AWS sends it: records grouped under `"<topic>-<partition>"`, in offset
 * order; `offset` and `timestamp` numbers; `key` and `value` base64, each omitted when the Kafka
 * record has none (although `@types/aws-lambda` declares both as strings); headers as a list of
 * one-entry objects `{ name: [byte, …] }`, one per header occurrence.
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
  readonly timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
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
        timestampType: record.timestampType === 'LOG_APPEND_TIME' ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
        key: decodeBase64(record.key),
        value: decodeBase64(record.value),
        headers: headersOf(record),
      });
    }
  }
  return records;
}

/** A record to encode: a consumed record, or one a test describes (text is taken as UTF-8). */
export interface MskRecordInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number | string;
  /** Ms since the epoch. */
  readonly timestamp: number | string;
  readonly timestampType?: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: readonly (readonly [string, Buffer | string])[];
}

/** The record as an MSK event carries it: `key` and `value` absent when the Kafka record has none. */
export type MskWireRecord = Omit<MSKRecord, 'key' | 'value'> & { key?: string; value?: string };

/** An MSK event whose records may lack a key or value. */
export type MskWireEvent = Omit<MSKEvent, 'records'> & { records: Record<string, MskWireRecord[]> };

/** The parts of an MSK event that describe the source rather than the records. */
export interface MskEventMeta {
  readonly eventSourceArn: string;
  readonly bootstrapServers: string;
}

const bytesOf = (data: Buffer | string): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** The `records` key AWS groups an MSK event by. */
export function partitionKeyOf(record: { readonly topic: string; readonly partition: number }): string {
  return `${record.topic}-${record.partition}`;
}

/** One record as AWS puts it in an MSK event. */
export function toMskRecord(input: MskRecordInput): MskWireRecord {
  return {
    topic: input.topic,
    partition: input.partition,
    offset: Number(input.offset),
    timestamp: Number(input.timestamp),
    timestampType: input.timestampType ?? 'CREATE_TIME',
    ...(input.key === undefined || input.key === null ? {} : { key: bytesOf(input.key).toString('base64') }),
    ...(input.value === null ? {} : { value: bytesOf(input.value).toString('base64') }),
    headers: (input.headers ?? []).map(([name, value]) => ({ [name]: [...bytesOf(value)] })),
  };
}

/** An MSK event of records already in AWS's form, grouped by `<topic>-<partition>` in the order given. */
export function assembleMskEvent(records: readonly MskWireRecord[], meta: MskEventMeta): MskWireEvent {
  const grouped: Record<string, MskWireRecord[]> = {};
  for (const record of records) (grouped[partitionKeyOf(record)] ??= []).push(record);
  return { eventSource: 'aws:kafka', eventSourceArn: meta.eventSourceArn, bootstrapServers: meta.bootstrapServers, records: grouped };
}

/** The MSK event AWS Lambda would send for these records. */
export function toMskEvent(records: readonly MskRecordInput[], meta: MskEventMeta): MskWireEvent {
  return assembleMskEvent(records.map(toMskRecord), meta);
}
