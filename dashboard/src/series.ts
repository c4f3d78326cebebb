/**
 * From the API's points to what a chart draws: one row of values per group over the range's
 * buckets, the totals of each group and of the chart, and the ticks of both axes. Pure, so the
 * arithmetic is unit-tested; totals are added as integers so that a day of cent amounts stays
 * exact, as the API's own rankings are.
 */
import type { SeriesPoint } from '../../lambdas/handlers/query/schemas';
import type { Measure } from './presentation';
import type { ResolvedRange } from './range';

/**
 * Values are added in millionths: exact for any amount the API returns (money has two decimals)
 * up to a billion, where adding binary fractions would drift off the cent over a day of minutes.
 */
const UNITS = 1_000_000;

const toUnits = (value: number): number => Math.round(value * UNITS);
const fromUnits = (units: number): number => units / UNITS;

/** One group of a chart. */
export interface GroupSeries {
  /** The group's values, joined: what legends and tooltips show. */
  readonly label: string;
  readonly group: Readonly<Record<string, string>>;
  /** The measure per bucket. */
  readonly values: readonly number[];
  /** Events per bucket (for a sum chart, what was summed). */
  readonly counts: readonly number[];
  /** The measure over the whole range. */
  readonly total: number;
  readonly totalCount: number;
  /** Palette slot, stable across refreshes (see {@link assignSlots}). */
  readonly colour: number;
}

/** What one chart draws. */
export interface ChartData {
  /** Start of each bucket, oldest first. */
  readonly buckets: readonly number[];
  readonly bucketMs: number;
  /** Groups in stacking order, bottom first. */
  readonly groups: readonly GroupSeries[];
  /** The stacked height of each bucket. */
  readonly stackTotals: readonly number[];
  readonly total: number;
}

/** A group's label: its values in dimension order; the ungrouped series is named after the measure. */
export function groupLabel(group: Readonly<Record<string, string>>, ungrouped: string): string {
  const values = Object.values(group);
  return values.length === 0 ? ungrouped : values.join(' · ');
}

/** How a chart names and orders its groups. */
export interface GroupStyle {
  /** The label of an ungrouped series, e.g. "revenue". */
  readonly ungrouped: string;
  /** Groups with a natural order, in that order: they come first, each in the palette slot of its place. */
  readonly groupOrder?: readonly string[];
}

/**
 * Stacking order and palette slots of `labels`: the ordered groups first, as given, each in the
 * slot of its place in the order; the others by label in the slots left free. A group's slot
 * depends only on the labels, so its colour holds from one refresh to the next.
 */
export function assignSlots(labels: readonly string[], groupOrder: readonly string[] = []): { label: string; slot: number }[] {
  const knownGroups = groupOrder.map((label, slot) => [label, slot] as const);
  const known = new Map(knownGroups);
  const taken = new Set(knownGroups.map(([, slot]) => slot));
  const free: number[] = [];
  for (let slot = 0; free.length < labels.length; slot += 1) if (!taken.has(slot)) free.push(slot);
  const first = knownGroups.filter(([label]) => labels.includes(label)).map(([label, slot]) => ({ label, slot }));
  const rest = labels
    .filter((label) => !known.has(label))
    .sort()
    .map((label, index) => ({ label, slot: free[index] as number }));
  return [...first, ...rest];
}

/**
 * Buckets the points of `[range.fromMs, range.toMs)` by group.
 *
 * @param measure - `sum` charts the summed field (a point without a sum adds nothing), `count` the events
 */
