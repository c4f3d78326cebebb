/**
 * The consumer group side of an emulated event source mapping: joins the fixed group through the
 * Kafka port, appends fetched records to the pending buffer (holding the fetch back while a full
 * invocation waits), commits only what the dispatcher finished and only for partitions still
 * assigned, reports lag, and starts the consumer again with backoff when it crashes for good, so
 * that a crash is never silent or permanent.
 */
import type { ConsumedRecord, ConsumerGroupMember, KafkaAdmin, KafkaPort } from '../../lambdas/adapters/kafka';
import { partitionKeyOf } from '../../lambdas/adapters/kafka/mskEvent';
import type { Clock } from './clock';
import type { PendingBuffer, PendingRecord } from './pendingBuffer';
import type { TwinLogger } from './runtime';

/** A consumer crash: when, and what failed where. */
export interface CrashReport {
  /** Ms since the epoch, on the mapping's clock. */
  readonly atMs: number;
  /** The error, then the batch it failed on or the fetch positions it failed at. */
  readonly message: string;
}

/** What the mapping shares with its dispatcher and reports as its health. */
export interface MemberState {
  /** Partitions assigned to this member, as `<topic>-<partition>`; empty during a rebalance. */
  assigned: Set<string>;
  /** Whether the consumer is running (false from a crash until it has joined its group again). */
  consuming: boolean;
  /** Crashes since the mapping started. */
  crashes: number;
  /** The last crash, for the status line. */
  lastCrash?: CrashReport;
}

/** Options of {@link startMember}. */
export interface MemberOptions {
  readonly kafka: KafkaPort;
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly functionName: string;
  readonly buffer: PendingBuffer;
  readonly state: MemberState;
  readonly clock: Clock;
  readonly logger: TwinLogger;
  /** A consumed record as the buffer holds it. */
  toPending(record: ConsumedRecord, arrivedAtMs: number): PendingRecord;
}

/** A running member. */
export interface Member {
  readonly joined: Promise<void>;
  commit(batch: readonly PendingRecord[]): Promise<void>;
  pause(): void;
  stop(): Promise<void>;
  lag(): Promise<number>;
}

