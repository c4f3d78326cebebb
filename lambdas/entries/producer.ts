/**
 * The scheduled producer as Lambda loads it: its Kafka producer is built at init and kept for the
 * life of the execution environment (MSK limits new IAM connections); a bad setting fails the init.
 */
import { producerFromEnvironment, type ProducerInput } from '../handlers/producer';

const producer = producerFromEnvironment(process.env);

/** Produces one schedule period's events (the EventBridge rule's constant input). */
export const handler = (input?: ProducerInput | null) => producer.invoke(input);
