/**
 * The local twin: starts (or connects to) a Kafka broker and DynamoDB, creates the topics and
 * tables from the pipeline's own definitions, runs the same handler modules as AWS behind an
 * emulated MSK event source mapping and HTTP API, and runs the producer on its schedule.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createKafkaPort } from '../lambdas/adapters/kafka';
import { PIPELINE, type ConsumerName } from '../lambdas/config/pipeline';
import { pipelinePlan, type MappingErrorHandling } from '../lambdas/config/plan';
import type { HandlerName } from '../lambdas/config/settings';
import { aggregationFromEnvironment } from '../lambdas/handlers/aggregation';
import { enrichmentFromEnvironment } from '../lambdas/handlers/enrichment';
import type { HandlerInstance } from '../lambdas/handlers/handlerInstance';
import { producerFromEnvironment } from '../lambdas/handlers/producer';
import { queryFromEnvironment } from '../lambdas/handlers/query';
import { startBackend } from './backends';
import type { DockerServicesOptions } from './backends/docker/services';
import { startEventSourceMapping, type EventSourceMappingHandle } from './lambda/eventSourceMapping';
import { startHttpApi } from './lambda/httpApi';
import { parseLocalOptions, type Backend, type LocalOptionsInput } from './options';
import { createTable, createTopics } from './provision';
import { StatusMonitor } from './status';

/**
 * The URL to show for an API listening on `url`: a wildcard address (0.0.0.0, ::) is not
 * something to open in a browser, so it is shown as localhost.
 */
export function displayUrl(url: string): string {
  return url.replace(/^http:\/\/(0\.0\.0\.0|\[::\])(?=:\d+$)/, 'http://localhost');
}

/**
 * Options of `pulse local` (checked by `parseLocalOptions` in `./options`, where each is
 * described), and what only a caller in code can pass.
 */
export interface LocalPipelineOptions extends LocalOptionsInput {
  /** One line per start-up step. */
  readonly onProgress: (message: string) => void;
  /** Settings of the docker backend (compose file, environment, timeouts); its defaults otherwise. */
  readonly docker?: Omit<DockerServicesOptions, 'onProgress'>;
  /**
   * Consumer handlers to run instead of those built from the environment, e.g. with faults
   * injected by a test or a benchmark; the twin closes them on stop like its own.
   */
  readonly consumers?: Partial<Record<ConsumerName, HandlerInstance<unknown>>>;
  /** The mappings' error handling, as configured for AWS (CDK context). @default AWS's: retry until success */
  readonly errorHandling?: MappingErrorHandling;
}

/** How the twin builds each consumer's handler from an environment: one entry per consumer of the plan. */
const CONSUMER_HANDLERS: Readonly<Record<ConsumerName, (env: NodeJS.ProcessEnv) => HandlerInstance<unknown>>> = {
  enrichment: enrichmentFromEnvironment,
  aggregation: aggregationFromEnvironment,
};

/** A running local pipeline. */
export interface LocalPipeline {
  readonly url: string;
  readonly kafkaBrokers: string;
  readonly dynamoDbEndpoint: string;
  readonly backend: Exclude<Backend, 'auto'>;
  readonly status: StatusMonitor;
  /** Drains the consumers, stops the producer and the API, then the services it started. */
  stop(): Promise<void>;
}

/**
 * Starts the whole pipeline; on any failure it stops what it had started and rethrows.
 * @throws ConfigurationError naming each bad option, before anything starts
 */
