/**
 * The routes of the aggregates: the streams and their aggregations, one aggregation's per-minute
 * series, and the ranking of its groups over a range.
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { ensureRankable, groupFilterOf, listStreams } from '../catalogue';
import { seriesCsv } from '../csv';
import { knownAggregation } from '../lookups';
import { aggregationPath, noParameters, rankingPath, seriesParameters, topParameters } from '../params';
import { rangeEcho } from '../range';
import { CSV_HEADERS, deliverable, JSON_HEADERS } from '../responses';
import { seriesBody, streamsBody, topBody, type SeriesBody, type TopBody } from '../schemas';
import { filterPoints, rankGroups, sortPoints, toSeriesPoint } from '../series';
import { COMMON_ERRORS, declareRoute, LOOKUP_ERRORS } from './declare';

const csv = { 'text/csv': { schema: z.string().describe('RFC 4180, header row first, CRLF line ends') } } as const;

/** `GET /v1/streams`: every stream and its aggregations, from the registry. */
export const streams = declareRoute(
  createRoute({
    method: 'get',
    path: '/v1/streams',
    operationId: 'listStreams',
    tags: ['series'],
    summary: 'The streams and their aggregations',
    request: { query: noParameters },
    responses: { 200: { description: 'Every stream', content: { 'application/json': { schema: streamsBody } } }, ...COMMON_ERRORS },
  }),
  async (c) => c.json(listStreams(), 200, JSON_HEADERS),
);

/** `GET /v1/streams/{stream}/aggregations/{aggregation}`: the points of `[from, to)`, JSON or CSV. */
export const series = declareRoute(
  createRoute({
    method: 'get',
    path: '/v1/streams/{stream}/aggregations/{aggregation}',
    operationId: 'getSeries',
    tags: ['series'],
    summary: 'The per-minute points of an aggregation over [from, to)',
    description: 'One point per minute and group that had events; sum, min and max only for measured aggregations.',
    middleware: [knownAggregation, deliverable('narrow the range (from, to) or select one group')] as const,
    request: { params: aggregationPath, query: seriesParameters },
    responses: {
      200: { description: 'The points, by window start then group', content: { 'application/json': { schema: seriesBody }, ...csv } },
      ...LOOKUP_ERRORS,
    },
  }),
  async (c) => {
    const { aggregation, range, deps } = c.var;
    const { group, format } = c.req.valid('query');
    const filter = group === undefined ? undefined : groupFilterOf(aggregation, group);
    const { name, groupBy } = aggregation.description;
    const points = await deps.aggregates.querySeries(aggregation.stream, name, range.fromMs, range.toMs);
    const shaped = sortPoints(filter ? filterPoints(points, filter) : points, groupBy);
    if (format === 'csv') return c.body(seriesCsv(shaped, aggregation.description), 200, CSV_HEADERS);
    const body: SeriesBody = { stream: aggregation.stream, aggregation: name, ...rangeEcho(range), points: shaped.map(toSeriesPoint) };
    return c.json(body, 200, JSON_HEADERS);
  },
);

/** `GET /v1/streams/{stream}/aggregations/{aggregation}/top`: groups ranked by their totals over `[from, to)`. */
export const top = declareRoute(
  createRoute({
    method: 'get',
    path: '/v1/streams/{stream}/aggregations/{aggregation}/top',
    operationId: 'getTopGroups',
    tags: ['series'],
    summary: 'The groups with the largest totals over [from, to)',
    middleware: [knownAggregation] as const,
    request: { params: rankingPath, query: topParameters },
    responses: { 200: { description: 'The groups, largest first', content: { 'application/json': { schema: topBody } } }, ...LOOKUP_ERRORS },
  }),
  async (c) => {
    const { aggregation, range, deps } = c.var;
    const { by, limit } = c.req.valid('query');
    ensureRankable(aggregation, by);
    const { name, groupBy } = aggregation.description;
    const points = await deps.aggregates.querySeries(aggregation.stream, name, range.fromMs, range.toMs);
    const items = rankGroups(points, { by, limit, groupBy, scale: aggregation.scale });
    const body: TopBody = { stream: aggregation.stream, aggregation: name, ...rangeEcho(range), by, items };
    return c.json(body, 200, JSON_HEADERS);
  },
);
