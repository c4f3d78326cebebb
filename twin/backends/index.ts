/**
 * The backends of the local twin: where its Kafka broker and DynamoDB come from. `jvm` starts
 * Apache Kafka and DynamoDB Local from Maven Central artifacts, `docker` starts the compose
 * services, `external` uses what the given addresses point at. The rest of the twin only sees
 * the addresses this module returns.
 */
import { portOf } from '../options';
import { assertCanStart } from '../setup/doctor';
import { resolveBackend, type BackendChoice } from './choice';
import { startDockerServices, type DockerServicesOptions } from './docker/services';
import { defaultCacheDir, resolveJvmArtifacts, startDynamoDbLocal, startKafkaBroker } from './jvm';

export type { BackendChoice, ResolvedBackend } from './choice';

/** Options of {@link startBackend}. */
export interface BackendOptions {
  readonly choice: BackendChoice;
  /** `KAFKA_BROKERS`: where the broker is (jvm: the port to start it on), as `parseLocalOptions` checked it. */
  readonly kafkaBrokers: string;
  /** `DYNAMODB_ENDPOINT`: where DynamoDB is (jvm: the port to start it on), as `parseLocalOptions` checked it. */
  readonly dynamoDbEndpoint: string;
  /** The HTTP API's address, checked free with the backend's ports before anything starts. */
  readonly apiPort: number;
  readonly apiHost: string;
  /** Keeps the JVM backend's state here across runs. */
  readonly dataDir?: string;
  /** Settings of the docker backend (compose file, environment, timeouts); its defaults otherwise. */
  readonly docker?: Omit<DockerServicesOptions, 'onProgress'>;
  /** One line per start-up step. */
  readonly onProgress: (message: string) => void;
}

/** A running backend: the addresses the pipeline uses, and how to stop what was started. */
export interface RunningBackend {
  readonly backend: Exclude<BackendChoice, 'auto'>;
  readonly kafkaBrokers: string;
  readonly dynamoDbEndpoint: string;
  /** Stops the services this backend started (none for `external`). */
  stop(): Promise<void>;
}

/**
 * Resolves `options.choice`, checks the machine can run it (free ports, a JDK, …) before anything
 * starts or downloads, then starts it.
 * @throws Error from the check that failed, or from the service that did not start
 */
export async function startBackend(options: BackendOptions): Promise<RunningBackend> {
  const { onProgress } = options;
  const { backend, reason } = await resolveBackend(options.choice, { env: options.docker?.env });
  // A busy port or a missing JDK is named now, by the check that failed.
  await assertCanStart(
    {
      apiPort: options.apiPort,
      apiHost: options.apiHost,
      kafkaPort: backend === 'jvm' ? portOf(options.kafkaBrokers) : 0,
      dynamoDbPort: backend === 'jvm' ? portOf(options.dynamoDbEndpoint) : 0,
      cacheDir: defaultCacheDir(),
    },
    { backend, reason },
  );
  // Say why auto chose what it chose: a developer expecting Docker should see that it did not answer.
  if (options.choice === 'auto' || backend === 'docker') onProgress(`backend: ${reason}`);
  switch (backend) {
    case 'docker': {
      onProgress('backend: docker (Redpanda, Redpanda Console and DynamoDB from docker-compose.local.yml)');
      if (options.dataDir) onProgress('--data-dir applies to the jvm backend only; the docker backend keeps its state in named volumes');
      const services = await startDockerServices({ ...options.docker, onProgress });
      return { backend, kafkaBrokers: services.kafkaBrokers, dynamoDbEndpoint: services.dynamoDbEndpoint, stop: () => services.stop() };
    }
    case 'jvm': {
      onProgress(`backend: jvm (Apache Kafka and DynamoDB Local on the JVM${options.dataDir ? `, state in ${options.dataDir}` : ', starting empty'})`);
      // Once, before the two starts: each would otherwise resolve an empty cache by itself, twice the download.
      await resolveJvmArtifacts({ onProgress });
      const [broker, dynamo] = await Promise.allSettled([
        startKafkaBroker({ port: portOf(options.kafkaBrokers), dataDir: options.dataDir && `${options.dataDir}/kafka`, onProgress }),
        startDynamoDbLocal({ port: portOf(options.dynamoDbEndpoint), dataDir: options.dataDir && `${options.dataDir}/dynamodb`, onProgress }),
      ]);
      const stopStarted = () => stopEach([broker, dynamo].flatMap((start) => (start.status === 'fulfilled' ? [() => start.value.stop()] : [])));
      // One that started while the other failed would otherwise outlive the twin's failed start.
      if (broker.status === 'rejected' || dynamo.status === 'rejected') {
        await stopStarted().catch(() => undefined);
        throw broker.status === 'rejected' ? broker.reason : (dynamo as PromiseRejectedResult).reason;
      }
      return { backend, kafkaBrokers: broker.value.brokers, dynamoDbEndpoint: dynamo.value.endpoint, stop: stopStarted };
    }
    case 'external':
      onProgress(`backend: external (Kafka at ${options.kafkaBrokers}, DynamoDB at ${options.dynamoDbEndpoint})`);
      return { backend, kafkaBrokers: options.kafkaBrokers, dynamoDbEndpoint: options.dynamoDbEndpoint, stop: async () => undefined };
  }
}

/** Runs every stop, even after one fails, then rethrows the first failure. */
async function stopEach(stops: readonly (() => Promise<void>)[]): Promise<void> {
  const results = await Promise.allSettled(stops.map((stop) => stop()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
