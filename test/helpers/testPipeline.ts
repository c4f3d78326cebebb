/**
 * The whole twin for an integration test: on the run's broker and DynamoDB Local (KAFKA_BROKERS,
 * DYNAMODB_ENDPOINT, set by the global setup), in tables of its own, producer off, quiet.
 */
import { randomUUID } from 'node:crypto';
import { findFreePort } from '../../twin/backends/jvm';
import { startLocalPipeline, type LocalPipeline } from '../../twin/local';

/**
 * Starts the twin on the integration services with fresh `events-<uuid>` and `aggregates-<uuid>`
 * tables, so that its aggregates hold only what a test sends (the consumer groups are shared by
 * the whole run: it folds whatever records earlier pipelines left unconsumed).
 */
export async function startTestPipeline(): Promise<LocalPipeline> {
  return startLocalPipeline({
    backend: 'external',
    port: await findFreePort(),
    producer: false,
    rate: 1,
    kafkaBrokers: process.env.KAFKA_BROKERS as string,
    dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT as string,
    eventsTable: `events-${randomUUID()}`,
    aggregatesTable: `aggregates-${randomUUID()}`,
    onProgress: () => undefined,
  });
}
