/**
 * The Kafka port and the one implementation Pulse uses. Swapping the client is this file's
 * import and the folder beside it, nothing else.
 */
export * from './port';
export { kafkaConnectionOf, mskConnectionOf, bootstrapBrokersOf } from './connection';
export { kafkajsPort as createKafkaPort, canCompress, type KafkajsPortOptions as KafkaPortOptions, type KafkaLogger } from './kafkajs';
