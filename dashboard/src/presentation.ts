/**
 * What the dashboard shows of each stream, read from `GET /v1/streams`: a chart per aggregation
 * (dead letters last) and a row of headline totals, with the titles, units, group order and
 * totals the API's display hints give. The dashboard keeps no list of streams or aggregations of
 * its own, so a new stream gets its section from the API alone. Pure, so it is unit-tested.
 */
import type { StreamsBody } from '../../lambdas/handlers/query/schemas';

/** Which measure a chart or total shows. */
export type Measure = 'count' | 'sum';

/** Whether a chart or total reads as normal, or as trouble (dead letters). */
export type Tone = 'normal' | 'bad';

/** One chart of a stream. */
export interface ChartSpec {
  readonly stream: string;
  readonly aggregation: string;
  readonly title: string;
  /** The aggregation's own description, for the title's tooltip. */
  readonly description: string;
  /** Dimensions of the groups; empty for one series. */
  readonly groupBy: readonly string[];
  readonly measure: Measure;
  /** What a count is a count of, for tooltips ("12 purchases"). */
  readonly countNoun: string;
  /** The legend's name of an ungrouped series. */
  readonly seriesLabel: string;
  /** Groups with a natural order, in that order; others follow by name. */
  readonly groupOrder: readonly string[];
  /** Decimal places of the sums. */
  readonly decimals: number;
  /** Dead letters get a warning palette. */
  readonly tone: Tone;
}

/** One headline number of a stream over the range. */
export interface TotalSpec {
  /** Stable key, for tests and styling. */
  readonly key: string;
  readonly label: string;
  readonly aggregation: string;
  readonly measure: Measure;
  /** Only the points of this group (e.g. priority high); all points when absent. */
  readonly group?: Readonly<Record<string, string>>;
  /** Decimal places of a sum. */
  readonly decimals: number;
  readonly tone: Tone;
}

/** A stream as the dashboard lays it out. */
export interface StreamView {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly totals: readonly TotalSpec[];
  /** In the API's order, which lists dead letters last. */
  readonly charts: readonly ChartSpec[];
  /** Every aggregation to read per refresh, each once. */
  readonly aggregations: readonly string[];
}

type Listed = StreamsBody['streams'][number];

function viewOf(stream: Listed): StreamView {
  const byName = new Map(stream.aggregations.map((aggregation) => [aggregation.name, aggregation]));
  const charts: ChartSpec[] = stream.aggregations.map(({ name, description, groupBy, display }) => ({
    stream: stream.name,
    aggregation: name,
    title: display.title,
    description,
    groupBy,
    measure: display.chart,
    countNoun: display.unit,
    seriesLabel: display.seriesLabel,
    groupOrder: display.groupOrder,
    decimals: display.decimals,
    tone: display.tone,
  }));
  // A total whose aggregation the API does not list is dropped rather than shown as zero.
  const totals: TotalSpec[] = stream.display.totals
    .filter((total) => byName.has(total.aggregation))
    .map((total) => ({ ...total, decimals: byName.get(total.aggregation)?.display.decimals ?? 0 }));
  const aggregations = [...new Set([...charts.map((chart) => chart.aggregation), ...totals.map((total) => total.aggregation)])];
  return { name: stream.name, title: stream.display.title, description: stream.description, totals, charts, aggregations };
}

/** The dashboard's layout of every listed stream, in the API's order. */
export function streamViews(listing: StreamsBody): StreamView[] {
  return listing.streams.map(viewOf);
}
