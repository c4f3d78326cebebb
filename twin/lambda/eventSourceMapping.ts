/**
 * An emulation of the AWS Lambda event source mapping for Amazon MSK: a member of a fixed consumer
 * group gathers records into batches as the AWS poller does (batch size, batching window, 6 MB
 * payload, several partitions per invocation), invokes the same handler module with the same
 * `MSKEvent` shape, commits offsets only after a batch is finished and retries as the mapping's
 * retry policy says.
 *
 * Its parts: the consumer group member (the Kafka port) appends what it fetches to the
 * {@link PendingBuffer}, which holds it back when a full invocation is waiting; the
 * {@link Dispatcher} plans, invokes, retries and commits. Decoupling the two lets one invocation
 * gather records from several fetches and partitions, and lets the member keep heartbeating while
 * a slow or failing handler runs. A consumer that crashes for good is started again with backoff.
 */
import type { Context, MSKEvent } from 'aws-lambda';
import { createKafkaPort, type KafkaPort, type OutgoingMessage } from '../../lambdas/adapters/kafka';
import { assembleMskEvent, toMskRecord, type MskEventMeta } from '../../lambdas/adapters/kafka/mskEvent';
import { MAX_PAYLOAD_BYTES, type BatchLimits } from './batchPlanner';
import { systemClock, type Clock } from './clock';
import { UNBOUNDED_RETRIES, type RetryPolicy } from '../../lambdas/config/plan';
import { Dispatcher, describeBatch } from './dispatcher';
import { startMember, type CrashReport, type MemberState } from './mappingMember';
import { PendingBuffer, type PendingRecord } from './pendingBuffer';
import { DEFAULT_FUNCTION_TIMEOUT_MS, LOCAL_ACCOUNT_ID, createLambdaContext, newLogStreamName, prefixedConsoleLogger, type TwinLogger } from './runtime';

export { MAX_PAYLOAD_BYTES } from './batchPlanner';
export { retryDelayMs } from './dispatcher';
export type { CrashReport } from './mappingMember';

/** Whether a mapping's consumer runs, and how often it crashed. */
export interface ConsumerHealth {
  /** False from a crash until the consumer has joined its group again. */
  readonly consuming: boolean;
  /** Crashes since the mapping started; each is logged with the batch or fetch positions it failed on. */
  readonly crashes: number;
  readonly lastCrash?: CrashReport;
}

/** What one invocation attempt did, for status lines and tests. */
export interface InvocationStats {
  readonly records: number;
  readonly partitions: number;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly error?: unknown;
}

/** Where records a mapping gives up on go: the stream's dead-letter topic, or (AWS only) SQS, SNS or S3. */
export type OnFailureDestination = { readonly kind: 'none' } | { readonly kind: 'kafka'; readonly topic: string } | { readonly kind: 'aws'; readonly service: 'sqs' | 'sns' | 's3' };

/** Options of {@link startEventSourceMapping}; the batching and retry ones mirror the AWS mapping's settings. */
export interface EventSourceMappingOptions {
  /** Comma-separated `host:port` list; also sent as the event's `bootstrapServers`. */
  readonly brokers: string;
  readonly topics: readonly string[];
  /** Fixed consumer group id, so a restarted mapping resumes where the last one committed. */
  readonly groupId: string;
  /** Most records in one invocation (AWS: 1 to 10,000). */
  readonly batchSize: number;
  /** How long the first record of a batch may wait for more (AWS: 0 to 300,000 ms). */
  readonly maxBatchingWindowMs: number;
  /** Where a group without committed offsets starts. */
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly handler: (event: MSKEvent, context: Context) => Promise<unknown>;
  /** Name given to the handler's `Context` and used in log lines. */
  readonly functionName: string;
  /** Sent as the event's `eventSourceArn`; defaults to a recognisably local MSK cluster ARN. */
  readonly eventSourceArn?: string;
  /** As configured for AWS. @default UNBOUNDED_RETRIES (AWS's default) */
  readonly retryPolicy?: RetryPolicy;
  /** Where given-up records go. @default none */
  readonly onFailure?: OnFailureDestination;
  /** Backoff between retries of a failed batch (doubling from `initial` up to `max`), in ms. */
  readonly retryBackoffMs?: { readonly initial: number; readonly max: number };
  /** `rebatch` re-plans a failed batch with other boundaries, as AWS may (for tests and benchmarks). @default 'same' */
  readonly redelivery?: 'same' | 'rebatch';
  /** Source of the `rebatch` sizes, from [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Nominal function timeout: what `getRemainingTimeInMillis` counts down from; longer runs are reported. */
  readonly functionTimeoutMs?: number;
  /** Called after every invocation attempt, successful or not. */
  readonly onInvoke?: (stats: InvocationStats) => void;
  readonly logger?: TwinLogger;
  /** The Kafka port to use. @default the project's client over `brokers` */
  readonly kafka?: KafkaPort;
  readonly clock?: Clock;
}

