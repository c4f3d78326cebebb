/**
 * Builds Lambda events for Amazon MSK exactly as the event source mapping delivers them:
 * records grouped under `"<topic>-<partition>"`, key and value base64-encoded (and omitted when
 * the Kafka record has none), headers as a list of single-entry objects of byte arrays.
 */
import type { MSKEvent } from 'aws-lambda';

/** One Kafka record to put into an event. */
export interface RecordSpec {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Kafka record timestamp in epoch milliseconds. */
  readonly timestamp: number;
  /** Absent or `null` for a record sent without a key. */
  readonly key?: string | Buffer | null;
  /** `null` for a record without a value (a tombstone). */
  readonly value: string | Buffer | null;
  /** Header name → value, in order; repeated names are allowed as separate entries. */
  readonly headers?: readonly (readonly [string, string | Buffer])[];
}

/** The name integration tests use for a record to put into an event. */
export type MskRecordInput = RecordSpec;

/** The record shape MSK sends: `key` and `value` are absent when the Kafka record has none. */
export type MskWireRecord = Omit<MSKEvent['records'][string][number], 'key' | 'value'> & { key?: string; value?: string };

/** An MSK event whose records may lack a key or value. */
export type MskWireEvent = Omit<MSKEvent, 'records'> & { records: Record<string, MskWireRecord[]> };

const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/pulse/6c8f4e31-0c2a-4a8e-9d6a-1f2b3c4d5e6f-s1';

function base64(data: string | Buffer): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64');
}

/** An MSK event holding `records`, grouped by `<topic>-<partition>` in the order given. */
export function buildMskEvent(records: readonly RecordSpec[]): MskWireEvent {
  const grouped: Record<string, MskWireRecord[]> = {};
  for (const spec of records) {
    const partitionKey = `${spec.topic}-${spec.partition}`;
    const wire: MskWireRecord = {
      topic: spec.topic,
      partition: spec.partition,
      offset: spec.offset,
      timestamp: spec.timestamp,
      timestampType: 'CREATE_TIME',
      ...(spec.key === undefined || spec.key === null ? {} : { key: base64(spec.key) }),
      ...(spec.value === null ? {} : { value: base64(spec.value) }),
      headers: (spec.headers ?? []).map(([name, value]) => ({
        [name]: [...(typeof value === 'string' ? Buffer.from(value, 'utf8') : value)],
      })),
    };
    (grouped[partitionKey] ??= []).push(wire);
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: CLUSTER_ARN,
    bootstrapServers: 'boot-abc123.c1.kafka-serverless.eu-west-1.amazonaws.com:9098',
    records: grouped,
  };
}
