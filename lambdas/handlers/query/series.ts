/**
 * Shaping the points of a series for the API: a stable order, the group filter, and the ranking
 * of groups by their totals over a range. Pure, so the arithmetic is tested without a table.
 */
import type { AggregatePoint } from '../../domain/aggregatePoint';
import { formatScaled } from '../../domain/decimal';
import type { GroupFilter } from './catalogue';
import type { SeriesPoint } from './schemas';

/** One ranked group of `GET …/top`. */
export interface TopItem {
  readonly group: Readonly<Record<string, string>>;
  readonly count: number;
  /** Exact decimal text at the aggregation's scale; only on measured aggregations. */
  readonly sum?: string;
}

/** A point as the API answers it: measures as exact decimal text. */
export function toSeriesPoint(point: AggregatePoint): SeriesPoint {
  const { windowStart, windowEnd, group, count, scale, sum, min, max } = point;
  const measured = scale !== undefined && sum !== undefined && min !== undefined && max !== undefined;
  return {
    windowStart,
    windowEnd,
    group: { ...group },
    count,
    ...(measured ? { sum: formatScaled(sum, scale), min: formatScaled(min, scale), max: formatScaled(max, scale) } : {}),
  };
}

/** What to rank by and how much of it to return. */
export interface RankOptions {
  readonly by: 'count' | 'sum';
  readonly limit: number;
  /** Dimensions in the aggregation's order, for tie-breaks. */
  readonly groupBy: readonly string[];
  /** Decimal scale of sums; absent for a count-only aggregation. */
  readonly scale?: number;
}

// Code-unit order rather than localeCompare: the same bytes must sort the same on every runtime.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareGroups(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>, groupBy: readonly string[]): number {
  for (const dimension of groupBy) {
    const order = compareText(a[dimension] ?? '', b[dimension] ?? '');
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Points by window start, then by group in dimension order: each day's partition comes back in
 * sort-key order, where groups are percent-encoded, so the order across days and groups is fixed
 * here rather than left to the storage encoding.
 */
export function sortPoints(points: readonly AggregatePoint[], groupBy: readonly string[]): AggregatePoint[] {
  return [...points].sort((a, b) => compareText(a.windowStart, b.windowStart) || compareGroups(a.group, b.group, groupBy));
}

/** The points of the group the filter selects. */
export function filterPoints(points: readonly AggregatePoint[], filter: GroupFilter): AggregatePoint[] {
  return points.filter((point) => point.group[filter.dimension] === filter.value);
}

interface Totals {
  readonly group: Readonly<Record<string, string>>;
  count: number;
  /** In units of the scale (cents for money), so that adding any number of minutes stays exact. */
  scaledSum: bigint;
}

function totalsByGroup(points: readonly AggregatePoint[], groupBy: readonly string[]): Totals[] {
  const totals = new Map<string, Totals>();
  for (const point of points) {
    const id = JSON.stringify(groupBy.map((dimension) => point.group[dimension] ?? ''));
    let total = totals.get(id);
    if (!total) {
      total = { group: point.group, count: 0, scaledSum: 0n };
      totals.set(id, total);
    }
    total.count += point.count;
    if (point.sum !== undefined) total.scaledSum += point.sum;
  }
  return [...totals.values()];
}

/**
 * The groups with the largest totals over the points, largest first (ties by group, so the answer
 * is stable). Sums are added as bigints of their smallest unit: adding a month of cent amounts as
 * binary floating point drifts off the cent, and a large total would pass 15 digits.
 */
export function rankGroups(points: readonly AggregatePoint[], options: RankOptions): TopItem[] {
  const { by, limit, groupBy, scale } = options;
  const measureOf = (total: Totals): bigint => (by === 'sum' ? total.scaledSum : BigInt(total.count));
  const descending = (a: Totals, b: Totals): number => {
    const difference = measureOf(b) - measureOf(a);
    return difference > 0n ? 1 : difference < 0n ? -1 : 0;
  };
  return totalsByGroup(points, groupBy)
    .sort((a, b) => descending(a, b) || compareGroups(a.group, b.group, groupBy))
    .slice(0, limit)
    .map((total) => ({
      group: total.group,
      count: total.count,
      ...(scale === undefined ? {} : { sum: formatScaled(total.scaledSum, scale) }),
    }));
}