/** A running mapping. */
export interface EventSourceMappingHandle {
  /** Drains: lets the in-flight invocation finish (no further retries), commits it, disconnects. */
  stop(): Promise<void>;
  /** Records not yet committed across the group's partitions (high watermark − committed offset). */
  lag(): Promise<number>;
  /** Resolves once the consumer has joined its group and has partitions assigned. */
  readonly joined: Promise<void>;
  /** The consumer group, which names the mapping in status lines. */
  readonly groupId: string;
  /** Whether the consumer is running, or waiting to start again after a crash (and why). */
  health(): ConsumerHealth;
}

/** Retry backoff when the caller sets none: quick first retry, then no more than every 30 s. */
export const DEFAULT_RETRY_BACKOFF_MS = { initial: 1_000, max: 30_000 } as const;

function validateOptions(options: EventSourceMappingOptions): void {
  const problems: string[] = [];
  if (options.brokers.trim() === '') problems.push('brokers is empty (expected host:port[,host:port])');
  if (options.topics.length === 0) problems.push('topics is empty (expected at least one topic)');
  if (options.groupId.trim() === '') problems.push('groupId is empty');
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > 10_000) {
    problems.push(`batchSize must be an integer from 1 to 10000 (as on AWS), got ${options.batchSize}`);
  }
  if (!Number.isFinite(options.maxBatchingWindowMs) || options.maxBatchingWindowMs < 0 || options.maxBatchingWindowMs > 300_000) {
    problems.push(`maxBatchingWindowMs must be from 0 to 300000 (as on AWS), got ${options.maxBatchingWindowMs}`);
  }
  const backoff = options.retryBackoffMs;
  if (backoff !== undefined && !(backoff.initial > 0 && backoff.max >= backoff.initial)) {
    problems.push(`retryBackoffMs needs 0 < initial <= max, got ${JSON.stringify(backoff)}`);
  }
  if (problems.length > 0) throw new Error(`event source mapping for ${options.functionName}: ${problems.join('; ')}`);
}

/** The records a mapping gave up on, as dead letters: original bytes and headers, then why and where from. */
function discardedLetters(records: readonly PendingRecord[], functionName: string, reason: string): OutgoingMessage[] {
  return records.map(({ record }) => ({
    key: record.key === undefined ? null : Buffer.from(record.key, 'base64'),
    value: record.value === undefined ? null : Buffer.from(record.value, 'base64'),
    headers: [
      ...record.headers.flatMap((header) => Object.entries(header).map(([name, bytes]) => [name, Buffer.from(bytes)] as const)),
      ['pulse-discarded-by', functionName],
      ['pulse-discard-reason', reason],
      ['pulse-source-topic', record.topic],
      ['pulse-source-partition', String(record.partition)],
      ['pulse-source-offset', String(record.offset)],
    ],
  }));
}

/**
 * Starts an emulated MSK event source mapping that invokes `handler` with batches from `topics`.
 * Resolves once the consumer runs; `joined` tells when it has partitions.
 */
