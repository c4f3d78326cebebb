/**
 * The batching rule of the Lambda event source mapping for Amazon MSK, pure: which pending
 * records the next invocation carries, and when it is due.
 */
import { partitionKeyOf } from '../../lambdas/adapters/kafka/mskEvent';

/** AWS's limit for a synchronous invocation payload, which caps an MSK batch. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

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
