/**
 * What the API can be asked about: the streams of the registry and their aggregations. Lookups
 * that fail are 404s listing what exists, so a typo is fixed from the answer alone.
 */
import {
  describeAggregations,
  describeStream,
  findStream,
  INVALID_AGGREGATION_NAME,
  STREAMS,
  type AggregationDescription,
} from '../../domain/streams/registry';
import type { AnyStreamDefinition } from '../../domain/streams/types';
import { INVALID_REASONS } from '../../domain/validation';
import { badRequest, notFound } from './errors';
import { MAX_RANGE_DAYS } from './range';
import type { StreamsBody } from './schemas';

/** An aggregation as the query routes need it: its description and, when measured, its decimal scale. */
export interface ResolvedAggregation {
  readonly stream: string;
  /** What the routes read of the aggregation's description. */
  readonly description: Pick<AggregationDescription, 'name' | 'groupBy' | 'measures'>;
  /** Decimal places of `sum`, `min` and `max`; absent for a count-only aggregation. */
  readonly scale?: number;
}

/** A filter of a series on its one group dimension. */
export interface GroupFilter {
  readonly dimension: string;
  readonly value: string;
}

/** The body of `GET /v1/streams`: the registry's streams with their display hints, and the API's range limit. */
export function listStreams(): StreamsBody {
  // Copies: the registry's descriptions are read-only, each answer gets its own.
  const streams = STREAMS.map((stream) => structuredClone(describeStream(stream)) as StreamsBody['streams'][number]);
  return { streams, limits: { maxRangeDays: MAX_RANGE_DAYS } };
}

/**
 * The stream called `name`.
 *
 * @throws ApiError 404 listing the known streams
 */
export function resolveStream(name: string): AnyStreamDefinition {
  const stream = findStream(name);
  if (!stream) {
    throw notFound(`unknown stream ${JSON.stringify(name)}; the streams are ${STREAMS.map((s) => s.name).join(', ')}`);
  }
  return stream;
}

/**
 * The aggregation `name` of `stream`, with the scale its sums are exact to.
 *
 * @throws ApiError 404 listing the stream's aggregations
 */
export function resolveAggregation(stream: AnyStreamDefinition, name: string): ResolvedAggregation {
  const descriptions = describeAggregations(stream);
  const description = descriptions.find((candidate) => candidate.name === name);
  if (!description) {
    const known = descriptions.map((candidate) => candidate.name).join(', ');
    throw notFound(`stream ${stream.name} has no aggregation ${JSON.stringify(name)}; its aggregations are ${known}`);
  }
  const scale = stream.aggregations.find((definition) => definition.name === name)?.measure?.scale;
  return { stream: stream.name, description, ...(scale === undefined ? {} : { scale }) };
}

/** `orders/revenue`, how messages name an aggregation. */
function aggregationLabel(aggregation: ResolvedAggregation): string {
  return `${aggregation.stream}/${aggregation.description.name}`;
}

/**
 * The filter `group=<value>` stands for: equality on the aggregation's one dimension. The reasons
 * of `invalid` are a fixed set, so an unknown one is a typo and is refused rather than answered
 * with an empty series.
 *
 * @throws ApiError 400 naming `group` when the aggregation has no groups (or several
 *   dimensions, which one value cannot address) or the value is no invalid reason
 */
export function groupFilterOf(aggregation: ResolvedAggregation, value: string): GroupFilter {
  const { groupBy, name } = aggregation.description;
  const [dimension] = groupBy;
  if (dimension === undefined) {
    throw badRequest(`group: ${aggregationLabel(aggregation)} has no groups; omit group`);
  }
  if (groupBy.length > 1) {
    throw badRequest(`group: ${aggregationLabel(aggregation)} is grouped by ${groupBy.join(', ')}; one value cannot select a group`);
  }
  if (name === INVALID_AGGREGATION_NAME && !(INVALID_REASONS as readonly string[]).includes(value)) {
    throw badRequest(`group: ${JSON.stringify(value)} is no invalid reason; the reasons are ${INVALID_REASONS.join(', ')}`);
  }
  return { dimension, value };
}

/**
 * Checks that a ranking is possible: `top` ranks groups, so the aggregation must have some, and
 * ranking by `sum` needs a measured aggregation.
 *
 * @throws ApiError 400 naming the route or `by`
 */
export function ensureRankable(aggregation: ResolvedAggregation, by: 'count' | 'sum'): void {
  if (aggregation.description.groupBy.length === 0) {
    throw badRequest(`${aggregationLabel(aggregation)} has no groups to rank; read its series instead`);
  }
  if (by === 'sum' && aggregation.scale === undefined) {
    throw badRequest(`by: ${aggregationLabel(aggregation)} only counts events, it has no sum; use by=count`);
  }
}
