/**
 * One point of a per-minute series as the domain knows it: one window of one group, its count and,
 * for a measured aggregation, its exact sum, minimum and maximum as integers of the smallest unit.
 * The aggregates adapter reads points into this shape; the query API shapes its own bodies from it
 * (exact decimal text in JSON, plain numbers in CSV).
 */

/** One minute of one group; `sum`, `min` and `max` are scaled by `scale` (cents at 2). */
export interface AggregatePoint {
  /** Window start, UTC, whole minutes: `2026-11-25T04:00:00Z`. */
  readonly windowStart: string;
  /** Window end, one minute later. */
  readonly windowEnd: string;
  /** Dimension to value; empty for an ungrouped aggregation. */
  readonly group: Readonly<Record<string, string>>;
  readonly count: number;
  /** Decimal places of `sum`, `min` and `max` (2 for money); absent for count-only aggregations. */
  readonly scale?: number;
  readonly sum?: bigint;
  readonly min?: bigint;
  readonly max?: bigint;
}