export function chartData(points: readonly SeriesPoint[], range: ResolvedRange, measure: Measure, style: GroupStyle): ChartData {
  const bucketCount = Math.max(0, Math.round((range.toMs - range.fromMs) / range.bucketMs));
  const buckets = Array.from({ length: bucketCount }, (_, index) => range.fromMs + index * range.bucketMs);
  const rows = new Map<string, { group: Readonly<Record<string, string>>; units: number[]; counts: number[] }>();
  for (const point of points) {
    const index = Math.floor((Date.parse(point.windowStart) - range.fromMs) / range.bucketMs);
    if (!(index >= 0 && index < bucketCount)) continue;
    const label = groupLabel(point.group, style.ungrouped);
    let row = rows.get(label);
    if (!row) {
      row = { group: point.group, units: new Array<number>(bucketCount).fill(0), counts: new Array<number>(bucketCount).fill(0) };
      rows.set(label, row);
    }
    row.units[index] = (row.units[index] ?? 0) + toUnits(measureOf(point, measure));
    row.counts[index] = (row.counts[index] ?? 0) + point.count;
  }
  const stackUnits = new Array<number>(bucketCount).fill(0);
  const groups = assignSlots([...rows.keys()], style.groupOrder).map(({ label, slot }) => {
    const row = rows.get(label) as { group: Readonly<Record<string, string>>; units: number[]; counts: number[] };
    row.units.forEach((units, index) => (stackUnits[index] = (stackUnits[index] ?? 0) + units));
    return {
      label,
      group: row.group,
      values: row.units.map(fromUnits),
      counts: row.counts,
      total: fromUnits(row.units.reduce((sum, units) => sum + units, 0)),
      totalCount: row.counts.reduce((sum, count) => sum + count, 0),
      colour: slot,
    };
  });
  return {
    buckets,
    bucketMs: range.bucketMs,
    groups,
    stackTotals: stackUnits.map(fromUnits),
    total: fromUnits(stackUnits.reduce((sum, units) => sum + units, 0)),
  };
}

/**
 * The value a chart draws of a point. Sums arrive as exact decimal text; a chart needs no more
 * than a double's 15 digits, so the text is read as a number here, at the last moment.
 */
export function measureOf(point: SeriesPoint, measure: Measure): number {
  return measure === 'sum' ? Number(point.sum ?? 0) : point.count;
}

/**
 * The total of a measure over points, optionally of one group only: the headline numbers. Added
 * in the same units as {@link chartData}, so a headline equals the sum of its chart's legend.
 */
export function totalOf(points: readonly SeriesPoint[], measure: Measure, group?: Readonly<Record<string, string>>): number {
  let units = 0;
  for (const point of points) {
    if (group && !Object.entries(group).every(([dimension, value]) => point.group[dimension] === value)) continue;
    units += toUnits(measureOf(point, measure));
  }
  return fromUnits(units);
}

/**
 * Round tick values from 0 to at least `max`: steps of 1, 2, 2.5 or 5 times a power of ten, about
 * `count` of them. Counts never get fractional ticks.
 */
export function valueTicks(max: number, count: number, integers: boolean): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough && (!integers || Number.isInteger(candidate))) ?? Math.ceil(rough);
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  if ((ticks[ticks.length - 1] ?? 0) < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** Label spacings of the time axis, in minutes. */
const TIME_STEPS_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080];

/**
 * Instants for time-axis labels within `[fromMs, toMs)`: whole steps of local time (given as the
 * offset from UTC in minutes, east positive), at most `maxLabels` of them.
 */
export function timeTicks(fromMs: number, toMs: number, maxLabels: number, utcOffsetMinutes: number): number[] {
  const minute = 60_000;
  const stepMinutes = TIME_STEPS_MINUTES.find((step) => (toMs - fromMs) / (step * minute) <= maxLabels) ?? (TIME_STEPS_MINUTES[TIME_STEPS_MINUTES.length - 1] as number);
  const stepMs = stepMinutes * minute;
  const offsetMs = utcOffsetMinutes * minute;
  const ticks: number[] = [];
  for (let tick = Math.ceil((fromMs + offsetMs) / stepMs) * stepMs - offsetMs; tick < toMs; tick += stepMs) ticks.push(tick);
  return ticks;
}
