/**
 * An emulation of the AWS Lambda event source mapping for Amazon MSK: a kafkajs consumer in a
 * fixed group gathers records into batches exactly as the AWS poller does (batch size, batching
 * window, 6 MB payload), invokes the same handler module with the same `MSKEvent` shape, commits
 * offsets only after a successful invocation and retries a failed batch whole until it succeeds.
 *
 * How it works, and why:
 * - kafkajs `eachBatch` only appends fetched records to a bounded FIFO (`pending`) and advances the
 *   fetch position; it commits nothing. A separate dispatcher loop takes the head of the FIFO as
 *   one invocation. Decoupling the two lets one invocation gather records from several fetches and
 *   several partitions (as on AWS), and lets the consumer keep heartbeating while a slow or failing
 *   handler runs.
 * - Only one invocation is in flight per mapping, and each takes, per partition, that partition's
 *   oldest pending records (round-robin over partitions). So each partition's records in an event
 *   are contiguous and in offset order, and a partition's next batch can never overtake (or run
 *   beside) its previous one — per-partition order needs no further bookkeeping.
 * - Backpressure: `eachBatch` does not return while `pending` already holds a full invocation
 *   (batch size or payload limit), so kafkajs stops fetching instead of buffering without bound.
 * - Rebalances: every join gives kafkajs a fresh offset manager that fetches again from the
 *   committed offsets, so `pending` is dropped on each rebalance. Offsets are committed only for
 *   partitions assigned to this member at commit time; records this member already invoked are
 *   skipped when re-fetched (per-partition floor), so a single member never sees a duplicate and a
 *   revoked partition is never committed by the wrong member.
 */
import type { Context, MSKEvent, MSKRecord } from 'aws-lambda';
import { Kafka, logLevel, type Consumer, type EachBatchPayload, type IHeaders, type KafkaMessage, type LogEntry } from 'kafkajs';
import { DEFAULT_FUNCTION_TIMEOUT_MS, LOCAL_ACCOUNT_ID, createLambdaContext, newLogStreamName, prefixedConsoleLogger, type TwinLogger } from './lambdaRuntime';

/** What one invocation attempt did, for status lines and tests. */
export interface InvocationStats {
  readonly records: number;
  readonly partitions: number;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly error?: unknown;
}

/** Options of {@link startEventSourceMapping}; the batching ones mirror the AWS mapping's settings. */
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
  /** Backoff between retries of a failed batch (doubling from `initial` up to `max`). */
  readonly retryBackoffMs?: { readonly initial: number; readonly max: number };
  /** Nominal function timeout: what `getRemainingTimeInMillis` counts down from; longer runs are reported. */
  readonly functionTimeoutMs?: number;
  /**
   * How a failed batch is retried: `same` invokes it again with identical boundaries (what the
   * twin does by default); `rebatch` puts its records back and plans the retry afresh from the
   * committed offsets, with a batch size drawn from 1 to `batchSize`, so that the retry starts or
   * ends at other offsets, as AWS may. For tests and benchmarks of exactly-once totals.
   * @default 'same'
   */
  readonly redelivery?: 'same' | 'rebatch';
  /** Source of the `rebatch` sizes, from [0, 1); injectable so that a test can replay a run. @default Math.random */
  readonly random?: () => number;
  /** Called after every invocation attempt, successful or not. */
  readonly onInvoke?: (stats: InvocationStats) => void;
  readonly logger?: TwinLogger;
}

/** A running mapping. */
export interface EventSourceMappingHandle {
  /** Drains: lets the in-flight invocation finish (no further retries), commits it, disconnects. */
  stop(): Promise<void>;
  /** Records not yet committed across the group's partitions (high watermark − committed offset). */
  lag(): Promise<number>;
  /** Resolves once the consumer has joined its group and has partitions assigned. */
  readonly joined: Promise<void>;
}