export async function startLocalPipeline(given: LocalPipelineOptions): Promise<LocalPipeline> {
  const options = { ...given, ...parseLocalOptions(given) };
  const stack: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    while (stack.length > 0) {
      const stop = stack.pop() as () => Promise<void>;
      await stop().catch((error: unknown) => options.onProgress(`while stopping: ${(error as Error).message}`));
    }
  };
  try {
    const services = await startBackend({
      choice: options.backend,
      kafkaBrokers: options.kafkaBrokers,
      dynamoDbEndpoint: options.dynamoDbEndpoint,
      apiPort: options.port,
      apiHost: options.host,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.docker ? { docker: options.docker } : {}),
      onProgress: options.onProgress,
    });
    stack.push(() => services.stop());
    const { backend, kafkaBrokers, dynamoDbEndpoint } = services;

    const kafka = createKafkaPort({ kind: 'brokers', brokers: kafkaBrokers.split(',') });
    const admin = await kafka.admin(`${PIPELINE.projectName}-twin`);
    stack.push(() => admin.close());
    // What runs, as the CDK app plans it for AWS, with the twin's values.
    const plan = pipelinePlan({
      values: {
        KAFKA_BROKERS: kafkaBrokers,
        DYNAMODB_ENDPOINT: dynamoDbEndpoint,
        EVENTS_TABLE: options.eventsTable,
        AGGREGATES_TABLE: options.aggregatesTable,
        PULSE_EVENTS_PER_SECOND: String(options.rate),
        // The handlers' JSON logs would drown the status line; warnings and errors still show.
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      },
      ...(options.errorHandling ? { errorHandling: options.errorHandling } : {}),
    });
    const topicNames = plan.topics.map((topic) => topic.name);
    const created = await createTopics(admin, topicNames);
    options.onProgress(`topics: ${topicNames.join(', ')}${created.length > 0 ? ` (created ${created.length})` : ''}`);
    const dynamo = new DynamoDBClient({ endpoint: dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    stack.push(async () => dynamo.destroy());
    const tableNames = { events: options.eventsTable, aggregates: options.aggregatesTable } as Record<string, string>;
    for (const definition of plan.tables) {
      await createTable(dynamo, definition, tableNames[definition.logicalName] as string);
    }
    options.onProgress(`tables: ${Object.values(tableNames).join(', ')}`);

    // Each handler gets the process's own variables (AWS_REGION, …) and exactly its planned ones.
    const environmentOf = (handler: HandlerName): NodeJS.ProcessEnv => ({ ...process.env, ...plan.functions[handler].environment });
    const consumers = Object.fromEntries(
      plan.consumers.map((consumer) => [consumer, options.consumers?.[consumer] ?? CONSUMER_HANDLERS[consumer](environmentOf(consumer))]),
    ) as Record<ConsumerName, HandlerInstance<unknown>>;
    for (const consumer of plan.consumers) stack.push(() => consumers[consumer].close());

    const query = queryFromEnvironment(environmentOf('query'));
    const api = await startHttpApi({ port: options.port, host: options.host, handler: (event) => query.invoke(event) });
    stack.push(() => api.stop());

    const mappings: EventSourceMappingHandle[] = [];
    for (const planned of plan.mappings) {
      const { retryPolicy, onFailure } = planned.errorHandling;
      const mapping = await startEventSourceMapping({
        brokers: kafkaBrokers,
        topics: [planned.topic],
        groupId: planned.groupId,
        batchSize: planned.batchSize,
        maxBatchingWindowMs: planned.maxBatchingWindowMs,
        startingPosition: planned.startingPosition,
        functionName: `${PIPELINE.projectName}-${planned.consumer}`,
        handler: (event) => consumers[planned.consumer].invoke(event),
        retryPolicy,
        onFailure: onFailure === 'none' ? { kind: 'none' } : onFailure === 'kafka' ? { kind: 'kafka', topic: planned.deadLetterTopic } : { kind: 'aws', service: onFailure },
        redelivery: options.redelivery,
        kafka,
      });
      mappings.push(mapping);
      stack.push(() => mapping.stop());
    }
    await Promise.all(mappings.map((mapping) => mapping.joined));
    options.onProgress(`consumers: ${mappings.length} event source mappings joined their groups`);

    // ready: promises an API that answers, so ask it as a user would.
    const health = await fetch(`${api.url}/health`);
    if (health.status !== 200) {
      throw new Error(`the local API at ${api.url} answered /health with ${health.status}: ${await health.text()}`);
    }
    options.onProgress('api: /health answered ok');

    const status = new StatusMonitor(admin, plan.streams, mappings);
    await status.start();
    stack.push(async () => status.stop());

    if (options.producer) {
      const producer = producerFromEnvironment(environmentOf('producer'));
      stack.push(() => producer.close());
      const timer = startProducerSchedule(producer, options.rate, options.onProgress);
      stack.push(async () => timer.stop());
      options.onProgress(`producer: ${options.rate} events/s per stream, every ${PIPELINE.producer.localTickMs} ms`);
    }

    return {
      url: displayUrl(api.url),
      kafkaBrokers,
      dynamoDbEndpoint,
      backend,
      status,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Invokes the producer every local tick with the events due since start, so fractional rates
 * (0.5 events/s) come out right over time. Ticks never overlap: a slow broker delays the next.
 */
function startProducerSchedule(
  producer: HandlerInstance<unknown, { eventsPerStream: number; spreadMs: number }>,
  rate: number,
  onProgress: (message: string) => void,
): { stop(): Promise<void> } {
  const startedAt = Date.now();
  let produced = 0;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    const due = Math.floor(((Date.now() - startedAt) / 1000) * rate) - produced;
    if (due <= 0) return;
    try {
      await producer.invoke({ eventsPerStream: due, spreadMs: PIPELINE.producer.localTickMs });
      produced += due;
    } catch (error) {
      onProgress(`producer: invocation failed, retrying next tick: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(tick);
  }, PIPELINE.producer.localTickMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