export async function startEventSourceMapping(options: EventSourceMappingOptions): Promise<EventSourceMappingHandle> {
  validateOptions(options);
  const logger = options.logger ?? prefixedConsoleLogger(`esm ${options.functionName}`);
  const clock = options.clock ?? systemClock;
  const brokers = options.brokers.split(',').map((broker) => broker.trim()).filter((broker) => broker !== '');
  const kafka = options.kafka ?? createKafkaPort({ kind: 'brokers', brokers }, { logger });
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const meta: MskEventMeta = {
    eventSourceArn: options.eventSourceArn ?? `arn:aws:kafka:${region}:${LOCAL_ACCOUNT_ID}:cluster/pulse-local-twin/00000000-0000-0000-0000-000000000000-1`,
    bootstrapServers: options.brokers,
  };
  const limits: BatchLimits = {
    batchSize: options.batchSize,
    maxBatchingWindowMs: options.maxBatchingWindowMs,
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    envelopeBytes: Buffer.byteLength(JSON.stringify(assembleMskEvent([], meta))),
  };
  const buffer = new PendingBuffer(limits);
  const state: MemberState = { assigned: new Set(), consuming: false, crashes: 0 };
  const member = await startMember({ ...options, kafka, logger, clock, buffer, state, toPending: (record, arrivedAtMs) => {
    const wire = toMskRecord(record);
    return { topic: record.topic, partition: record.partition, offset: BigInt(record.offset), timestampMs: Number(record.timestamp), record: wire, bytes: Buffer.byteLength(JSON.stringify(wire)), arrivedAtMs };
  } });

  const logStreamName = newLogStreamName();
  const functionTimeoutMs = options.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
  const onFailure = options.onFailure ?? { kind: 'none' };
  const deadLetters = onFailure.kind === 'kafka' ? kafka.publisher(`pulse-twin-${options.functionName}-on-failure`) : undefined;
  const dispatcher = new Dispatcher({
    buffer,
    limits,
    clock,
    retryPolicy: options.retryPolicy ?? UNBOUNDED_RETRIES,
    backoff: options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS,
    redelivery: options.redelivery ?? 'same',
    random: options.random ?? Math.random,
    logger,
    invoke: async (records) => {
      const batchBytes = records.reduce((sum, record) => sum + record.bytes, limits.envelopeBytes);
      if (batchBytes > limits.maxPayloadBytes) {
        logger.warn(`${describeBatch(records)} is ${batchBytes} bytes as JSON, over the 6 MB Lambda payload limit: AWS could not invoke the function with it`);
      }
      const event = assembleMskEvent(records.map((record) => record.record), meta) as MSKEvent;
      const context = createLambdaContext({ functionName: options.functionName, timeoutMs: functionTimeoutMs, logStreamName });
      const started = clock.now();
      let outcome: { ok: true } | { ok: false; error: unknown };
      try {
        await Promise.resolve().then(() => options.handler(event, context));
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, error };
      }
      const durationMs = clock.now() - started;
      if (durationMs > functionTimeoutMs) {
        logger.warn(`invocation took ${durationMs} ms, longer than the function timeout of ${functionTimeoutMs} ms: on AWS it would have timed out and been retried`);
      }
      try {
        options.onInvoke?.({ records: records.length, partitions: new Set(records.map((record) => `${record.topic}-${record.partition}`)).size, durationMs, ...outcome });
      } catch (error) {
        logger.warn(`onInvoke threw: ${String(error)}`);
      }
      return outcome;
    },
    revokedOf: (records) => [...new Set(records.map((record) => `${record.topic}-${record.partition}`))].filter((key) => !state.assigned.has(key)),
    commit: (batch) => member.commit(batch),
    discard: async (records, reason) => {
      if (deadLetters && onFailure.kind === 'kafka') {
        await deadLetters.send(onFailure.topic, discardedLetters(records, options.functionName, reason));
        logger.error(`${describeBatch(records)} discarded to ${onFailure.topic}: ${reason}`);
      } else {
        // SQS, SNS and S3 exist on AWS only: say what AWS would deliver there.
        logger.error(`${describeBatch(records)} discarded (on-failure destination: ${onFailure.kind === 'aws' ? onFailure.service : 'none'}): ${reason}`);
      }
    },
  });
  const running = dispatcher.run().catch((error: unknown) => logger.error(`dispatcher stopped unexpectedly: ${String(error)}; restart the twin`));

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      member.pause();
      dispatcher.stop();
      await running;
      await member.stop();
      await deadLetters?.disconnect().catch(() => undefined);
    })());

  return {
    stop,
    joined: member.joined,
    lag: () => {
      if (stopped !== undefined) throw new Error(`event source mapping for ${options.functionName} is stopped; lag() needs a running mapping`);
      return member.lag();
    },
    groupId: options.groupId,
    health: () => ({ consuming: state.consuming, crashes: state.crashes, ...(state.lastCrash === undefined ? {} : { lastCrash: state.lastCrash }) }),
  };
}
