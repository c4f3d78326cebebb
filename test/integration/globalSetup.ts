import {
  defaultCacheDir,
  findFreePort,
  resolveJvmArtifacts,
  startDynamoDbLocal,
  startKafkaBroker,
  type DynamoDbLocalHandle,
  type KafkaBrokerHandle,
} from '../../twin/backends/jvm';

/** Handles shared with globalTeardown, which jest runs in the same process. */
export interface IntegrationServices {
  kafka?: KafkaBrokerHandle;
  dynamoDb?: DynamoDbLocalHandle;
}

declare global {
  var pulseIntegrationServices: IntegrationServices | undefined;
}

function progress(message: string): void {
  process.stderr.write(`[integration setup] ${message}\n`);
}

/**
 * Starts one Kafka broker and one DynamoDB Local for the whole integration run and hands their
 * addresses to the tests through KAFKA_BROKERS and DYNAMODB_ENDPOINT (jest's workers inherit
 * this process's environment).
 *
 * Why free ports: a developer's twin on 9092/8000 keeps running while the tests do.
 */
export default async function globalSetup(): Promise<void> {
  const resolveStarted = Date.now();
  progress(`resolving JVM artifacts (cache: ${defaultCacheDir()})`);
  await resolveJvmArtifacts({ onProgress: progress });
  progress(`JVM artifacts resolved in ${Date.now() - resolveStarted} ms`);

  const services: IntegrationServices = {};
  globalThis.pulseIntegrationServices = services;
  const [kafkaPort, dynamoDbPort] = [await findFreePort(), await findFreePort()];
  // In parallel: the two JVMs start in about the time of the slower one, even on two cores.
  const [kafka, dynamoDb] = await Promise.allSettled([
    startKafkaBroker({ port: kafkaPort, onProgress: progress }).then((handle) => (services.kafka = handle)),
    startDynamoDbLocal({ port: dynamoDbPort, onProgress: progress }).then((handle) => (services.dynamoDb = handle)),
  ]);
  if (kafka.status === 'rejected' || dynamoDb.status === 'rejected') {
    // jest skips globalTeardown when globalSetup throws, so stop whatever did start.
    await Promise.all([services.kafka?.stop(), services.dynamoDb?.stop()]);
    throw kafka.status === 'rejected' ? kafka.reason : (dynamoDb as PromiseRejectedResult).reason;
  }
  process.env.KAFKA_BROKERS = kafka.value.brokers;
  process.env.DYNAMODB_ENDPOINT = dynamoDb.value.endpoint;
}
