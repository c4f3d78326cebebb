/**
 * The kafkajs implementation of the Kafka port. kafkajs has had no release since 2023; the port
 * keeps the choice of client in this folder.
 */
import type { KafkaClientOptions, KafkaConnection, KafkaPort } from '../port';
import { KafkajsAdmin } from './admin';
import { createKafka, kafkaForBrokers, type KafkaLogger } from './client';
import { KafkajsConsumerGroupMember } from './consumer';
import { KafkajsPublisher } from './publisher';

export { MSK_IAM_TIMEOUTS, type KafkaLogger } from './client';
export { ensureTopics, type TopicAdmin } from './admin';
export { canCompress } from './codecs';

/** Options of {@link kafkajsPort}. */
export interface KafkajsPortOptions {
  /** Receives the clients' warnings and errors; silent without one. */
  readonly logger?: KafkaLogger;
  /** Clock of the publishers' IAM session renewal; injectable for tests. */
  readonly now?: () => number;
}

/** The Kafka port over kafkajs for one connection. */
export function kafkajsPort(connection: KafkaConnection, options: KafkajsPortOptions = {}): KafkaPort {
  return {
    publisher: (clientId, publisherOptions) =>
      new KafkajsPublisher(
        (hooks) => createKafka(connection, clientId, { logger: options.logger, onTokenSigned: hooks.onTokenSigned }),
        options.now,
        publisherOptions?.compression,
      ),
    admin: async (clientId, clientOptions?: KafkaClientOptions) => {
      const admin = (await createKafka(connection, clientId, { logger: options.logger, ...clientOptions })).admin();
      await admin.connect();
      return new KafkajsAdmin(admin);
    },
    consumerGroupMember: (clientId, consumerOptions) => {
      // The consumer runs only in the twin, on a plaintext broker list: its Kafka is built at once.
      if (connection.kind !== 'brokers') throw new Error('consumer groups of the Kafka port run on a broker list only (the local twin)');
      return new KafkajsConsumerGroupMember(
        kafkaForBrokers(connection.brokers, clientId, { logger: options.logger }).consumer({
          groupId: consumerOptions.groupId,
          maxWaitTimeInMs: consumerOptions.maxWaitMs,
          allowAutoTopicCreation: false,
        }),
        consumerOptions,
      );
    },
  };
}
