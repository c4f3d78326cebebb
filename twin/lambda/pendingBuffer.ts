/**
 * The records an emulated event source mapping has fetched but not yet committed: what the fetch
 * side appends to and the dispatcher takes invocations from.
 *
 * - Backpressure: the fetch side waits while a full invocation (batch size or payload limit) is
 *   pending, so the consumer stops fetching instead of buffering without bound.
 * - Per-partition floors: the offset after the last record this member committed. A partition
 *   fetched again after a rebalance brings records below its floor; they were invoked already.
 * - Rebalances: a join re-fetches from the committed offsets, so everything pending is dropped.
 */
import { partitionKeyOf, type MskWireRecord } from '../../lambdas/adapters/kafka/mskEvent';
import type { PlannedRecord } from './batchPlanner';

/** A record waiting for, or inside, an invocation. */
export interface PendingRecord extends PlannedRecord {
  readonly offset: bigint;
  /** Its Kafka timestamp, ms since the epoch (for the record age). */
  readonly timestampMs: number;
  readonly record: MskWireRecord;
}

/** Wakes every waiter at once; a waiter may also give up after a timeout. */
export class Signal {
  private waiters: (() => void)[] = [];

  /** Resolves on the next `notify()` or after `timeoutMs`; registers at once, so no wake-up is lost. */
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

/** The pending records of one mapping; see the module comment. */
export class PendingBuffer {
  private pending: PendingRecord[] = [];
  private pendingBytes = 0;
  private readonly floors = new Map<string, bigint>();
  /** Notified when records arrive (the dispatcher waits on it). */
  readonly work = new Signal();
  /** Notified when records leave (the fetch side waits on it). */
  readonly room = new Signal();

  constructor(private readonly limits: { readonly batchSize: number; readonly maxPayloadBytes: number }) {}

  /** The pending records, oldest first. */
  get records(): readonly PendingRecord[] {
    return this.pending;
  }

  /** Whether another fetched batch may be appended without exceeding one invocation's worth. */
  hasRoom(): boolean {
    return this.pending.length < this.limits.batchSize && this.pendingBytes < this.limits.maxPayloadBytes;
  }

  /** Appends fetched records in order, skipping those below their partition's floor. */
  add(records: readonly PendingRecord[]): void {
    for (const record of records) {
      const floor = this.floors.get(partitionKeyOf(record));
      if (floor !== undefined && record.offset < floor) continue;
      this.pending.push(record);
      this.pendingBytes += record.bytes;
    }
    this.work.notify();
  }

  /** Removes and returns the records at `indices` (ascending), keeping the others in order. */
  take(indices: readonly number[]): PendingRecord[] {
    const taken = indices.map((index) => this.pending[index] as PendingRecord);
    const remove = new Set(indices);
    this.pending = this.pending.filter((_, index) => !remove.has(index));
    this.pendingBytes -= taken.reduce((sum, record) => sum + record.bytes, 0);
    this.room.notify();
    return taken;
  }

  /** Puts records taken for an invocation back at the head, in order (a retry re-planned from them). */
  putBack(records: readonly PendingRecord[]): void {
    this.pending = [...records, ...this.pending];
    this.pendingBytes += records.reduce((sum, record) => sum + record.bytes, 0);
    this.work.notify();
  }

  /** Drops everything pending: after a rebalance the consumer fetches again from the committed offsets. */
  drop(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.room.notify();
  }

  /** Records that `partition` was committed up to `next` (exclusive), and drops pending copies below it. */
  setFloor(partition: string, next: bigint): void {
    this.floors.set(partition, next);
    const before = this.pending.length;
    this.pending = this.pending.filter((record) => {
      const below = partitionKeyOf(record) === partition && record.offset < next;
      if (below) this.pendingBytes -= record.bytes;
      return !below;
    });
    if (this.pending.length !== before) this.room.notify();
  }

  /** Forgets the floors of partitions no longer assigned to this member. */
  keepFloorsOf(assigned: ReadonlySet<string>): void {
    for (const partition of [...this.floors.keys()]) if (!assigned.has(partition)) this.floors.delete(partition);
  }

  /** Wakes both sides, e.g. to let them see that the mapping stops. */
  wakeAll(): void {
    this.work.notify();
    this.room.notify();
  }
}
