import { listStreams } from '../../../lambdas/handlers/query/catalogue';
import type { StreamsBody } from '../../../lambdas/handlers/query/schemas';
import { streamViews } from '../../../dashboard/src/presentation';

describe('streamViews', () => {
  it('shows the design’s named charts of orders and tickets, the others’ by their descriptions, and every stream’s dead letters', () => {
    // Act
    const views = streamViews(listStreams());

    // Assess
    expect(views.map((view) => [view.name, view.charts.map((chart) => chart.title), view.deadLetters.aggregation])).toEqual([
      ['orders', ['Events by type', 'Revenue per minute', 'Revenue by category'], 'invalid'],
      ['tickets', ['Tickets by type', 'Tickets by priority', 'Tickets by team'], 'invalid'],
      [
        'sales',
        [
          'Net revenue per minute by wine category (order lines)',
          'Net revenue per minute by sales channel (order lines)',
          'Stock adjustments per minute by type, with the net bottles moved',
        ],
        'invalid',
      ],
      ['tracks', ['Tracks per minute by genre, with their popularity (0–100; average = sum ÷ count)', 'Tracks per minute by mood quadrant of valence and energy'], 'invalid'],
    ]);
  });

  it('charts revenue as the sum and counts everything else', () => {
    // Act
    const [orders] = streamViews(listStreams());

    // Assess
    expect(orders?.charts.map((chart) => [chart.aggregation, chart.measure])).toEqual([
      ['events_by_type', 'count'],
      ['revenue', 'sum'],
      ['revenue_by_category', 'sum'],
    ]);
  });

  it('totals events, purchases, revenue and dead letters of orders; tickets, high priority and dead letters of tickets; the others generically', () => {
    // Act
    const views = streamViews(listStreams());

    // Assess
    expect(views.map((view) => view.totals.map((total) => total.key))).toEqual([
      ['events', 'purchases', 'revenue', 'dead_letters'],
      ['tickets', 'high_priority', 'dead_letters'],
      ['events', 'revenue_by_category', 'revenue_by_channel', 'stock_movements_by_type', 'dead_letters'],
      ['events', 'by_genre', 'dead_letters'],
    ]);
    expect(views[1]?.totals[1]).toMatchObject({ aggregation: 'by_priority', group: { priority: 'high' } });
  });

  it('reads each aggregation once per refresh', () => {
    // Act
    const views = streamViews(listStreams());

    // Assess
    expect(views.map((view) => view.aggregations)).toEqual([
      ['events_by_type', 'revenue', 'revenue_by_category', 'invalid'],
      ['by_type', 'by_priority', 'by_team', 'invalid'],
      ['revenue_by_category', 'revenue_by_channel', 'stock_movements_by_type', 'invalid'],
      ['by_genre', 'by_mood', 'invalid'],
    ]);
  });

  it('shows a stream it has no words for from its listing alone', () => {
    // Prepare
    const listing: StreamsBody = {
      streams: [
        {
          name: 'tracks',
          description: 'Music catalogue replayed from CSV',
          aggregations: [
            { name: 'by_genre', description: 'Tracks per minute by genre, with popularity', groupBy: ['genre'], measures: ['count', 'sum', 'min', 'max'] },
            { name: 'invalid', description: 'Invalid records', groupBy: ['reason'], measures: ['count'] },
          ],
        },
      ],
    };

    // Act
    const [tracks] = streamViews(listing);

    // Assess
    expect(tracks).toMatchObject({
      title: 'tracks',
      charts: [{ aggregation: 'by_genre', title: 'Tracks per minute by genre, with popularity', measure: 'sum', groupBy: ['genre'] }],
      totals: [
        { key: 'events', aggregation: 'by_genre', measure: 'count' },
        { key: 'by_genre', aggregation: 'by_genre', measure: 'sum' },
        { key: 'dead_letters', aggregation: 'invalid' },
      ],
      aggregations: ['by_genre', 'invalid'],
    });
  });

  it('drops a named chart or total whose aggregation the API no longer lists', () => {
    // Prepare
    const listing = listStreams();
    const orders = listing.streams[0] as StreamsBody['streams'][number];
    const trimmed: StreamsBody = { streams: [{ ...orders, aggregations: orders.aggregations.filter((a) => a.name !== 'revenue') }] };

    // Act
    const [view] = streamViews(trimmed);

    // Assess
    expect(view?.charts.map((chart) => chart.aggregation)).toEqual(['events_by_type', 'revenue_by_category']);
    expect(view?.totals.map((total) => total.key)).toEqual(['events', 'dead_letters']);
  });
});
