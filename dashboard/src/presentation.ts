/**
 * What the dashboard shows of each stream, derived from `GET /v1/streams`: a chart per
 * aggregation, the dead letters by reason, and a row of totals. The built-in streams get the
 * titles and headline totals the design names; any other stream is shown from its listing alone,
 * so registering a stream needs no dashboard change. Pure, so it is unit-tested.
 */
import type { StreamsBody } from '../../lambdas/handlers/query/schemas';

/** The aggregation every stream has: invalid records by reason. */
export const DEAD_LETTERS_AGGREGATION = 'invalid';

/** Which measure a chart or total shows. */
export type Measure = 'count' | 'sum';

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
  /**
   * Groups with a natural order, in that order, each with its palette slot (e.g. priorities low
   * to high, high in red). Other groups follow alphabetically in the slots left over.
   */
  readonly knownGroups?: readonly (readonly [label: string, slot: number])[];
  /** Dead letters get a warning palette. */
  readonly tone: 'normal' | 'bad';
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
  readonly tone: 'normal' | 'bad';
}

/** A stream as the dashboard lays it out. */
export interface StreamView {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly totals: readonly TotalSpec[];
  readonly charts: readonly ChartSpec[];
  readonly deadLetters: ChartSpec;
  /** Every aggregation to read per refresh, each once. */
  readonly aggregations: readonly string[];
}

interface KnownChart {
  readonly title: string;
  readonly measure: Measure;
  readonly countNoun: string;
  readonly seriesLabel?: string;
  readonly knownGroups?: ChartSpec['knownGroups'];
}

// Palette slots (see dashboard.css): 0 blue, 1 orange, 2 green, 3 red, 4 teal, 6 purple.

interface KnownStream {
  readonly title: string;
  readonly charts: Readonly<Record<string, KnownChart>>;
  readonly totals: readonly Omit<TotalSpec, 'tone'>[];
}

/** The design's named charts and headline totals of the built-in streams. */
const KNOWN_STREAMS: Readonly<Record<string, KnownStream>> = {
  orders: {
    title: 'Orders',
    charts: {
      // The funnel's order: most views at the bottom, purchases on top.
      events_by_type: {
        title: 'Events by type',
        measure: 'count',
        countNoun: 'events',
        knownGroups: [
          ['view', 0],
          ['add_to_cart', 1],
          ['purchase', 2],
        ],
      },
      revenue: { title: 'Revenue per minute', measure: 'sum', countNoun: 'purchases', seriesLabel: 'revenue' },
      revenue_by_category: { title: 'Revenue by category', measure: 'sum', countNoun: 'purchases' },
    },
    totals: [
      { key: 'events', label: 'Events', aggregation: 'events_by_type', measure: 'count' },
      { key: 'purchases', label: 'Purchases', aggregation: 'revenue', measure: 'count' },
      { key: 'revenue', label: 'Revenue', aggregation: 'revenue', measure: 'sum' },
    ],
  },
  tickets: {
    title: 'Support tickets',
    charts: {
      by_type: { title: 'Tickets by type', measure: 'count', countNoun: 'tickets' },
      by_priority: {
        title: 'Tickets by priority',
        measure: 'count',
        countNoun: 'tickets',
        knownGroups: [
          ['low', 4],
          ['medium', 1],
          ['high', 3],
        ],
      },
      by_team: { title: 'Tickets by team', measure: 'count', countNoun: 'tickets' },
    },
    totals: [
      { key: 'tickets', label: 'Tickets', aggregation: 'by_type', measure: 'count' },
      { key: 'high_priority', label: 'High priority', aggregation: 'by_priority', measure: 'count', group: { priority: 'high' } },
    ],
  },
};

type Listed = StreamsBody['streams'][number];
type ListedAggregation = Listed['aggregations'][number];

/** A chart of an aggregation the dashboard has no words for: its description as title, its sum if it has one. */
function genericChart(aggregation: ListedAggregation): KnownChart {
  return { title: aggregation.description, measure: aggregation.measures.includes('sum') ? 'sum' : 'count', countNoun: 'events' };
}

/** Totals of a stream the dashboard has no words for: the first aggregation's count (every stream's first counts its events) and each sum. */
function genericTotals(aggregations: readonly ListedAggregation[]): Omit<TotalSpec, 'tone'>[] {
  const [first] = aggregations;
  const measured = aggregations.filter((aggregation) => aggregation.measures.includes('sum'));
  return [
    ...(first ? [{ key: 'events', label: 'Events', aggregation: first.name, measure: 'count' as const }] : []),
    ...measured.map((aggregation) => ({ key: aggregation.name, label: aggregation.description, aggregation: aggregation.name, measure: 'sum' as const })),
  ];
}

function viewOf(stream: Listed): StreamView {
  const known = KNOWN_STREAMS[stream.name];
  const byName = new Map(stream.aggregations.map((aggregation) => [aggregation.name, aggregation]));
  const charted = stream.aggregations.filter((aggregation) => aggregation.name !== DEAD_LETTERS_AGGREGATION);
  const charts: ChartSpec[] = charted.map((aggregation) => {
    const words = known?.charts[aggregation.name] ?? genericChart(aggregation);
    const { name, description, groupBy } = aggregation;
    return { stream: stream.name, aggregation: name, description, groupBy, tone: 'normal', seriesLabel: name, ...words };
  });
  // A known total whose aggregation the API no longer lists is dropped rather than shown as zero.
  const totals: TotalSpec[] = [
    ...(known?.totals ?? genericTotals(charted)).filter((total) => byName.has(total.aggregation)).map((total) => ({ ...total, tone: 'normal' as const })),
    { key: 'dead_letters', label: 'Dead letters', aggregation: DEAD_LETTERS_AGGREGATION, measure: 'count', tone: 'bad' },
  ];
  const deadLetters: ChartSpec = {
    stream: stream.name,
    aggregation: DEAD_LETTERS_AGGREGATION,
    title: 'Dead letters by reason',
    description: byName.get(DEAD_LETTERS_AGGREGATION)?.description ?? 'Invalid records per minute by reason',
    groupBy: byName.get(DEAD_LETTERS_AGGREGATION)?.groupBy ?? ['reason'],
    measure: 'count',
    countNoun: 'records',
    seriesLabel: DEAD_LETTERS_AGGREGATION,
    tone: 'bad',
  };
  const aggregations = [...new Set([...charts.map((chart) => chart.aggregation), ...totals.map((total) => total.aggregation), DEAD_LETTERS_AGGREGATION])];
  return { name: stream.name, title: known?.title ?? stream.name, description: stream.description, totals, charts, deadLetters, aggregations };
}

/** The dashboard's layout of every listed stream, in the API's order. */
export function streamViews(listing: StreamsBody): StreamView[] {
  return listing.streams.map(viewOf);
}