/** Longest wait between heartbeats while the fetch side holds back for backpressure, in ms. */
const BACKPRESSURE_POLL_MS = 1_000;
/** How long an idle fetch waits on the broker: bounds how long stopping waits, in ms. */
const FETCH_MAX_WAIT_MS = 500;
/** Backoff of restarts after a crash, in ms: doubling with each crash in a row, so a batch that crashes the consumer every time is retried less and less often. */
export const RESTART_BACKOFF_MS = { initial: 1_000, max: 30_000 } as const;

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Whether `error` is `cause` or wraps it (kafkajs wraps the last failure of its retries). */
function causedBy(error: unknown, cause: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (current === cause) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Where a fetch of these partitions starts: after the last record handed over, else the committed offset. */
function fetchPositions(assigned: ReadonlySet<string>, fetchedUpTo: ReadonlyMap<string, bigint>): string {
  if (assigned.size === 0) return 'before any partition was assigned';
  const positions = [...assigned].sort().map((key) => {
    const last = fetchedUpTo.get(key);
    return last === undefined ? `${key} from its committed offset` : `${key} from offset ${last + 1n}`;
  });
  return `while fetching ${positions.join(', ')}`;
}

/** Joins the group and consumes into the buffer; see the module comment. */
export async function startMember(options: MemberOptions): Promise<Member> {
  const { kafka, buffer, state, logger, clock } = options;
  const clientId = `pulse-twin-${options.functionName}`;
  let admin: KafkaAdmin;
  let partitionCount: number;
  // Baseline of lag() on LATEST: records already in the topic when the mapping started are not its lag.
  const latestBaseline = new Map<string, bigint>();
  try {
    admin = await kafka.admin(clientId);
    const bounds = await Promise.all(options.topics.map(async (topic) => ({ topic, partitions: await admin.topicOffsets(topic) })));
    partitionCount = bounds.reduce((sum, { partitions }) => sum + partitions.length, 0);
    if (options.startingPosition === 'LATEST') {
      for (const { topic, partitions } of bounds) for (const { partition, high } of partitions) latestBaseline.set(`${topic}-${partition}`, high);
    }
  } catch (error) {
    throw new Error(
      `event source mapping for ${options.functionName}: cannot read topics ${options.topics.join(', ')} from Kafka (${describeError(error)}); check that the broker runs and the topics exist`,
    );
  }

  let stopping = false;
  let hasJoined = false;
  let resolveJoined: () => void = () => undefined;
  let rejectJoined: (error: Error) => void = () => undefined;
  const joined = new Promise<void>((resolve, reject) => {
    resolveJoined = resolve;
    rejectJoined = reject;
  });
  // Callers that never await `joined` must not see an unhandled rejection when stopping early.
  joined.catch(() => undefined);

  const aborted = new AbortController();
  let member: ConsumerGroupMember;
  /** Last offset handed to the buffer, per partition: where the next fetch starts. */
  const fetchedUpTo = new Map<string, bigint>();
  /** The last batch whose hand-over threw, and the error: a crash caused by it names that batch. */
  let failedBatch: { readonly error: unknown; readonly where: string } | undefined;
  /** Crashes since the consumer last handed over a batch. */
  let crashStreak = 0;
  const start = async (): Promise<void> => {
    member = kafka.consumerGroupMember(clientId, {
      groupId: options.groupId,
      topics: options.topics,
      fromBeginning: options.startingPosition === 'TRIM_HORIZON',
      maxWaitMs: FETCH_MAX_WAIT_MS,
      // One worker per partition, so a fetch's batches are all handed over (and gathered) at once.
      partitionsConsumedConcurrently: Math.max(1, partitionCount),
      events: {
        onRebalance: () => {
          // The next join re-fetches from the committed offsets, so whatever is pending would come twice.
          state.assigned = new Set();
          buffer.drop();
        },
        onJoin: (assigned) => {
          state.assigned = new Set(assigned);
          state.consuming = true;
          buffer.keepFloorsOf(state.assigned);
          buffer.drop();
          if (assigned.length > 0 && !hasJoined) {
            hasJoined = true;
            resolveJoined();
          }
        },
        onCrash: (error, willRestart) => {
          const where = failedBatch && causedBy(error, failedBatch.error) ? `on ${failedBatch.where}` : fetchPositions(state.assigned, fetchedUpTo);
          state.assigned = new Set();
          state.consuming = false;
          buffer.drop();
          state.crashes += 1;
          crashStreak += 1;
          state.lastCrash = { atMs: clock.now(), message: `${describeError(error)} (${where})` };
          const next = willRestart ? 'it restarts by itself' : `starting it again in ${restartDelayMs(1) / 1000} s`;
          logger.error(`Kafka consumer of group ${options.groupId} crashed (crash ${state.crashes}): ${state.lastCrash.message}; ${next}`);
          if (!willRestart) void restart();
        },
      },
    });
    await member.start(async (batch, controls) => {
      if (stopping || !controls.isActive()) return;
      const arrivedAtMs = clock.now();
      const last = (batch.records[batch.records.length - 1] as ConsumedRecord).offset;
      try {
        buffer.add(batch.records.map((record) => options.toPending(record, arrivedAtMs)));
      } catch (error) {
        failedBatch = { error, where: `the batch of ${batch.records.length} records ${batch.topic}-${batch.partition}@${batch.records[0]?.offset}-${last}` };
        throw error;
      }
      fetchedUpTo.set(`${batch.topic}-${batch.partition}`, BigInt(last));
      crashStreak = 0;
      // Moves only the fetch position; the committed offset moves after a finished batch.
      controls.markFetched(last);
      while (!buffer.hasRoom() && !stopping && controls.isActive()) {
        await buffer.room.wait(BACKPRESSURE_POLL_MS);
        // Heartbeats keep the group membership while held back; a rebalance surfaces here as an error.
        await controls.heartbeat();
      }
    });
    state.consuming = true;
  };

  /** The wait before restart attempt `attempt`, doubling with each attempt and each crash in a row. */
  const restartDelayMs = (attempt: number): number =>
    Math.min(RESTART_BACKOFF_MS.max, RESTART_BACKOFF_MS.initial * 2 ** Math.min(30, attempt - 1 + Math.max(0, crashStreak - 1)));

  /** Starts a crashed consumer again, with doubling backoff, until it runs or the mapping stops. */
  const restart = async (): Promise<void> => {
    state.consuming = false;
    await member.stop().catch(() => undefined);
    for (let attempt = 1; !stopping; attempt += 1) {
      await clock.sleep(restartDelayMs(attempt), aborted.signal);
      if (stopping) return;
      try {
        await start();
        logger.warn(`Kafka consumer of group ${options.groupId} started again after a crash`);
        return;
      } catch (error) {
        logger.error(`starting the consumer of group ${options.groupId} again failed (attempt ${attempt}): ${describeError(error)}`);
      }
    }
  };

  try {
    await start();
  } catch (error) {
    await admin.close().catch(() => undefined);
    throw new Error(`event source mapping for ${options.functionName}: cannot start a consumer in group ${options.groupId}: ${describeError(error)}`);
  }

  return {
    joined,
    commit: async (batch) => {
      const last = new Map<string, PendingRecord>();
      for (const record of batch) last.set(partitionKeyOf(record), record);
      const offsets: { topic: string; partition: number; offset: string }[] = [];
      const skipped: string[] = [];
      for (const [key, record] of last) {
        if (!state.assigned.has(key)) {
          skipped.push(key);
          continue;
        }
        const next = record.offset + 1n;
        buffer.setFloor(key, next);
        offsets.push({ topic: record.topic, partition: record.partition, offset: next.toString() });
      }
      if (skipped.length > 0) logger.warn(`not committing ${skipped.join(', ')}: no longer assigned to this member after a rebalance; their owner will re-deliver them`);
      if (offsets.length === 0) return;
      try {
        await member.commit(offsets);
      } catch (error) {
        logger.warn(`committing offsets ${offsets.map((c) => `${c.topic}-${c.partition}@${c.offset}`).join(', ')} failed: ${describeError(error)}; a later commit will cover them`);
      }
    },
    pause: () => {
      stopping = true;
      aborted.abort();
      member.pause();
    },
    stop: async () => {
      stopping = true;
      aborted.abort();
      await member.stop().catch((error: unknown) => logger.warn(`disconnecting the consumer failed: ${describeError(error)}`));
      await admin.close().catch(() => undefined);
      if (!hasJoined) rejectJoined(new Error(`event source mapping for ${options.functionName} was stopped before it joined group ${options.groupId}`));
    },
    lag: async () => {
      const committed = await admin.committedOffsets(options.groupId, options.topics);
      let total = 0n;
      for (const topic of options.topics) {
        for (const { partition, high, low } of await admin.topicOffsets(topic)) {
          const key = `${topic}-${partition}`;
          // Without a commit the group starts at the log start (TRIM_HORIZON) or where the mapping started (LATEST).
          const start = committed.get(key) ?? (options.startingPosition === 'LATEST' ? (latestBaseline.get(key) ?? high) : low);
          // Records deleted by retention can no longer be consumed, so they are not lag either.
          const behind = high - (start > low ? start : low);
          if (behind > 0n) total += behind;
        }
      }
      return Number(total);
    },
  };
}
