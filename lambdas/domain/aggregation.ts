/**
 * Folding a batch into per-minute aggregates, exactly once.
 *
 * Lambda delivers at least once, and a retried batch may start and end at other offsets than
 * the first try. So every aggregate remembers, per source partition, the highest offset already
 * folded into it, and a fold only applies records above that mark:
 *
 *   partition orders-0:  ... 97 98 99 | 100 101 ... 149
 *                         folded (≤ mark 99)   applied, mark becomes 149
 *
 * Records of a partition arrive in order and offsets are committed only after a successful
 * invocation, so everything at or below the mark is already in the aggregate and nothing above it
 * is. The store writes the new state only if the item is unchanged since it was read.
 */
import type { ValidationResult } from './validation';
import { INVALID_AGGREGATION_NAME } from './streams/registry';
import type { AnyStreamDefinition } from './streams/types';
import { toScaledBigInt } from './decimal';
import { encodeGroup } from './itemKeys';
import { clampInstant, windowStartOf } from './time';

export { encodeGroup } from './itemKeys';

/** One Kafka record, validated, as the fold sees it. */
export interface FoldRecord {
  /** `<topic>-<partition>`, as MSK events key their records. */
  readonly partition: string;
  readonly offset: number;
  /** Kafka record timestamp; invalid records are counted in its minute. */
  readonly recordTimestampMs: number;
  readonly result: ValidationResult;
}

/** Which aggregate item a record lands in. */
export interface AggregateKey {
  readonly stream: string;
  readonly aggregation: string;
  readonly windowStartMs: number;
  /** Dimension → value; empty when ungrouped. */
  readonly group: Readonly<Record<string, string>>;
}

/** A record's part in one aggregate; `value` is scaled (cents for money) and absent for count-only. */
export interface Contribution {
  readonly offset: number;
  readonly value?: bigint;
}

/** What a batch brings to one aggregate item, by source partition in offset order. */
export interface AggregateDelta {
  readonly key: AggregateKey;
  /** Decimal scale of `value`s; absent for count-only aggregates. */
  readonly scale?: number;
  readonly contributions: ReadonlyMap<string, readonly Contribution[]>;
}

/** The stored state of an aggregate item; `sum`, `min` and `max` are scaled integers (cents for money). */
export interface AggregateState {
  readonly count: number;
  readonly sum?: bigint;
  readonly min?: bigint;
  readonly max?: bigint;
  /** Highest offset folded in, per source partition. */
  readonly offsets: Readonly<Record<string, number>>;
}

/** A record the fold could not place although it passed validation: a bug, counted as `unprocessable`. */
export interface UnfoldableRecord {
  readonly partition: string;
  readonly offset: number;
  readonly detail: string;
}

/** The outcome of folding a batch. */
export interface FoldedBatch {
  readonly deltas: AggregateDelta[];
  /** Records whose fold threw; each is counted in `invalid` as `unprocessable` instead. */
  readonly unfoldable: UnfoldableRecord[];
}

/** A stable identity for an aggregate key, used to gather its contributions. */
export function aggregateKeyId(key: AggregateKey): string {
  return `${key.stream}|${key.aggregation}|${key.windowStartMs}|${encodeGroup(key.group)}`;
}

interface MutableDelta {
  key: AggregateKey;
  scale?: number;
  contributions: Map<string, Contribution[]>;
}

/** One record's part in one aggregate, before it is gathered. */
interface Placement {
  readonly key: AggregateKey;
  readonly contribution: Contribution;
  readonly scale?: number;
}

/** The key of the `invalid` item a record with `reason` is counted in: the minute of its record time. */
export function invalidKeyOf(stream: string, reason: string, recordTimestampMs: number): AggregateKey {
  return { stream, aggregation: INVALID_AGGREGATION_NAME, windowStartMs: windowStartOf(clampInstant(recordTimestampMs)), group: { reason } };
}

