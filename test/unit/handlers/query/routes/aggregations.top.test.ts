import { bodyOf, InMemoryAggregates, MINUTE, point, request, setup } from '../../../../helpers/queryApi';

describe('GET /v1/streams/{stream}/aggregations/{aggregation}/top', () => {
  const range = 'from=2026-11-25T00:00:00Z&to=2026-11-25T01:00:00Z';

  function addRevenue(aggregates: InMemoryAggregates, minute: number, category: string, sum: number, count = 1): void {
    const windowStart = new Date(Date.parse('2026-11-25T00:00:00Z') + minute * MINUTE).toISOString().replace('.000Z', 'Z');
    aggregates.add('orders', 'revenue_by_category', point(windowStart, { category }, count, { sum, min: sum, max: sum }));
  }

  it('ranks groups by their count over the range, largest first, with sums exact to the cent', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    // Ten minutes of 0.10 add up to 0.9999999999999999 in binary floating point.
    for (let minute = 0; minute < 10; minute += 1) addRevenue(aggregates, minute, 'books', 0.1);
    addRevenue(aggregates, 3, 'toys', 19.99, 2);

    // Act
    const response = await handle(request(`/v1/streams/orders/aggregations/revenue_by_category/top?${range}`));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      stream: 'orders',
      aggregation: 'revenue_by_category',
      from: '2026-11-25T00:00:00Z',
      to: '2026-11-25T01:00:00Z',
      by: 'count',
      items: [
        { group: { category: 'books' }, count: 10, sum: '1' },
        { group: { category: 'toys' }, count: 2, sum: '19.99' },
      ],
    });
  });

  it('ranks by sum with by=sum', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    for (let minute = 0; minute < 10; minute += 1) addRevenue(aggregates, minute, 'books', 0.1);
    addRevenue(aggregates, 3, 'toys', 19.99, 2);

    // Act
    const response = await handle(request(`/v1/streams/orders/aggregations/revenue_by_category/top?${range}&by=sum`));

    // Assess
    expect((bodyOf(response).items as { group: unknown }[]).map((item) => item.group)).toEqual([{ category: 'toys' }, { category: 'books' }]);
  });

  it('returns ten groups by default and `limit` groups when given, ties in group order', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    for (let index = 0; index < 12; index += 1) addRevenue(aggregates, 0, `category-${String(index).padStart(2, '0')}`, 1);

    // Act
    const byDefault = await handle(request(`/v1/streams/orders/aggregations/revenue_by_category/top?${range}`));
    const limited = await handle(request(`/v1/streams/orders/aggregations/revenue_by_category/top?${range}&limit=2`));

    // Assess
    expect((bodyOf(byDefault).items as unknown[]).length).toBe(10);
    expect(bodyOf(limited).items).toEqual([
      { group: { category: 'category-00' }, count: 1, sum: '1' },
      { group: { category: 'category-01' }, count: 1, sum: '1' },
    ]);
  });

  it('ranks the groups of a count-only aggregation without a sum', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    aggregates.add('tickets', 'by_priority', point('2026-11-25T00:00:00Z', { priority: 'low' }, 3));
    aggregates.add('tickets', 'by_priority', point('2026-11-25T00:01:00Z', { priority: 'high' }, 1));
    aggregates.add('tickets', 'by_priority', point('2026-11-25T00:01:00Z', { priority: 'low' }, 2));

    // Act
    const response = await handle(request(`/v1/streams/tickets/aggregations/by_priority/top?${range}`));

    // Assess
    expect(bodyOf(response).items).toEqual([
      { group: { priority: 'low' }, count: 5 },
      { group: { priority: 'high' }, count: 1 },
    ]);
  });

  it('returns 400 naming `by` when by=sum on a count-only aggregation', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/tickets/aggregations/by_team/top?by=sum'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('by: tickets/by_team only counts events, it has no sum; use by=count');
  });

  it('returns 400 when the aggregation has no groups to rank', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue/top'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('orders/revenue has no groups to rank; read its series instead');
  });

  it.each(['0', '101', 'ten', '2.5'])('returns 400 naming `limit` when it is %s', async (limit) => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request(`/v1/streams/orders/aggregations/revenue_by_category/top?limit=${limit}`));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('limit: must be a whole number from 1 to 100');
  });

  it('returns 400 naming `by` when it is neither count nor sum', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue_by_category/top?by=max'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('by: must be count or sum');
  });

  it('returns 400 naming `format`, which the ranking does not take', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue_by_category/top?format=csv'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('unknown parameter format; this route accepts from, to, by, limit');
  });
});
