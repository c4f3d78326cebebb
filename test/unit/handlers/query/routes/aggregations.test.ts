import type { AggregatePoint } from '../../../../../lambdas/domain/aggregatePoint';
import { bodyOf, MINUTE, point, request, setup } from '../../../../helpers/queryApi';

describe('GET /v1/streams', () => {
  it('lists every stream with its aggregations, groups and measures, invalid last', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams'));

    // Assess
    expect(response.statusCode).toBe(200);
    const { streams } = bodyOf(response) as { streams: { name: string; aggregations: { name: string }[] }[] };
    expect(streams.map((stream) => stream.name)).toEqual(['orders', 'tickets', 'sales', 'tracks']);
    const orders = streams[0] as { aggregations: unknown[] };
    expect(orders.aggregations).toContainEqual({
      name: 'revenue_by_category',
      description: 'Revenue per minute by category',
      groupBy: ['category'],
      measures: ['count', 'sum', 'min', 'max'],
      display: { title: 'Revenue by category', unit: 'purchases', chart: 'sum', seriesLabel: 'revenue_by_category', groupOrder: [], decimals: 2, tone: 'normal' },
    });
    expect(orders.aggregations.at(-1)).toMatchObject({ name: 'invalid', groupBy: ['reason'], measures: ['count'], display: { tone: 'bad' } });
  });

  it('gives each stream its dashboard title and totals, dead letters last, and states the longest range', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const body = bodyOf(await handle(request('/v1/streams'))) as { streams: { display: { title: string; totals: { key: string }[] } }[]; limits: unknown };

    // Assess
    expect(body.streams.map(({ display }) => [display.title, display.totals.map((total) => total.key)])).toEqual([
      ['Orders', ['events', 'purchases', 'revenue', 'dead_letters']],
      ['Support tickets', ['tickets', 'high_priority', 'dead_letters']],
      ['sales', ['events', 'revenue_by_category', 'revenue_by_channel', 'stock_movements_by_type', 'dead_letters']],
      ['tracks', ['events', 'by_genre', 'dead_letters']],
    ]);
    expect(body.limits).toEqual({ maxRangeDays: 31 });
  });

  it('answers JSON that no cache may keep', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams'));

    // Assess
    expect(response.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  });
});

