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
import { toScaledInteger } from './decimal';
import { windowStartOf } from './time';

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
  readonly value?: number;
}

/** What a batch brings to one aggregate item, by source partition in offset order. */
export interface AggregateDelta {
  readonly key: AggregateKey;
  /** Decimal scale of `value`s; absent for count-only aggregates. */
  readonly scale?: number;
  readonly contributions: ReadonlyMap<string, readonly Contribution[]>;
}

/** The stored state of an aggregate item; `sum`, `min` and `max` are scaled integers. */
export interface AggregateState {
  readonly count: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  /** Highest offset folded in, per source partition. */
  readonly offsets: Readonly<Record<string, number>>;
}

/** A group as text (`category=ros%C3%A9%20wine`), in the aggregation's dimension order; `''` when ungrouped. */
export function encodeGroup(group: Readonly<Record<string, string>>): string {
  return Object.entries(group)
    .map(([dimension, value]) => `${encodeURIComponent(dimension)}=${encodeURIComponent(value)}`)
    .join('&');
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

/**
 * Gathers a batch's records into one delta per touched aggregate item: valid events into each
 * aggregation that selects them (by event-time minute), invalid ones into `invalid` (by record
 * time minute, since their own event time may be missing or wrong).
 */
export function foldBatch(stream: AnyStreamDefinition, records: readonly FoldRecord[]): AggregateDelta[] {
  const deltas = new Map<string, MutableDelta>();
  const add = (key: AggregateKey, partition: string, contribution: Contribution, scale?: number): void => {
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
    const { result } = record;
    if (!result.valid) {
      const key = {
        stream: stream.name,
        aggregation: INVALID_AGGREGATION_NAME,
        windowStartMs: windowStartOf(record.recordTimestampMs),
        group: { reason: result.reason },
      };
      add(key, record.partition, { offset: record.offset });
      continue;
    }
    const windowStartMs = windowStartOf(result.eventTimeMs);
    for (const aggregation of stream.aggregations) {
      if (aggregation.where && !aggregation.where(result.enriched)) continue;
      const group: Record<string, string> = {};
      for (const dimension of aggregation.groupBy) group[dimension] = String(result.enriched[dimension]);
      const key = { stream: stream.name, aggregation: aggregation.name, windowStartMs, group };
      if (aggregation.measure) {
        const raw = result.enriched[aggregation.measure.field];
        // The schema guarantees measured fields are numbers; a stream that breaks this is a bug.
        if (typeof raw !== 'number') {
          throw new TypeError(`${stream.name}.${aggregation.name}: measured field ${aggregation.measure.field} is not a number`);
        }
        const value = toScaledInteger(raw, aggregation.measure.scale);
        add(key, record.partition, { offset: record.offset, value }, aggregation.measure.scale);
      } else {
        add(key, record.partition, { offset: record.offset });
      }
    }
  }
  return [...deltas.values()];
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
      if (contribution.value !== undefined) {
        sum = (sum ?? 0) + contribution.value;
        min = min === undefined ? contribution.value : Math.min(min, contribution.value);
        max = max === undefined ? contribution.value : Math.max(max, contribution.value);
      }
      offsets[partition] = Math.max(offsets[partition] ?? -1, contribution.offset);
    }
  }
  if (applied === 0) return undefined;
  return { count, ...(sum === undefined ? {} : { sum, min, max }), offsets };
}
