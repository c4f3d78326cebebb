import { z } from 'zod';
import { describeStream } from '../../../lambdas/domain/streams/registry';
import type { StreamDefinition } from '../../../lambdas/domain/streams/types';
import { listStreams } from '../../../lambdas/handlers/query/catalogue';
import type { StreamsBody } from '../../../lambdas/handlers/query/schemas';
import { streamViews } from '../../../dashboard/src/presentation';

/** A stream the dashboard has never heard of, declared with no display hints at all. */
const tracks: StreamDefinition = {
  name: 'tracks',
  description: 'Music catalogue replayed from CSV',
  schema: z.object({ trackId: z.string(), genre: z.string(), popularity: z.number() }).loose(),
  eventId: (event) => String(event.trackId),
  partitionKey: (event) => String(event.trackId),
  eventTime: () => '2026-11-25T04:00:00Z',
  enrich: (event) => event,
  generate: () => ({ trackId: 't-1', genre: 'jazz', popularity: 50 }),
  aggregations: [{ name: 'by_genre', description: 'Tracks per minute by genre, with popularity', groupBy: ['genre'], measure: { field: 'popularity', scale: 0 } }],
};

/** The listing the API would answer if `tracks` were the only registered stream. */
function listingOf(stream: StreamDefinition): StreamsBody {
  return { streams: [structuredClone(describeStream(stream)) as StreamsBody['streams'][number]], limits: { maxRangeDays: 31 } };
}

/** The views of the two streams these tests describe; the others have their own tests. */
function ordersAndTicketsViews() {
  return streamViews(listStreams()).filter((view) => view.name === 'orders' || view.name === 'tickets');
}

describe('streamViews', () => {
  it('titles the sections and charts of orders and tickets as the API hints say, dead letters last', () => {
    // Act
    const views = ordersAndTicketsViews();

    // Assess
    expect(views.map((view) => [view.title, view.charts.map((chart) => chart.title)])).toEqual([
      ['Orders', ['Events by type', 'Revenue per minute', 'Revenue by category', 'Dead letters by reason']],
      ['Support tickets', ['Tickets by type', 'Tickets by priority', 'Tickets by team', 'Dead letters by reason']],
    ]);
  });

  it('charts revenue as the sum with two decimals, counts everything else, and marks dead letters as trouble', () => {
    // Act
    const [orders] = ordersAndTicketsViews();

    // Assess
    expect(orders?.charts.map((chart) => [chart.aggregation, chart.measure, chart.decimals, chart.tone])).toEqual([
      ['events_by_type', 'count', 0, 'normal'],
      ['revenue', 'sum', 2, 'normal'],
      ['revenue_by_category', 'sum', 2, 'normal'],
      ['invalid', 'count', 0, 'bad'],
    ]);
  });

  it('stacks the groups with a natural order in that order: the funnel, priorities low to high', () => {
    // Act
    const views = ordersAndTicketsViews();

    // Assess
    expect(views.flatMap((view) => view.charts.filter((chart) => chart.groupOrder.length > 0).map((chart) => [chart.aggregation, chart.groupOrder]))).toEqual([
      ['events_by_type', ['view', 'add_to_cart', 'purchase']],
      ['by_priority', ['low', 'medium', 'high']],
    ]);
  });

  it('totals events, purchases, revenue and dead letters of orders; tickets, high priority and dead letters of tickets', () => {
    // Act
    const views = ordersAndTicketsViews();

    // Assess
    expect(views.map((view) => view.totals.map((total) => total.key))).toEqual([
      ['events', 'purchases', 'revenue', 'dead_letters'],
      ['tickets', 'high_priority', 'dead_letters'],
    ]);
    expect(views[1]?.totals[1]).toMatchObject({ aggregation: 'by_priority', group: { priority: 'high' } });
    expect(views[0]?.totals.map((total) => [total.key, total.decimals, total.tone])).toContainEqual(['revenue', 2, 'normal']);
  });

  it('reads each aggregation once per refresh', () => {
    // Act
    const views = ordersAndTicketsViews();

    // Assess
    expect(views.map((view) => view.aggregations)).toEqual([
      ['events_by_type', 'revenue', 'revenue_by_category', 'invalid'],
      ['by_type', 'by_priority', 'by_team', 'invalid'],
    ]);
  });

  it('gives a stream declared without display hints a section from its declaration alone', () => {
    // Act
    const [view] = streamViews(listingOf(tracks));

    // Assess
    expect(view).toMatchObject({
      title: 'tracks',
      charts: [
        { aggregation: 'by_genre', title: 'Tracks per minute by genre, with popularity', measure: 'sum', decimals: 0, countNoun: 'events', groupBy: ['genre'] },
        { aggregation: 'invalid', title: 'Dead letters by reason', measure: 'count', tone: 'bad' },
      ],
      totals: [
        { key: 'events', aggregation: 'by_genre', measure: 'count' },
        { key: 'by_genre', label: 'Tracks per minute by genre, with popularity', aggregation: 'by_genre', measure: 'sum' },
        { key: 'dead_letters', aggregation: 'invalid', measure: 'count', tone: 'bad' },
      ],
      aggregations: ['by_genre', 'invalid'],
    });
  });

  it('drops a total whose aggregation the API does not list', () => {
    // Prepare
    const listing = listStreams();
    const orders = listing.streams[0] as StreamsBody['streams'][number];
    const trimmed: StreamsBody = { ...listing, streams: [{ ...orders, aggregations: orders.aggregations.filter((a) => a.name !== 'revenue') }] };

    // Act
    const [view] = streamViews(trimmed);

    // Assess
    expect(view?.charts.map((chart) => chart.aggregation)).toEqual(['events_by_type', 'revenue_by_category', 'invalid']);
    expect(view?.totals.map((total) => total.key)).toEqual(['events', 'dead_letters']);
  });
});
