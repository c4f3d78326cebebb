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

/** What the mapping shares with its dispatcher. */
export interface MemberState {
  /** Partitions assigned to this member, as `<topic>-<partition>`; empty during a rebalance. */
  assigned: Set<string>;
  /** Whether the consumer is running (false while it waits to start again after a crash). */
  consuming: boolean;
  /** The last crash, for the status line. */
  lastCrash?: string;
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
/** Backoff of restarts after a crash, in ms. */
const RESTART_BACKOFF_MS = { initial: 1_000, max: 30_000 } as const;

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
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
          buffer.keepFloorsOf(state.assigned);
          buffer.drop();
          if (assigned.length > 0 && !hasJoined) {
            hasJoined = true;
            resolveJoined();
          }
        },
        onCrash: (error, willRestart) => {
          state.assigned = new Set();
          buffer.drop();
          state.lastCrash = describeError(error);
          logger.error(`Kafka consumer of group ${options.groupId} crashed: ${state.lastCrash}; ${willRestart ? 'it restarts by itself' : 'starting it again'}`);
          if (!willRestart) void restart();
        },
      },
    });
    await member.start(async (batch, controls) => {
      if (stopping || !controls.isActive()) return;
      const arrivedAtMs = clock.now();
      buffer.add(batch.records.map((record) => options.toPending(record, arrivedAtMs)));
      // Moves only the fetch position; the committed offset moves after a finished batch.
      controls.markFetched((batch.records[batch.records.length - 1] as ConsumedRecord).offset);
      while (!buffer.hasRoom() && !stopping && controls.isActive()) {
        await buffer.room.wait(BACKPRESSURE_POLL_MS);
        // Heartbeats keep the group membership while held back; a rebalance surfaces here as an error.
        await controls.heartbeat();
      }
    });
    state.consuming = true;
  };

  /** Starts a crashed consumer again, with doubling backoff, until it runs or the mapping stops. */
  const restart = async (): Promise<void> => {
    state.consuming = false;
    await member.stop().catch(() => undefined);
    for (let attempt = 1; !stopping; attempt += 1) {
      await clock.sleep(Math.min(RESTART_BACKOFF_MS.max, RESTART_BACKOFF_MS.initial * 2 ** (attempt - 1)), aborted.signal);
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
