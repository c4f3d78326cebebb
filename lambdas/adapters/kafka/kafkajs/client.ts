/**
 * kafkajs clients for a connection: plaintext to a local broker, or IAM-authenticated TLS to
 * Amazon MSK. The only module besides its siblings that knows kafkajs.
 */
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import { bootstrapBrokersOf } from '../connection';
import type { KafkaClientOptions, KafkaConnection } from '../port';
import { registerKafkajsCodecs } from './codecs';

// Every client of this process reads every codec Kafka has, whoever produced the batch.
registerKafkajsCodecs();

/** Where a client's own log lines go. */
export interface KafkaLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Timeouts for MSK over IAM: a TLS handshake and a SASL exchange with a signed token take longer
 * than a loopback connection, and kafkajs's 1 s connection timeout is short for them. These are
 * the Java client's own defaults, which MSK's clients use: a 10 s connection setup
 * (https://kafka.apache.org/documentation/#producerconfigs_socket.connection.setup.timeout.ms)
 * and a 30 s request timeout (https://kafka.apache.org/documentation/#producerconfigs_request.timeout.ms).
 */
export const MSK_IAM_TIMEOUTS = { connectionTimeoutMs: 10_000, authenticationTimeoutMs: 10_000, requestTimeoutMs: 30_000 } as const;

/**
 * kafkajs logs every error response at ERROR, even those it handles (a rebalance, a coordinator
 * still loading); real failures reach the caller as errors or crashes, so those lines are dropped.
 */
function logCreatorFor(logger: KafkaLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      if (namespace === 'Connection' && log.message.startsWith('Response ')) return;
      const line = `kafkajs: ${log.message}${log.error ? ` (${String(log.error)})` : ''}`;
      if (level === logLevel.ERROR) logger.error(line);
      else if (level === logLevel.WARN) logger.warn(line);
      else logger.info(line);
    };
}

/** Options of {@link createKafka}. */
export interface CreateKafkaOptions extends KafkaClientOptions {
  /** Receives the client's warnings and errors; silent without one. */
  readonly logger?: KafkaLogger;
  /**
   * Told the expiry (ms since the epoch) of every IAM token the client signs: a connection's IAM
   * session ends with its token, and kafkajs never re-authenticates a connection (kafkajs issue
   * 1435), so a long-lived client must reconnect before then.
   */
  readonly onTokenSigned?: (expiresAtMs: number) => void;
}

function baseConfig(clientId: string, options: CreateKafkaOptions): KafkaConfig {
  return {
    clientId,
    brokers: [],
    ...(options.logger ? { logLevel: logLevel.WARN, logCreator: logCreatorFor(options.logger) } : { logLevel: logLevel.NOTHING }),
    ...(options.connectionTimeoutMs === undefined ? {} : { connectionTimeout: options.connectionTimeoutMs }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
    ...(options.retries === undefined ? {} : { retry: { retries: options.retries } }),
  };
}

/** A plaintext kafkajs client for a broker list (the local twin's broker). */
export function kafkaForBrokers(brokers: readonly string[], clientId: string, options: CreateKafkaOptions = {}): Kafka {
  return new Kafka({ ...baseConfig(clientId, options), brokers: [...brokers] });
}

/** A kafkajs client for the connection; for MSK the OAUTHBEARER token is signed afresh on each (re)authentication. */
export async function createKafka(connection: KafkaConnection, clientId: string, options: CreateKafkaOptions = {}): Promise<Kafka> {
  if (connection.kind === 'brokers') return kafkaForBrokers(connection.brokers, clientId, options);
  const base = baseConfig(clientId, options);
  const brokers = await bootstrapBrokersOf(connection.clusterArn, connection.region);
  return new Kafka({
    connectionTimeout: MSK_IAM_TIMEOUTS.connectionTimeoutMs,
    authenticationTimeout: MSK_IAM_TIMEOUTS.authenticationTimeoutMs,
    requestTimeout: MSK_IAM_TIMEOUTS.requestTimeoutMs,
    ...base,
    brokers,
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => {
        // The token lives 15 minutes at most, less when the credentials behind it expire sooner.
        const { token, expiryTime } = await generateAuthToken({ region: connection.region });
        options.onTokenSigned?.(expiryTime);
        return { value: token };
      },
    },
  });
}
