/**
 * Display hints as the API hands them to dashboards: each stream's and aggregation's own hints
 * (see `StreamDisplayHints` and `AggregationDisplayHints`) with every default filled in, plus the
 * dead letters every stream has. A dashboard draws a stream from these alone, so a new stream gets
 * a sensible section without a line of dashboard code, and better words with a few hints.
 */
import type { AggregationDefinition, EventObject, TotalHint } from './types';

/** Whether a chart or total reads as normal, or as trouble (dead letters). */
export type Tone = 'normal' | 'bad';

/** How a dashboard shows an aggregation, every hint resolved. */
export interface AggregationDisplay {
  readonly title: string;
  /** What one counted event is, plural. */
  readonly unit: string;
  readonly chart: 'count' | 'sum';
  readonly seriesLabel: string;
  readonly groupOrder: readonly string[];
  /** Decimal places of the sums (2 for money); 0 for a count-only aggregation. */
  readonly decimals: number;
  readonly tone: Tone;
}

/** A headline number, resolved. */
export interface TotalDisplay extends TotalHint {
  readonly tone: Tone;
}

/** How a dashboard shows a stream, every hint resolved. */
export interface StreamDisplay {
  readonly title: string;
  readonly totals: readonly TotalDisplay[];
}

/** The display of an aggregation of a stream: its hints, and defaults from what it is. */
export function aggregationDisplayOf(aggregation: AggregationDefinition<EventObject>): AggregationDisplay {
  const hints = aggregation.display ?? {};
  return {
    title: hints.title ?? aggregation.description,
    unit: hints.unit ?? 'events',
    chart: hints.chart ?? (aggregation.measure ? 'sum' : 'count'),
    seriesLabel: hints.seriesLabel ?? aggregation.name,
    groupOrder: [...(hints.groupOrder ?? [])],
    decimals: aggregation.measure?.scale ?? 0,
    tone: 'normal',
  };
}

/** The display of the `invalid` aggregation every stream has. */
export const DEAD_LETTERS_DISPLAY: AggregationDisplay = {
  title: 'Dead letters by reason',
  unit: 'records',
  chart: 'count',
  seriesLabel: 'invalid',
  groupOrder: [],
  decimals: 0,
  tone: 'bad',
};

/** The aggregations a stream's totals may name, with their displayed titles. */
export interface TotalSource {
  readonly name: string;
  readonly measured: boolean;
  readonly title: string;
}

/**
 * The headline numbers of a stream: its hints, or the events counted by its first aggregation
 * and each measured sum; then its dead letters, counted by `deadLetters`.
 */
export function totalsOf(hints: readonly TotalHint[] | undefined, aggregations: readonly TotalSource[], deadLetters: string): TotalDisplay[] {
  const [first] = aggregations;
  const defaults: TotalHint[] = [
    ...(first ? [{ key: 'events', label: 'Events', aggregation: first.name, measure: 'count' as const }] : []),
    ...aggregations.filter((source) => source.measured).map((source) => ({ key: source.name, label: source.title, aggregation: source.name, measure: 'sum' as const })),
  ];
  return [
    ...(hints ?? defaults).map((total) => ({ ...total, ...(total.group ? { group: { ...total.group } } : {}), tone: 'normal' as const })),
    { key: 'dead_letters', label: 'Dead letters', aggregation: deadLetters, measure: 'count', tone: 'bad' },
  ];
}