/** AWS's limit for a synchronous invocation payload, which caps an MSK batch. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Retry backoff when the caller sets none: quick first retry, then no more than every 30 s. */
export const DEFAULT_RETRY_BACKOFF_MS = { initial: 1_000, max: 30_000 } as const;

/** Longest wait between heartbeats while `eachBatch` holds back for backpressure. */
const BACKPRESSURE_POLL_MS = 1_000;
/** How long an idle fetch waits on the broker: bounds how long `stop()` waits for kafkajs. */
const FETCH_MAX_WAIT_MS = 500;

/** One Kafka record as kafkajs delivers it, plus where it came from. */
export interface MskRecordInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string | number;
  /** Milliseconds since the epoch, as a decimal string (as kafkajs delivers it). */
  readonly timestamp: string;
  /** Defaults to `CREATE_TIME`, the producer-set timestamp most topics use. */
  readonly timestampType?: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

/** The parts of an `MSKEvent` that describe the source rather than the records. */
export interface MskEventMeta {
  readonly eventSourceArn: string;
  readonly bootstrapServers: string;
}

function headerBytes(value: Buffer | string | null): number[] {
  // kafkajs hands a null header value through at run time although its type says otherwise.
  if (value === null) return [];
  return [...(typeof value === 'string' ? Buffer.from(value, 'utf8') : value)];
}

/**
 * Converts kafkajs headers into AWS's form: one `{ name: bytes }` object per header.
 *
 * Why: AWS sends header values as arrays of byte numbers, one object per header occurrence, so a
 * repeated header (which kafkajs folds into an array) becomes several objects with the same name.
 */
export function toMskHeaders(headers: IHeaders | undefined): MSKRecord['headers'] {
  const result: MSKRecord['headers'] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) result.push({ [name]: headerBytes(one) });
  }
  return result;
}

/**
 * Converts one kafkajs record into the record AWS puts in an `MSKEvent`.
 *
 * Why: handlers must see exactly what Lambda sends. AWS omits `key` for a record without a key and
 * `value` for a tombstone, although `@types/aws-lambda` declares both as strings; the twin follows
 * AWS so that code tripping over a missing key fails here, not first in production.
 */
export function toMskRecord(input: MskRecordInput): MSKRecord {
  const record = {
    topic: input.topic,
    partition: input.partition,
    offset: Number(input.offset),
    timestamp: Number(input.timestamp),
    timestampType: input.timestampType ?? 'CREATE_TIME',
    ...(input.key === null ? {} : { key: input.key.toString('base64') }),
    ...(input.value === null ? {} : { value: input.value.toString('base64') }),
    headers: toMskHeaders(input.headers),
  };
  return record as MSKRecord;
}

/** The `records` key AWS groups an MSK event by. */
export function partitionKeyOf(record: { readonly topic: string; readonly partition: number }): string {
  return `${record.topic}-${record.partition}`;
}

/**
 * Assembles an `MSKEvent` from records already in AWS's form, grouped by `<topic>-<partition>`.
 *
 * Why: the mapping converts each record once when it arrives (to size it) and assembles events
 * from those; input order is kept within each partition.
 */
export function assembleMskEvent(records: readonly MSKRecord[], meta: MskEventMeta): MSKEvent {
  const grouped: MSKEvent['records'] = {};
  for (const record of records) (grouped[partitionKeyOf(record)] ??= []).push(record);
  return { eventSource: 'aws:kafka', eventSourceArn: meta.eventSourceArn, bootstrapServers: meta.bootstrapServers, records: grouped };
}

/**
 * Builds exactly the `MSKEvent` AWS Lambda would send for these kafkajs records.
 *
 * Why: the twin runs the production handler modules, so the event must match AWS field for field
 * (base64 key and value, numeric offset and timestamp, headers as byte arrays).
 */
export function toMskEvent(records: readonly MskRecordInput[], meta: MskEventMeta): MSKEvent {
  return assembleMskEvent(records.map(toMskRecord), meta);
}