describe('GET /v1/streams/{stream}/aggregations/{aggregation}', () => {
  const range = 'from=2026-11-24T23:58:00Z&to=2026-11-25T00:02:00Z';

  it('returns the points of [from, to) sorted by window start, then by group, across day partitions', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    aggregates.add('orders', 'events_by_type', point('2026-11-25T00:00:00Z', { type: 'view' }, 5));
    aggregates.add('orders', 'events_by_type', point('2026-11-25T00:00:00Z', { type: 'add_to_cart' }, 2));
    aggregates.add('orders', 'events_by_type', point('2026-11-24T23:59:00Z', { type: 'purchase' }, 1));
    aggregates.add('orders', 'events_by_type', point('2026-11-25T00:02:00Z', { type: 'view' }, 9));

    // Act
    const response = await handle(request(`/v1/streams/orders/aggregations/events_by_type?${range}`));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      stream: 'orders',
      aggregation: 'events_by_type',
      from: '2026-11-24T23:58:00Z',
      to: '2026-11-25T00:02:00Z',
      points: [
        { windowStart: '2026-11-24T23:59:00Z', windowEnd: '2026-11-25T00:00:00Z', group: { type: 'purchase' }, count: 1 },
        { windowStart: '2026-11-25T00:00:00Z', windowEnd: '2026-11-25T00:01:00Z', group: { type: 'add_to_cart' }, count: 2 },
        { windowStart: '2026-11-25T00:00:00Z', windowEnd: '2026-11-25T00:01:00Z', group: { type: 'view' }, count: 5 },
      ],
    });
  });

  it('returns an empty group and sum, min and max for an ungrouped measured aggregation', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    aggregates.add('orders', 'revenue', point('2026-11-25T00:00:00Z', {}, 2, { sum: 59.97, min: 19.99, max: 39.98 }));

    // Act
    const response = await handle(request(`/v1/streams/orders/aggregations/revenue?${range}`));

    // Assess
    expect(bodyOf(response).points).toEqual([
      { windowStart: '2026-11-25T00:00:00Z', windowEnd: '2026-11-25T00:01:00Z', group: {}, count: 2, sum: '59.97', min: '19.99', max: '39.98' },
    ]);
  });

  it('filters to one group with group=<value>, percent-decoding the value', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    aggregates.add('orders', 'revenue_by_category', point('2026-11-25T00:00:00Z', { category: 'rosé wine' }, 1, { sum: 7.5, min: 7.5, max: 7.5 }));
    aggregates.add('orders', 'revenue_by_category', point('2026-11-25T00:00:00Z', { category: 'books' }, 1, { sum: 5, min: 5, max: 5 }));

    // Act
    const response = await handle(request(`/v1/streams/orders/aggregations/revenue_by_category?${range}&group=ros%C3%A9%20wine`));

    // Assess
    expect((bodyOf(response).points as AggregatePoint[]).map((p) => p.group)).toEqual([{ category: 'rosé wine' }]);
  });

  it('returns 400 naming `group` when the aggregation has no groups', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue?group=books'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ error: 'bad_request', message: 'group: orders/revenue has no groups; omit group' });
  });

  it('returns 400 listing the reasons when `group` of invalid is no invalid reason', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/invalid?group=late'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toMatch(/^group: "late" is no invalid reason; the reasons are bad_encoding, .*too_late, too_early, unprocessable$/);
  });

  it('filters invalid records by a known reason', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    aggregates.add('tickets', 'invalid', point('2026-11-25T00:00:00Z', { reason: 'schema' }, 3));
    aggregates.add('tickets', 'invalid', point('2026-11-25T00:00:00Z', { reason: 'too_late' }, 1));

    // Act
    const response = await handle(request(`/v1/streams/tickets/aggregations/invalid?${range}&group=too_late`));

    // Assess
    expect(bodyOf(response).points).toEqual([expect.objectContaining({ group: { reason: 'too_late' }, count: 1 })]);
  });

  it('returns 404 listing the streams for an unknown stream', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/payments/aggregations/revenue'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({ error: 'not_found', message: 'unknown stream "payments"; the streams are orders, tickets, sales, tracks' });
  });

  it('returns 404 listing the aggregations for an unknown aggregation', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/tickets/aggregations/revenue'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).message).toBe('stream tickets has no aggregation "revenue"; its aggregations are by_type, by_priority, by_team, invalid');
  });

  it('returns CSV with a column per group dimension and the measures, quoting as RFC 4180 says', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    aggregates.add('orders', 'revenue_by_category', point('2026-11-25T00:00:00Z', { category: 'home, "garden"' }, 2, { sum: 30.5, min: 10.25, max: 20.25 }));
    aggregates.add('orders', 'revenue_by_category', point('2026-11-25T00:00:00Z', { category: 'books' }, 1, { sum: 5, min: 5, max: 5 }));

    // Act
    const response = await handle(request(`/v1/streams/orders/aggregations/revenue_by_category?${range}&format=csv`));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store' });
    expect(response.body).toBe(
      'windowStart,windowEnd,category,count,sum,min,max\r\n' +
        '2026-11-25T00:00:00Z,2026-11-25T00:01:00Z,books,1,5,5,5\r\n' +
        '2026-11-25T00:00:00Z,2026-11-25T00:01:00Z,"home, ""garden""",2,30.5,10.25,20.25\r\n',
    );
  });

  it('returns CSV without measure columns for a count-only aggregation', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    aggregates.add('tickets', 'by_team', point('2026-11-25T00:00:00Z', { team: 'Customer Care' }, 4));

    // Act
    const response = await handle(request(`/v1/streams/tickets/aggregations/by_team?${range}&format=csv`));

    // Assess
    expect(response.body).toBe('windowStart,windowEnd,team,count\r\n2026-11-25T00:00:00Z,2026-11-25T00:01:00Z,Customer Care,4\r\n');
  });

  it('returns 400 advising a narrower range when the series would not fit one Lambda response', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    const fromMs = Date.parse('2026-11-01T00:00:00Z');
    for (let minute = 0; minute < 10_000; minute += 1) {
      for (const category of ['books', 'electronics', 'home & garden', 'rosé wine', 'sports', 'toys']) {
        const windowStart = new Date(fromMs + minute * MINUTE).toISOString().replace('.000Z', 'Z');
        aggregates.add('orders', 'revenue_by_category', point(windowStart, { category }, 12, { sum: 1234.56, min: 4.99, max: 999.99 }));
      }
    }

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue_by_category?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toMatch(/^the answer would be \d+\.\d MiB, more than the 6 MiB one response can carry; narrow the range/);
  });
});
