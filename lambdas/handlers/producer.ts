/**
 * Scheduled producer: generates realistic events for every stream and sends them, keyed by
 * entity, with an idempotent producer. On AWS an EventBridge schedule invokes it once a minute;
 * the local twin invokes the same handler every second.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '../adapters/logging';
import { createMetrics, type PipelineMetrics } from '../adapters/metrics';
import { PIPELINE_METRICS } from '../config/metrics';
import { PIPELINE } from '../config/pipeline';
import { loadSettings } from '../config/settings';
import { createKafkaPort, kafkaConnectionOf, type KafkaPublisher } from '../adapters/kafka';
import { STREAMS } from '../domain/streams/registry';
import type { AnyStreamDefinition } from '../domain/streams/types';
import { systemRandom, type RandomSource } from '../domain/random';
import type { HandlerInstance } from './handlerInstance';

/** The schedule's input (a constant EventBridge payload); all fields optional. */
export interface ProducerInput {
  /** Events per stream in this invocation; default: the configured rate × the schedule period. */
  readonly eventsPerStream?: number;
  /** Event times are spread over this many milliseconds before now (plus the generator's own delivery delay of up to 2 s); default: the schedule period. */
  readonly spreadMs?: number;
}

/** What the producer needs. */
export interface ProducerDependencies {
  readonly publisher: KafkaPublisher;
  readonly eventsPerSecond: number;
  readonly streams?: readonly AnyStreamDefinition[];
  readonly random?: RandomSource;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Events produced, per stream. */
  readonly metrics?: PipelineMetrics;
}

/** Events produced per stream. */
export type ProducerResult = Record<string, number>;

const SCHEDULE_MS = PIPELINE.producer.scheduleMinutes * 60_000;

/** Builds the handler around its dependencies. */
export function createProducerHandler(dependencies: ProducerDependencies): (input?: ProducerInput | null) => Promise<ProducerResult> {
  const { publisher, eventsPerSecond, streams = STREAMS, random = systemRandom, now = Date.now, logger, metrics } = dependencies;
  return async (input) => {
    const spreadMs = input?.spreadMs ?? SCHEDULE_MS;
    const count = input?.eventsPerStream ?? Math.round((eventsPerSecond * spreadMs) / 1000);
    const nowMs = now();
    const produced: ProducerResult = {};
    await Promise.all(
      streams.map(async (stream) => {
        const messages = Array.from({ length: count }, () => {
          const event = stream.generate(random, nowMs - Math.floor(random.next() * spreadMs));
          return { key: stream.partitionKey(event), value: JSON.stringify(event) };
        });
        await publisher.send(stream.name, messages);
        produced[stream.name] = messages.length;
      }),
    );
    logger?.info('events produced', { produced });
    if (metrics) {
      for (const [stream, count] of Object.entries(produced)) metrics.add(PIPELINE_METRICS.eventsProduced, 'Count', count, stream);
      metrics.publish();
    }
    return produced;
  };
}

/** The handler as configured by an environment, with a way to close its Kafka connection. */
export function producerFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerInstance<ProducerResult, ProducerInput | null | undefined> {
  const settings = loadSettings(env);
  const connection = kafkaConnectionOf(settings);
  const publisher = createKafkaPort(connection).publisher(`${PIPELINE.projectName}-producer`, { compression: PIPELINE.producer.compression });
  const invoke = createProducerHandler({
    publisher,
    eventsPerSecond: settings.PULSE_EVENTS_PER_SECOND,
    logger: createLogger('producer', env),
    metrics: createMetrics('producer', env),
  });
  return { invoke, close: () => publisher.disconnect() };
}