/** What the batching planner needs to know about one pending record. */
export interface PlannedRecord {
  readonly topic: string;
  readonly partition: number;
  /** Bytes of the record's JSON in the event. */
  readonly bytes: number;
  /** When the mapping received it (ms since the epoch). */
  readonly arrivedAtMs: number;
}

/** The limits that shape one invocation. */
export interface BatchLimits {
  readonly batchSize: number;
  readonly maxBatchingWindowMs: number;
  readonly maxPayloadBytes: number;
  /** Bytes of the event without records (`eventSource`, ARN, bootstrap servers). */
  readonly envelopeBytes: number;
}

/** The planner's answer: invoke with the pending records at `indices` once `dueAtMs` is reached. */
export interface InvocationPlan {
  /** Positions in the pending list, ascending; for each partition a prefix of its pending records. */
  readonly indices: readonly number[];
  readonly dueAtMs: number;
}

/**
 * Decides the next invocation from the pending records (oldest first), as the AWS poller does:
 * up to `batchSize` records and at most `maxPayloadBytes` of JSON, due at once when either limit
 * is reached, otherwise `maxBatchingWindowMs` after the first pending record arrived.
 *
 * Records are taken round-robin over the partitions, always the oldest pending record of each, so
 * an invocation carries several partitions (as on MSK) and a busy partition cannot crowd the
 * others out, while each partition's records stay contiguous and in offset order.
 *
 * Why pure: batch boundaries decide what a handler sees and what a retry repeats; keeping the
 * rule free of Kafka and clocks lets it be tested exhaustively. A single record larger than the
 * payload limit is still planned alone, so the mapping never stalls on it (it warns instead).
 */
export function planNextInvocation(pending: readonly PlannedRecord[], limits: BatchLimits, nowMs: number): InvocationPlan | undefined {
  const first = pending[0];
  if (first === undefined) return undefined;
  const queues = new Map<string, number[]>();
  pending.forEach((record, index) => {
    const key = partitionKeyOf(record);
    const queue = queues.get(key);
    if (queue === undefined) queues.set(key, [index]);
    else queue.push(index);
  });
  const taken: number[] = [];
  const started = new Set<string>();
  let bytes = limits.envelopeBytes;
  let full = false;
  for (let round = 0; !full && taken.length < pending.length; round += 1) {
    for (const [key, queue] of queues) {
      const index = queue[round];
      if (index === undefined) continue;
      if (taken.length >= limits.batchSize) {
        full = true;
        break;
      }
      // `"key":[` … `]` plus a separating comma, once per partition; each record adds a comma.
      const keyBytes = started.has(key) ? 0 : Buffer.byteLength(JSON.stringify(key)) + 4;
      const next = bytes + keyBytes + (pending[index] as PlannedRecord).bytes + 1;
      if (taken.length > 0 && next > limits.maxPayloadBytes) {
        full = true;
        break;
      }
      started.add(key);
      bytes = next;
      taken.push(index);
    }
  }
  full ||= taken.length >= limits.batchSize;
  taken.sort((a, b) => a - b);
  return { indices: taken, dueAtMs: full ? nowMs : first.arrivedAtMs + limits.maxBatchingWindowMs };
}

/** The delay before retry number `attempt` (1-based): doubling from `initial`, capped at `max`. */
export function retryDelayMs(attempt: number, backoff: { readonly initial: number; readonly max: number }): number {
  return Math.min(backoff.max, backoff.initial * 2 ** Math.max(0, attempt - 1));
}

/** Wakes every waiter at once; a waiter may also give up after a timeout. */
class Signal {
  private waiters: (() => void)[] = [];

  /** Resolves on the next `notify()` or after `timeoutMs`. Registers synchronously, so no wake-up is lost between a check and the wait. */
  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((waiter) => waiter !== done);
          resolve();
        }, Math.max(0, timeoutMs));
      }
    });
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** A record waiting for, or inside, an invocation. */
interface PendingRecord extends PlannedRecord {
  readonly offset: bigint;
  readonly record: MSKRecord;
}

