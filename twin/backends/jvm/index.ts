/**
 * The JVM backend of the local twin: a real Kafka broker and a real DynamoDB Local, resolved from
 * Maven Central into the project's cache and run on the local JDK.
 */
export { resolveJvmArtifacts, defaultCacheDir, compileJavaSource } from './artifacts';
export type { JvmArtifacts, ResolveJvmArtifactsOptions } from './artifacts';
export { startKafkaBroker, DEFAULT_KAFKA_PORT } from './kafkaBroker';
export type { KafkaBrokerHandle, KafkaBrokerOptions } from './kafkaBroker';
export { startDynamoDbLocal, DEFAULT_DYNAMODB_PORT, DYNAMODB_LOCAL_CREDENTIALS } from './dynamoDbLocal';
export type { DynamoDbLocalHandle, DynamoDbLocalOptions } from './dynamoDbLocal';
export { findFreePort } from './jvmProcess';
