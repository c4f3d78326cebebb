/**
 * The registry of streams. Adding a stream is one module plus one line in `STREAMS`; topics,
 * consumers, alarms, API routes and dashboard series are all derived from this list.
 */
import { aggregationDisplayOf, DEAD_LETTERS_DISPLAY, totalsOf, type AggregationDisplay, type StreamDisplay } from './display';
import type { AggregationDefinition, AnyStreamDefinition, EventObject, MeasureName, StreamDefinition } from './types';
import { ordersStream } from './orders';
import { salesStream } from './sales';
import { ticketsStream } from './tickets';
import { tracksStream } from './tracks';

/**
 * Erases a stream's event types for the registry. Each stream is type-checked against its own
 * schema where it is declared; past the registry, events are only handled through the stream's
 * own functions, so the erased form is safe.
 */
function register<Raw extends EventObject, Enriched extends EventObject>(
  stream: StreamDefinition<Raw, Enriched>,
): AnyStreamDefinition {
  return stream as unknown as AnyStreamDefinition;
}

/** Every stream the pipeline carries. */
export const STREAMS: readonly AnyStreamDefinition[] = [
  register(ordersStream),
  register(ticketsStream),
  register(salesStream),
  register(tracksStream),
];

/** Name of the aggregation every stream gets: invalid records per minute by reason. */
export const INVALID_AGGREGATION_NAME = 'invalid';

/** An aggregation as the API describes it. */
export interface AggregationDescription {
  readonly name: string;
  readonly description: string;
  readonly groupBy: readonly string[];
  readonly measures: readonly MeasureName[];
  /** How a dashboard shows it. */
  readonly display: AggregationDisplay;
}

/** A stream as the API describes it. */
export interface StreamDescription {
  readonly name: string;
  readonly description: string;
  readonly display: StreamDisplay;
  readonly aggregations: readonly AggregationDescription[];
}

/** The measures an aggregation holds: count always; sum, min and max of its measured field. */
export function measuresOf(aggregation: Pick<AggregationDefinition<EventObject>, 'measure'>): MeasureName[] {
  return aggregation.measure ? ['count', 'sum', 'min', 'max'] : ['count'];
}

/** The stream called `name`, or undefined. */
export function findStream(name: string): AnyStreamDefinition | undefined {
  return STREAMS.find((stream) => stream.name === name);
}

/** The stream whose topic is `topic`; a record from any other topic is a wiring error. */
export function streamOfTopic(topic: string): AnyStreamDefinition {
  const stream = findStream(topic);
  if (!stream) {
    const known = STREAMS.map((s) => s.name).join(', ');
    throw new Error(`no stream is registered for topic "${topic}" (registered: ${known})`);
  }
  return stream;
}

/** The aggregations of a stream as the API lists them, `invalid` last. */
export function describeAggregations(stream: AnyStreamDefinition): AggregationDescription[] {
  return [
    ...stream.aggregations.map((aggregation) => ({
      name: aggregation.name,
      description: aggregation.description,
      groupBy: [...aggregation.groupBy],
      measures: measuresOf(aggregation),
      display: aggregationDisplayOf(aggregation),
    })),
    {
      name: INVALID_AGGREGATION_NAME,
      description: 'Invalid records per minute (of their Kafka record time) by reason',
      groupBy: ['reason'],
      measures: ['count'],
      display: DEAD_LETTERS_DISPLAY,
    },
  ];
}

/** A stream as the API lists it: its aggregations, `invalid` last, and how a dashboard shows it. */
export function describeStream(stream: AnyStreamDefinition): StreamDescription {
  const aggregations = describeAggregations(stream);
  const sources = stream.aggregations.map((aggregation) => ({ name: aggregation.name, measured: aggregation.measure !== undefined, title: aggregationDisplayOf(aggregation).title }));
  return {
    name: stream.name,
    description: stream.description,
    display: { title: stream.display?.title ?? stream.name, totals: totalsOf(stream.display?.totals, sources, INVALID_AGGREGATION_NAME) },
    aggregations,
  };
}