/** Removes the items at `indices` (ascending) in place, keeping the others in order. */
function removeAt<T>(items: T[], indices: readonly number[]): void {
  const remove = new Set(indices);
  let write = 0;
  for (let read = 0; read < items.length; read += 1) {
    if (!remove.has(read)) items[write++] = items[read] as T;
  }
  items.length = write;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function describeBatch(batch: readonly PendingRecord[]): string {
  const ranges = new Map<string, { first: bigint; last: bigint }>();
  for (const record of batch) {
    const key = partitionKeyOf(record);
    const range = ranges.get(key);
    if (range === undefined) ranges.set(key, { first: record.offset, last: record.offset });
    else range.last = record.offset;
  }
  const parts = [...ranges].map(([key, { first, last }]) => (first === last ? `${key}@${first}` : `${key}@${first}-${last}`));
  return `${batch.length} records (${parts.join(', ')})`;
}

function timestampTypeOf(message: KafkaMessage): 'CREATE_TIME' | 'LOG_APPEND_TIME' {
  // kafkajs keeps the record batch's attributes on each message without declaring them.
  const context = (message as { batchContext?: { timestampType?: number } }).batchContext;
  return context?.timestampType === 1 ? 'LOG_APPEND_TIME' : 'CREATE_TIME';
}

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

function kafkaLogCreator(logger: TwinLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      // kafkajs logs every error response at ERROR, even the expected ones it handles (a rebalance,
      // a coordinator still starting); real failures reach us as crashes or failed calls instead.
      if (namespace === 'Connection' && log.message.startsWith('Response ')) return;
      const line = `kafkajs: ${log.message}${log.error ? ` (${String(log.error)})` : ''}`;
      if (level === logLevel.ERROR) logger.error(line);
      else if (level === logLevel.WARN) logger.warn(line);
      else logger.info(line);
    };
}

/**
 * Starts an emulated MSK event source mapping that invokes `handler` with batches from `topics`.
 *
 * Why: the local twin must drive the production handler modules the way Lambda does (batching,
 * at-least-once, commit after success, retry until success) so that what works locally works on
 * AWS. Resolves once the consumer runs; `joined` tells when it has partitions.
 */
