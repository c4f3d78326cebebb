/**
 * The pipeline plan: from the stream registry and the deployment's values, everything that runs —
 * topics, tables, each function's environment, and the event source mappings with their batching
 * and retry policy. Pure. The CDK constructs and the local twin both iterate it, so a new stream,
 * consumer or handler setting reaches AWS and the laptop through one edit.
 */
import type { AnyStreamDefinition } from '../domain/streams/types';
import { STREAMS } from '../domain/streams/registry';
import { PIPELINE, consumerGroupId, deadLetterTopic, topicConfigOf, type ConsumerName } from './pipeline';
import { HANDLER_NAMES, environmentOf, type HandlerName, type SettingValues } from './settings';
import { TABLE_DEFINITIONS, type TableDefinition } from './tables';

/** How a mapping retries a failed batch, as AWS configures a Kafka mapping. */
export interface RetryPolicy {
  /** Retries after the first attempt; -1 until the batch succeeds (or its records age out). AWS default: -1. */
  readonly maximumRetryAttempts: number;
  /** Records older than this (ms since their Kafka timestamp) are discarded instead of invoked; -1 never. AWS default: -1. */
  readonly maximumRecordAgeMs: number;
  /** Split a failing batch in two and retry each half on its own. AWS default: false. */
  readonly bisectBatchOnError: boolean;
}

/** AWS's defaults for a Kafka mapping (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html): retry until success. */
export const UNBOUNDED_RETRIES: RetryPolicy = { maximumRetryAttempts: -1, maximumRecordAgeMs: -1, bisectBatchOnError: false };

/** Where a mapping sends what it gives up on: nowhere (it never gives up), its stream's `.dlq`, or an SQS queue, SNS topic or S3 bucket. */
export const ON_FAILURE_KINDS = ['none', 'kafka', 'sqs', 'sns', 's3'] as const;

/** One of {@link ON_FAILURE_KINDS}. */
export type OnFailureKind = (typeof ON_FAILURE_KINDS)[number];

/** A mapping's error handling. */
export interface MappingErrorHandling {
  readonly retryPolicy: RetryPolicy;
  readonly onFailure: OnFailureKind;
}

/** The default: AWS's retry policy, no destination. */
export const DEFAULT_ERROR_HANDLING: MappingErrorHandling = { retryPolicy: UNBOUNDED_RETRIES, onFailure: 'none' };

/** One topic to create. */
export interface TopicPlan {
  readonly name: string;
  readonly stream: string;
  readonly deadLetter: boolean;
  readonly partitions: number;
  /** Topic-level configuration. */
  readonly config: Readonly<Record<string, string>>;
}

/** One event source mapping: a consumer of a stream's topic. */
export interface MappingPlan {
  readonly consumer: ConsumerName;
  readonly stream: string;
  readonly topic: string;
  /** Fixed, so that a replaced mapping resumes where the last one committed. */
  readonly groupId: string;
  readonly batchSize: number;
  /** In ms; AWS takes whole seconds, or none for its 500 ms default. */
  readonly maxBatchingWindowMs: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly errorHandling: MappingErrorHandling;
  /** The stream's dead-letter topic: where `onFailure: 'kafka'` sends records. */
  readonly deadLetterTopic: string;
}

/** One function and the environment it is given. */
export interface FunctionPlan {
  readonly handler: HandlerName;
  readonly environment: Readonly<Record<string, string>>;
}

/** Everything that runs. */
export interface PipelinePlan {
  readonly streams: readonly AnyStreamDefinition[];
  readonly topics: readonly TopicPlan[];
  readonly tables: readonly TableDefinition[];
  readonly functions: Readonly<Record<HandlerName, FunctionPlan>>;
  /** The consumers, in the order their functions are declared. */
  readonly consumers: readonly ConsumerName[];
  readonly mappings: readonly MappingPlan[];
}

/** What a plan is made from. */
export interface PlanInputs {
  /** @default every stream of the registry */
  readonly streams?: readonly AnyStreamDefinition[];
  /** Values of the handler settings, by variable (CDK tokens on AWS). */
  readonly values: SettingValues;
  /** @default DEFAULT_ERROR_HANDLING */
  readonly errorHandling?: MappingErrorHandling;
}

/** The topics of `streams`: each stream's topic and its dead-letter topic. */
export function topicPlansOf(streams: readonly AnyStreamDefinition[] = STREAMS): TopicPlan[] {
  return streams.flatMap((stream) =>
    [stream.name, deadLetterTopic(stream.name)].map((name) => ({
      name,
      stream: stream.name,
      deadLetter: name !== stream.name,
      partitions: PIPELINE.topics.partitions,
      config: topicConfigOf(name),
    })),
  );
}

/** The plan of a deployment; see the module comment. */
export function pipelinePlan(inputs: PlanInputs): PipelinePlan {
  const streams = inputs.streams ?? STREAMS;
  const errorHandling = inputs.errorHandling ?? DEFAULT_ERROR_HANDLING;
  const consumers = Object.keys(PIPELINE.consumers) as ConsumerName[];
  const topics = topicPlansOf(streams);
  const functions = Object.fromEntries(HANDLER_NAMES.map((handler) => [handler, { handler, environment: environmentOf(handler, inputs.values) }])) as Record<HandlerName, FunctionPlan>;
  const mappings = consumers.flatMap((consumer) =>
    streams.map((stream) => {
      const settings = PIPELINE.consumers[consumer];
      return {
        consumer,
        stream: stream.name,
        topic: stream.name,
        groupId: consumerGroupId(consumer, stream.name),
        batchSize: settings.batchSize,
        maxBatchingWindowMs: settings.maxBatchingWindowMs,
        startingPosition: settings.startingPosition,
        errorHandling,
        deadLetterTopic: deadLetterTopic(stream.name),
      };
    }),
  );
  return { streams, topics, tables: TABLE_DEFINITIONS, functions, consumers, mappings };
}
