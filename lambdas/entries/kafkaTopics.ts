/**
 * The `Custom::PulseKafkaTopics` provider's `onEvent` function as Lambda loads it, built at init
 * from the environment like every Pulse function.
 */
import { kafkaTopicsFromEnvironment } from '../handlers/kafkaTopics';

/** Creates the missing topics on Create and Update; keeps them on Delete. */
export const handler = kafkaTopicsFromEnvironment(process.env);