export async function startEventSourceMapping(options: EventSourceMappingOptions): Promise<EventSourceMappingHandle> {
  validateOptions(options);
  const logger = options.logger ?? prefixedConsoleLogger(`esm ${options.functionName}`);
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const meta: MskEventMeta = {
    eventSourceArn: options.eventSourceArn ?? `arn:aws:kafka:${region}:${LOCAL_ACCOUNT_ID}:cluster/pulse-local-twin/00000000-0000-0000-0000-000000000000-1`,
    bootstrapServers: options.brokers,
  };
  const backoff = options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
  const limits: BatchLimits = {
    batchSize: options.batchSize,
    maxBatchingWindowMs: options.maxBatchingWindowMs,
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    envelopeBytes: Buffer.byteLength(JSON.stringify(assembleMskEvent([], meta))),
  };
  const topics = [...options.topics];
  const brokers = options.brokers.split(',').map((broker) => broker.trim()).filter((broker) => broker !== '');
  const kafka = new Kafka({
    clientId: `pulse-twin-${options.functionName}`,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });

  const admin = kafka.admin();
  let partitionCount: number;
  // Baseline for lag() on LATEST: records already in the topic when the mapping started are not its lag.
  const latestBaseline = new Map<string, bigint>();
  try {
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics });
    partitionCount = metadata.topics.reduce((sum, topic) => sum + topic.partitions.length, 0);
    if (options.startingPosition === 'LATEST') {
      for (const topic of topics) {
        for (const { partition, high } of await admin.fetchTopicOffsets(topic)) latestBaseline.set(`${topic}-${partition}`, BigInt(high));
      }
    }
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw new Error(
      `event source mapping for ${options.functionName}: cannot read topics ${topics.join(', ')} from Kafka at ${options.brokers} ` +
        `(${describeError(error)}); check that the broker runs and the topics exist`,
    );
  }

  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    allowAutoTopicCreation: false,
  });

  // --- state shared by the kafkajs callbacks and the dispatcher ---
  const pending: PendingRecord[] = [];
  let pendingBytes = 0;
  /** Partitions assigned to this member; empty while a rebalance is in progress. */
  let assigned = new Set<string>();
  /** Per partition: the offset after the last record this member invoked successfully. */
  const floors = new Map<string, bigint>();
  let stopping = false;
  const wake = new Signal();
  const room = new Signal();
  const stopSignal = new Signal();

  let resolveJoined: () => void = () => undefined;
  let rejectJoined: (error: Error) => void = () => undefined;
  let hasJoined = false;
  const joined = new Promise<void>((resolve, reject) => {
    resolveJoined = resolve;
    rejectJoined = reject;
  });
  // Callers that never await `joined` must not see an unhandled rejection when stopping early.
  joined.catch(() => undefined);

  const dropPending = () => {
    pending.length = 0;
    pendingBytes = 0;
    room.notify();
  };
  const hasRoom = () => pending.length < limits.batchSize && pendingBytes < limits.maxPayloadBytes;

  consumer.on(consumer.events.REBALANCING, () => {
    // The next join re-fetches from the committed offsets, so whatever is pending would come twice.
    assigned = new Set();
    dropPending();
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => `${topic}-${partition}`)));
    for (const key of floors.keys()) if (!assigned.has(key)) floors.delete(key);
    dropPending();
    if (assigned.size > 0 && !hasJoined) {
      hasJoined = true;
      resolveJoined();
    }
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    assigned = new Set();
    dropPending();
    const what = payload.restart ? 'restarting the consumer' : 'the consumer stopped; restart the twin';
    logger.error(`Kafka consumer of group ${options.groupId} crashed: ${describeError(payload.error)}; ${what}`);
  });

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    if (stopping || !isRunning() || isStale() || batch.messages.length === 0) return;
    const key = `${batch.topic}-${batch.partition}`;
    const floor = floors.get(key);
    const now = Date.now();
    for (const message of batch.messages) {
      const offset = BigInt(message.offset);
      if (floor !== undefined && offset < floor) continue;
      const record = toMskRecord({
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        timestamp: message.timestamp,
        timestampType: timestampTypeOf(message),
        key: message.key,
        value: message.value,
        headers: message.headers,
      });
      const bytes = Buffer.byteLength(JSON.stringify(record));
      pending.push({ topic: batch.topic, partition: batch.partition, offset, record, bytes, arrivedAtMs: now });
      pendingBytes += bytes;
    }
    const last = batch.messages[batch.messages.length - 1] as KafkaMessage;
    // Moves only the fetch position; the committed offset moves after a successful invocation.
    resolveOffset(last.offset);
    wake.notify();
    while (!hasRoom() && !stopping && isRunning()) {
      await room.wait(BACKPRESSURE_POLL_MS);
      // Heartbeats keep the group membership while held back; a rebalance surfaces here as an error.
      await heartbeat();
    }
  };

  const commit = async (batch: readonly PendingRecord[]): Promise<void> => {
    const lastOffsets = new Map<string, PendingRecord>();
    for (const record of batch) lastOffsets.set(partitionKeyOf(record), record);
    const toCommit: { topic: string; partition: number; offset: string }[] = [];
    const skipped: string[] = [];
    for (const [key, record] of lastOffsets) {
      if (!assigned.has(key)) {
        skipped.push(key);
        continue;
      }
      const next = record.offset + 1n;
      floors.set(key, next);
      toCommit.push({ topic: record.topic, partition: record.partition, offset: next.toString() });
    }
    if (skipped.length > 0) {
      logger.warn(`not committing ${skipped.join(', ')}: no longer assigned to this member after a rebalance; their owner will re-deliver them`);
    }
    // Re-fetched copies of what was just invoked (after a rebalance) must not be invoked again.
    const duplicates: number[] = [];
    pending.forEach((record, index) => {
      const floor = floors.get(partitionKeyOf(record));
      if (floor !== undefined && record.offset < floor) {
        duplicates.push(index);
        pendingBytes -= record.bytes;
      }
    });
    if (duplicates.length > 0) {
      removeAt(pending, duplicates);
      room.notify();
    }
    if (toCommit.length === 0) return;
    try {
      await consumer.commitOffsets(toCommit);
    } catch (error) {
      logger.warn(`committing offsets ${toCommit.map((c) => `${c.topic}-${c.partition}@${c.offset}`).join(', ')} failed: ${describeError(error)}; a later commit will cover them`);
    }
  };

  const report = (stats: InvocationStats) => {
    try {
      options.onInvoke?.(stats);
    } catch (error) {
      logger.warn(`onInvoke threw: ${describeError(error)}`);
    }
  };

  const logStreamName = newLogStreamName();
  const functionTimeoutMs = options.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;

  const redelivery = options.redelivery ?? 'same';
  const random = options.random ?? Math.random;
  /** Failed attempts since the last success: what the retry delay grows with. */
  let failedAttempts = 0;
  /** Whether the next plan is a retry to re-plan with another batch size (`rebatch` only). */
  let replanning = false;

  /** Invokes one batch until it succeeds, the mapping stops, or its partitions move to another member. */
  const invokeUntilDone = async (batch: readonly PendingRecord[]): Promise<void> => {
    const partitions = new Set(batch.map(partitionKeyOf)).size;
    const batchBytes = batch.reduce((sum, record) => sum + record.bytes, limits.envelopeBytes);
    if (batchBytes > limits.maxPayloadBytes) {
      logger.warn(`${describeBatch(batch)} is ${batchBytes} bytes as JSON, over the 6 MB Lambda payload limit: AWS could not invoke the function with it`);
    }
    for (let attempt = 1; ; attempt += 1) {
      const event = assembleMskEvent(batch.map((record) => record.record), meta);
      const context = createLambdaContext({ functionName: options.functionName, timeoutMs: functionTimeoutMs, logStreamName });
      const started = Date.now();
      let failure: { error: unknown } | undefined;
      try {
        await Promise.resolve().then(() => options.handler(event, context));
      } catch (error) {
        failure = { error };
      }
      const durationMs = Date.now() - started;
      if (durationMs > functionTimeoutMs) {
        logger.warn(`invocation took ${durationMs} ms, longer than the function timeout of ${functionTimeoutMs} ms: on AWS it would have timed out and been retried`);
      }
      report({ records: batch.length, partitions, durationMs, ok: failure === undefined, ...(failure ? { error: failure.error } : {}) });
      if (failure === undefined) {
        failedAttempts = 0;
        await commit(batch);
        return;
      }
      failedAttempts += 1;
      // The stack once per batch helps find the bug; repeating it on every retry would drown the log.
      const detail = attempt === 1 && failure.error instanceof Error && failure.error.stack ? failure.error.stack : describeError(failure.error);
      if (stopping) {
        logger.error(`invocation failed (attempt ${attempt}, ${describeBatch(batch)}): ${detail}; not retried because the mapping is stopping, the records stay uncommitted`);
        return;
      }
      const revoked = [...new Set(batch.map(partitionKeyOf))].filter((key) => !assigned.has(key));
      if (revoked.length > 0) {
        logger.error(`invocation failed (attempt ${attempt}, ${describeBatch(batch)}): ${detail}; not retried because ${revoked.join(', ')} left this member in a rebalance`);
        return;
      }
      const delay = retryDelayMs(failedAttempts, backoff);
      if (redelivery === 'rebatch') {
        logger.error(`invocation failed (${describeBatch(batch)}): ${detail}; re-planning its records with another batch size in ${delay} ms`);
        // Back at the head, in order: each partition's records stay contiguous and oldest first.
        pending.unshift(...batch);
        pendingBytes += batch.reduce((sum, record) => sum + record.bytes, 0);
        replanning = true;
        await stopSignal.wait(delay);
        return;
      }
      logger.error(`invocation failed (attempt ${attempt}, ${describeBatch(batch)}): ${detail}; retrying the same batch in ${delay} ms`);
      await stopSignal.wait(delay);
      if (stopping) return;
    }
  };

  /** The limits of the next plan: a retry in `rebatch` mode draws its batch size. */
  const limitsOfNextPlan = (): BatchLimits => {
    if (!replanning) return limits;
    replanning = false;
    return { ...limits, batchSize: 1 + Math.floor(random() * limits.batchSize) };
  };

  /** The single consumer of `pending`: waits for the planner's due time, then invokes until done. */
  const dispatch = async (): Promise<void> => {
    while (!stopping) {
      const plan = planNextInvocation(pending, limitsOfNextPlan(), Date.now());
      if (plan === undefined) {
        await wake.wait();
        continue;
      }
      const delay = plan.dueAtMs - Date.now();
      if (delay > 0) {
        await wake.wait(delay);
        continue;
      }
      const batch = plan.indices.map((index) => pending[index] as PendingRecord);
      removeAt(pending, plan.indices);
      pendingBytes -= batch.reduce((sum, record) => sum + record.bytes, 0);
      room.notify();
      await invokeUntilDone(batch);
    }
  };

  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: options.startingPosition === 'TRIM_HORIZON' });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // One worker per partition, so a fetch's batches are all handed over (and gathered) at once.
      partitionsConsumedConcurrently: Math.max(1, partitionCount),
      eachBatch,
    });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    throw new Error(`event source mapping for ${options.functionName}: cannot start a consumer in group ${options.groupId} at ${options.brokers}: ${describeError(error)}`);
  }
  const dispatcher = dispatch().catch((error: unknown) => {
    logger.error(`dispatcher stopped unexpectedly: ${describeError(error)}; restart the twin`);
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      // No new fetches while draining; the pause is local to the consumer and needs no round trip.
      consumer.pause(topics.map((topic) => ({ topic })));
      wake.notify();
      room.notify();
      stopSignal.notify();
      await dispatcher;
      await consumer.disconnect().catch((error: unknown) => logger.warn(`disconnecting the consumer failed: ${describeError(error)}`));
      await admin.disconnect().catch(() => undefined);
      if (!hasJoined) rejectJoined(new Error(`event source mapping for ${options.functionName} was stopped before it joined group ${options.groupId}`));
    })();
    return stopped;
  };

  const lag = async (): Promise<number> => {
    if (stopped !== undefined) throw new Error(`event source mapping for ${options.functionName} is stopped; lag() needs a running mapping`);
    const committed = await admin.fetchOffsets({ groupId: options.groupId, topics });
    const committedOf = new Map<string, bigint>();
    for (const { topic, partitions } of committed) {
      for (const { partition, offset } of partitions) committedOf.set(`${topic}-${partition}`, BigInt(offset));
    }
    let total = 0n;
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        const key = `${topic}-${partition}`;
        const done = committedOf.get(key) ?? -1n;
        // Without a commit the group starts at the log start (TRIM_HORIZON) or where the mapping started (LATEST).
        const start = done >= 0n ? done : options.startingPosition === 'LATEST' ? (latestBaseline.get(key) ?? BigInt(high)) : BigInt(low);
        // Records deleted by retention can no longer be consumed, so they are not lag either.
        const behind = BigInt(high) - (start > BigInt(low) ? start : BigInt(low));
        if (behind > 0n) total += behind;
      }
    }
    return Number(total);
  };

  return { stop, lag, joined };
}