/** Every aggregate a valid record contributes to; throws when the stream's data breaks its own declarations. */
function placementsOf(stream: AnyStreamDefinition, record: FoldRecord): Placement[] {
  const { result } = record;
  if (!result.valid) {
    return [{ key: invalidKeyOf(stream.name, result.reason, record.recordTimestampMs), contribution: { offset: record.offset } }];
  }
  const windowStartMs = windowStartOf(result.eventTimeMs);
  const placements: Placement[] = [];
  for (const aggregation of stream.aggregations) {
    if (aggregation.where && !aggregation.where(result.enriched)) continue;
    const group: Record<string, string> = {};
    for (const dimension of aggregation.groupBy) group[dimension] = String(result.enriched[dimension]);
    const key = { stream: stream.name, aggregation: aggregation.name, windowStartMs, group };
    // Encoding a group can throw (a lone surrogate); validation refuses those, this finds any it missed.
    encodeGroup(group);
    if (aggregation.measure) {
      const raw = result.enriched[aggregation.measure.field];
      // Validation guarantees measured fields are finite numbers; a stream that breaks this is a bug.
      if (typeof raw !== 'number') {
        throw new TypeError(`${stream.name}.${aggregation.name}: measured field ${aggregation.measure.field} is not a number`);
      }
      const value = toScaledBigInt(raw, aggregation.measure.scale);
      placements.push({ key, contribution: { offset: record.offset, value }, scale: aggregation.measure.scale });
    } else {
      placements.push({ key, contribution: { offset: record.offset } });
    }
  }
  return placements;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Gathers a batch's records into one delta per touched aggregate item: valid events into each
 * aggregation that selects them (by event-time minute), invalid ones into `invalid` (by record
 * time minute, since their own event time may be missing or wrong).
 *
 * A record whose placement throws never fails the batch: it contributes nowhere but to `invalid`
 * as `unprocessable`, and is returned in `unfoldable` so that the caller can report it. All of a
 * record's placements are computed before any is gathered, so it is never half-counted.
 */
export function foldBatch(stream: AnyStreamDefinition, records: readonly FoldRecord[]): FoldedBatch {
  const deltas = new Map<string, MutableDelta>();
  const unfoldable: UnfoldableRecord[] = [];
  const add = ({ key, contribution, scale }: Placement, partition: string): void => {
    const id = aggregateKeyId(key);
    let delta = deltas.get(id);
    if (!delta) {
      delta = { key, scale, contributions: new Map() };
      deltas.set(id, delta);
    }
    let list = delta.contributions.get(partition);
    if (!list) {
      list = [];
      delta.contributions.set(partition, list);
    }
    list.push(contribution);
  };

  for (const record of records) {
    let placements: Placement[];
    try {
      placements = placementsOf(stream, record);
    } catch (error) {
      unfoldable.push({ partition: record.partition, offset: record.offset, detail: describeError(error) });
      placements = [{ key: invalidKeyOf(stream.name, 'unprocessable', record.recordTimestampMs), contribution: { offset: record.offset } }];
    }
    for (const placement of placements) add(placement, record.partition);
  }
  return { deltas: [...deltas.values()], unfoldable };
}

/**
 * The state after applying a delta to `current`, skipping contributions at or below the
 * partition's mark; `undefined` when the delta holds nothing new (a pure redelivery).
 */
export function applyDelta(current: AggregateState | undefined, delta: AggregateDelta): AggregateState | undefined {
  let count = current?.count ?? 0;
  let sum = current?.sum;
  let min = current?.min;
  let max = current?.max;
  const offsets: Record<string, number> = { ...(current?.offsets ?? {}) };
  let applied = 0;
  for (const [partition, contributions] of delta.contributions) {
    const mark = offsets[partition] ?? -1;
    for (const contribution of contributions) {
      if (contribution.offset <= mark) continue;
      applied += 1;
      count += 1;
      const value = contribution.value;
      if (value !== undefined) {
        sum = (sum ?? 0n) + value;
        min = min === undefined || value < min ? value : min;
        max = max === undefined || value > max ? value : max;
      }
      offsets[partition] = Math.max(offsets[partition] ?? -1, contribution.offset);
    }
  }
  if (applied === 0) return undefined;
  return { count, ...(sum === undefined ? {} : { sum, min, max }), offsets };
}
