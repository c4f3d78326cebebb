/**
 * The one source of truth for how the pipeline is wired: names, batching, schedules and
 * retention. The CDK app and the local twin both read this module, so AWS and a laptop behave
 * alike; nothing here may be repeated elsewhere.
 */
import type { CompressionCodec } from '../adapters/kafka/port';

/** How a Lambda event source mapping for Amazon MSK reads one topic. */
export interface ConsumerSettings {
  /** Fixed consumer group id: a new id on a replaced mapping would restart from the starting position. */
  readonly groupIdPrefix: string;
  /** Records per invocation (AWS: 1 to 10,000). */
  readonly batchSize: number;
  /** How long the poller gathers records before invoking, in milliseconds (AWS default for MSK: 500). */
  readonly maxBatchingWindowMs: number;
  /** Where a new consumer group starts. */
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
}

/** The two consumers of every stream topic; each reads the raw topic in its own group. */
export type ConsumerName = 'enrichment' | 'aggregation';

/** Settings that shape the pipeline, shared by infrastructure and the local twin. */
export const PIPELINE = {
  /** Prefix for resource names and consumer groups. */
  projectName: 'pulse',
  topics: {
    /** Suffix of each stream's dead-letter topic (`orders` → `orders.dlq`). */
    deadLetterSuffix: '.dlq',
    /** Partitions per topic: more than one, so one invocation can carry several partitions as on MSK. */
    partitions: 3,
    /**
     * `max.message.bytes` of the dead-letter topics: a dead letter is its record plus Pulse's
     * headers (up to about 1.3 KB), so it must take more than the 1 MiB a stream topic takes by
     * default on Kafka and MSK (https://kafka.apache.org/documentation/#topicconfigs_max.message.bytes).
     * 2 MiB stays within MSK Serverless's 8 MiB maximum.
     */
    deadLetterMaxMessageBytes: 2 * 1024 * 1024,
  },
  consumers: {
    enrichment: {
      groupIdPrefix: 'pulse-enrichment',
      batchSize: 100,
      maxBatchingWindowMs: 500,
      startingPosition: 'TRIM_HORIZON',
    },
    aggregation: {
      groupIdPrefix: 'pulse-aggregation',
      // Folding is per batch, so larger batches mean fewer DynamoDB writes per event.
      batchSize: 1000,
      maxBatchingWindowMs: 500,
      startingPosition: 'TRIM_HORIZON',
    },
  } satisfies Record<ConsumerName, ConsumerSettings>,
  producer: {
    /** EventBridge schedule of the producer on AWS (the finest rate EventBridge offers). */
    scheduleMinutes: 1,
    /** Locally the same handler is invoked this often, so events appear within a second. */
    localTickMs: 1000,
    /** Default events per second per stream. */
    eventsPerSecondPerStream: 5,
    /**
     * Codec of the record batches Pulse's producers send (the scheduled producer, the benchmark's
     * client): `none`, `gzip`, `snappy`, `lz4` or `zstd`, all of which MSK stores as sent
     * (`compression.type` is `producer` by default:
     * https://docs.aws.amazon.com/msk/latest/developerguide/serverless-config.html) and Lambda's
     * event source mapping decompresses before invoking. `none` because a schedule period's events
     * are a few dozen KB, where compression saves little and costs CPU on every invocation; `lz4` is
     * the cheap choice for volume. `zstd` compresses only on Node.js 22.15 or later (the Lambda
     * runtime, not the twin on Node 20); the twin's consumers read every codec from any producer.
     */
    compression: 'none' as CompressionCodec,
  },
  validation: {
    /** Events older than this (relative to their Kafka record time) are `too_late`: their windows have expired. */
    retentionDays: 90,
    /** Events further than this ahead of their Kafka record time are `too_early`. */
    maxClockSkewMs: 5 * 60 * 1000,
    /** A value over this is `too_large`: an enriched event must fit one 400 KB DynamoDB item. */
    maxEventBytes: 256 * 1024,
  },
  tables: {
    /** Days an enriched event is kept before its TTL expires it. */
    eventsRetentionDays: 30,
  },
} as const;

/** The dead-letter topic of a stream. */
export function deadLetterTopic(stream: string): string {
  return `${stream}${PIPELINE.topics.deadLetterSuffix}`;
}

/** Topic-level configuration of a topic Pulse creates: larger records for a dead-letter topic, the broker's defaults otherwise. */
export function topicConfigOf(topic: string): Readonly<Record<string, string>> {
  return topic.endsWith(PIPELINE.topics.deadLetterSuffix) ? { 'max.message.bytes': String(PIPELINE.topics.deadLetterMaxMessageBytes) } : {};
}

/** The fixed consumer group id of one consumer of one stream. */
export function consumerGroupId(consumer: ConsumerName, stream: string): string {
  return `${PIPELINE.consumers[consumer].groupIdPrefix}-${stream}`;
}
