/** Stops the services globalSetup started; tolerates a setup that failed halfway. */
export default async function globalTeardown(): Promise<void> {
  const services = globalThis.pulseIntegrationServices;
  globalThis.pulseIntegrationServices = undefined;
  if (!services) return;
  const started = Date.now();
  await Promise.all([services.kafka?.stop(), services.dynamoDb?.stop()]);
  process.stderr.write(`[integration teardown] stopped Kafka and DynamoDB Local in ${Date.now() - started} ms\n`);
}
