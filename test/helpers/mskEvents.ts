/**
 * MSK events for tests, encoded by the same module the twin uses (`lambdas/adapters/kafka/mskEvent.ts`),
 * from a source whose ARN and bootstrap servers look like an MSK Serverless cluster's.
 */
import { toMskEvent, type MskRecordInput, type MskWireEvent } from '../../lambdas/adapters/kafka/mskEvent';

/** One Kafka record to put into an event. */
export type RecordSpec = MskRecordInput;

export type { MskRecordInput, MskWireEvent } from '../../lambdas/adapters/kafka/mskEvent';

const META = {
  eventSourceArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/pulse/6c8f4e31-0c2a-4a8e-9d6a-1f2b3c4d5e6f-s1',
  bootstrapServers: 'boot-abc123.c1.kafka-serverless.eu-west-1.amazonaws.com:9098',
};

/** An MSK event holding `records`, grouped by `<topic>-<partition>` in the order given. */
export function buildMskEvent(records: readonly RecordSpec[]): MskWireEvent {
  return toMskEvent(records, META);
}
