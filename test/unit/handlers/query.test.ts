import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { AggregatePoint, AggregatesRepository } from '../../../lambdas/adapters/dynamodb/aggregatesRepository';
import { InvalidCursorError, type EventPage, type EventsRepository } from '../../../lambdas/adapters/dynamodb/eventsRepository';
import { ConfigurationError } from '../../../lambdas/config/errors';
import type { EventObject } from '../../../lambdas/domain/streams/types';
import { createQueryHandler, queryFromEnvironment, type QueryDependencies } from '../../../lambdas/handlers/query';
import { encodeListingCursor } from '../../../lambdas/handlers/query/cursor';
import { httpApiRequest } from '../../helpers/httpApiEvents';
import { conforming } from '../../helpers/openapiConformance';

const NOW = Date.parse('2026-11-25T04:30:00Z');
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const TABLES = { events: 'pulse-events', aggregates: 'pulse-aggregates' };

/** Aggregates held in memory; answers `querySeries` as the repository's contract says, in insertion order. */
class InMemoryAggregates implements Pick<AggregatesRepository, 'querySeries'> {
  readonly calls: { stream: string; aggregation: string; fromMs: number; toMs: number }[] = [];
  private readonly stored: { stream: string; aggregation: string; point: AggregatePoint }[] = [];

  add(stream: string, aggregation: string, point: AggregatePoint): void {
    this.stored.push({ stream, aggregation, point });
  }

  async querySeries(stream: string, aggregation: string, fromMs: number, toMs: number): Promise<AggregatePoint[]> {
    this.calls.push({ stream, aggregation, fromMs, toMs });
    return this.stored
      .filter((entry) => entry.stream === stream && entry.aggregation === aggregation)
      .map((entry) => entry.point)
      .filter((point) => Date.parse(point.windowStart) >= fromMs && Date.parse(point.windowStart) < toMs);
  }
}

/** Events held in memory; pages newest first with an offset as the repository's cursor. */
class InMemoryEvents implements Pick<EventsRepository, 'getEvent' | 'listEvents'> {
  readonly listCalls: { stream: string; fromMs: number; toMs: number; limit: number; cursor?: string }[] = [];
  private readonly stored: { stream: string; eventId: string; eventTimeMs: number; event: EventObject }[] = [];

  add(stream: string, eventId: string, eventTimeMs: number, event: EventObject = { eventId }): void {
    this.stored.push({ stream, eventId, eventTimeMs, event });
  }

  async getEvent(stream: string, eventId: string): Promise<EventObject | undefined> {
    return this.stored.find((entry) => entry.stream === stream && entry.eventId === eventId)?.event;
  }

  async listEvents(stream: string, fromMs: number, toMs: number, limit: number, cursor?: string): Promise<EventPage> {
    this.listCalls.push({ stream, fromMs, toMs, limit, ...(cursor === undefined ? {} : { cursor }) });
    if (cursor !== undefined && !/^\d+$/.test(cursor)) throw new InvalidCursorError('cursor is not one this API returned; start again without it');
    const start = cursor === undefined ? 0 : Number(cursor);
    const matching = this.stored
      .filter((entry) => entry.stream === stream && entry.eventTimeMs >= fromMs && entry.eventTimeMs < toMs)
      .sort((a, b) => b.eventTimeMs - a.eventTimeMs);
    const items = matching.slice(start, start + limit).map((entry) => entry.event);
    return start + limit < matching.length ? { items, cursor: String(start + limit) } : { items };
  }
}

/** A request for `target` (raw path and query string) at NOW. */
function request(target: string, method = 'GET', headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return httpApiRequest(target, { method, headers, timeEpoch: NOW });
}

function setup(overrides: Partial<QueryDependencies> = {}) {
  const aggregates = new InMemoryAggregates();
  const events = new InMemoryEvents();
  const logger = new Logger({ logLevel: 'SILENT' });
  const loggedErrors = jest.spyOn(logger, 'error');
  let now = NOW;
  // Every response of every test is checked against the OpenAPI document the handler serves.
  const handle = conforming(
    createQueryHandler({
    aggregates,
    events,
    ping: async () => undefined,
    now: () => now,
      logger,
      tables: TABLES,
      ...overrides,
    }),
  );
  return { aggregates, events, handle, loggedErrors, setNow: (epochMs: number) => (now = epochMs) };
}

function bodyOf(response: APIGatewayProxyStructuredResultV2): Record<string, unknown> {
  return JSON.parse(response.body as string) as Record<string, unknown>;
}

/** A stored point; `measures` in the stream's unit (money), kept by the repository as cents. */
function point(windowStart: string, group: Record<string, string>, count: number, measures?: { sum: number; min: number; max: number }): AggregatePoint {
  const cents = (value: number) => BigInt(Math.round(value * 100));
  return {
    windowStart,
    windowEnd: new Date(Date.parse(windowStart) + MINUTE).toISOString().replace('.000Z', 'Z'),
    group,
    count,
    ...(measures ? { scale: 2, sum: cents(measures.sum), min: cents(measures.min), max: cents(measures.max) } : {}),
  };
}

describe('query handler: GET /health', () => {
  it('answers 200 with status ok, both table names and the time in UTC', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/health'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ status: 'ok', tables: TABLES, time: '2026-11-25T04:30:00.000Z' });
  });

  it('answers 503 unavailable when the ping fails, keeping the cause out of the answer and in the logs', async () => {
    // Prepare
    const cause = new Error('User: arn:aws:sts::123456789012:assumed-role/x is not authorized');
    const { handle, loggedErrors } = setup({ ping: async () => Promise.reject(cause) });

    // Act
    const response = await handle(request('/health'));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response)).toEqual({ status: 'unavailable', message: expect.any(String) });
    expect(response.body).not.toContain('arn:aws');
    expect(loggedErrors).toHaveBeenCalledWith(expect.anything(), cause);
  });
});

describe('query handler: GET /v1/streams', () => {
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
    });
    expect(orders.aggregations.at(-1)).toMatchObject({ name: 'invalid', groupBy: ['reason'], measures: ['count'] });
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

describe('query handler: GET /v1/streams/{stream}/aggregations/{aggregation}', () => {
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

  it('reads times with an offset as UTC, keeping an unencoded + as the offset sign', async () => {
    // Prepare
    const { handle, aggregates } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue?from=2026-11-25T05:00:00+01:00&to=2026-11-25T06:00:00%2B01:00'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(aggregates.calls).toEqual([
      { stream: 'orders', aggregation: 'revenue', fromMs: Date.parse('2026-11-25T04:00:00Z'), toMs: Date.parse('2026-11-25T05:00:00Z') },
    ]);
    expect(bodyOf(response)).toMatchObject({ from: '2026-11-25T04:00:00Z', to: '2026-11-25T05:00:00Z' });
  });

  it('defaults to the last hour ending now', async () => {
    // Prepare
    const { handle, aggregates } = setup();

    // Act
    await handle(request('/v1/streams/orders/aggregations/revenue'));

    // Assess
    expect(aggregates.calls[0]).toMatchObject({ fromMs: NOW - HOUR, toMs: NOW });
  });

  it('ends the range one hour after from when only from is given', async () => {
    // Prepare
    const { handle, aggregates } = setup();

    // Act
    await handle(request('/v1/streams/orders/aggregations/revenue?from=2026-11-20T10:00:00Z'));

    // Assess
    expect(aggregates.calls[0]).toMatchObject({ fromMs: Date.parse('2026-11-20T10:00:00Z'), toMs: Date.parse('2026-11-20T11:00:00Z') });
  });

  it('starts the range one hour before to when only to is given', async () => {
    // Prepare
    const { handle, aggregates } = setup();

    // Act
    await handle(request('/v1/streams/orders/aggregations/revenue?to=2026-11-20T10:00:00Z'));

    // Assess
    expect(aggregates.calls[0]).toMatchObject({ fromMs: Date.parse('2026-11-20T09:00:00Z'), toMs: Date.parse('2026-11-20T10:00:00Z') });
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

  it('returns 400 naming `format` when it is neither json nor csv', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue?format=xml'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('format: must be json or csv');
  });

  it('returns 400 naming `from` when it has no zone', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue?from=2026-11-25T04:00:00'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('from: has no time zone; add Z (UTC) or an offset such as +01:00, e.g. 2026-11-25T04:00:00Z');
  });

  it('returns 400 naming `to` when it is not an ISO-8601 date-time', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue?to=yesterday'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('to: must be an ISO-8601 date-time with a zone, e.g. 2026-11-25T04:00:00Z');
  });

  it('returns 400 naming `from` and `to` when from is not before to', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue?from=2026-11-25T04:00:00Z&to=2026-11-25T04:00:00Z'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('from (2026-11-25T04:00:00Z) must be before to (2026-11-25T04:00:00Z); the range is [from, to)');
  });

  it('returns 400 stating the 31-day limit when the range is longer', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:01Z'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('from and to are 31.0 days apart; the limit is 31 days per request');
  });

  it('accepts a range of exactly 31 days', async () => {
    // Prepare
    const { handle, aggregates } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(aggregates.calls[0]).toMatchObject({ toMs: Date.parse('2026-10-01T00:00:00Z') + 31 * DAY });
  });

  it('returns 400 naming unknown parameters and listing the accepted ones', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue?start=2026-11-25T04:00:00Z&step=5m'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('unknown parameters start, step; this route accepts from, to, group, format');
  });

  it('returns 400 naming a parameter given twice', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue_by_category?group=books&group=toys'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('group: given more than once; give it once');
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

describe('query handler: GET /v1/streams/{stream}/aggregations/{aggregation}/top', () => {
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

describe('query handler: GET /v1/streams/{stream}/events/{eventId}', () => {
  it('returns the enriched event', async () => {
    // Prepare
    const { handle, events } = setup();
    const enriched = { eventId: 'ord-1', type: 'purchase', amount: 39.98, category: 'books' };
    events.add('orders', 'ord-1', NOW, enriched);

    // Act
    const response = await handle(request('/v1/streams/orders/events/ord-1'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual(enriched);
  });

  it('decodes a percent-encoded event id, keeping an encoded slash inside the id', async () => {
    // Prepare
    const { handle, events } = setup();
    events.add('tickets', 't-é 1/2', NOW);

    // Act
    const response = await handle(request('/v1/streams/tickets/events/t-%C3%A9%201%2F2'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ eventId: 't-é 1/2' });
  });

  it('returns 404 naming the event when it is absent', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/events/ord-404'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({ error: 'not_found', message: 'stream orders has no event "ord-404"; it was never valid or has expired' });
  });

  it('returns 404 listing the streams for an unknown stream', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/payments/events/p-1'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).message).toBe('unknown stream "payments"; the streams are orders, tickets, sales, tracks');
  });

  it('returns 400 naming `eventId` when it is longer than any key DynamoDB accepts', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request(`/v1/streams/orders/events/${'x'.repeat(1025)}`));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('eventId: must be at most 1024 bytes');
  });
});

describe('query handler: GET /v1/streams/{stream}/events', () => {
  function addMinutely(events: InMemoryEvents, count: number): void {
    for (let index = 0; index < count; index += 1) events.add('orders', `ord-${index}`, NOW - HOUR + index * MINUTE, { eventId: `ord-${index}` });
  }

  it('returns the last hour newest first, 50 by default, with a cursor when there are more', async () => {
    // Prepare
    const { handle, events } = setup();
    addMinutely(events, 60);

    // Act
    const response = await handle(request('/v1/streams/orders/events'));

    // Assess
    const body = bodyOf(response) as { items: { eventId: string }[]; cursor?: string };
    expect(response.statusCode).toBe(200);
    expect(body.items).toHaveLength(50);
    expect(body.items[0]).toEqual({ eventId: 'ord-59' });
    expect(body.cursor).toEqual(expect.any(String));
    expect(events.listCalls[0]).toEqual({ stream: 'orders', fromMs: NOW - HOUR, toMs: NOW, limit: 50 });
  });

  it('continues with the cursor in the range of the first page, even after the clock moved, and ends without a cursor', async () => {
    // Prepare
    const { handle, events, setNow } = setup();
    addMinutely(events, 60);
    const first = bodyOf(await handle(request('/v1/streams/orders/events?limit=40'))) as { cursor: string };
    setNow(NOW + 10 * MINUTE);

    // Act
    const response = await handle(request(`/v1/streams/orders/events?limit=40&cursor=${first.cursor}`));

    // Assess
    const body = bodyOf(response) as { items: { eventId: string }[]; cursor?: string };
    expect(body.items.map((item) => item.eventId)).toEqual(Array.from({ length: 20 }, (_, index) => `ord-${19 - index}`));
    expect(body).not.toHaveProperty('cursor');
    expect(events.listCalls[1]).toEqual({ stream: 'orders', fromMs: NOW - HOUR, toMs: NOW, limit: 40, cursor: '40' });
  });

  it('returns 400 naming `cursor` when it is not one the API returned', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/events?cursor=bm9wZQ'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('cursor: not a cursor this API returned; start again without it');
  });

  it('returns 400 naming `cursor` when it belongs to another stream', async () => {
    // Prepare
    const { handle } = setup();
    const cursor = encodeListingCursor({ stream: 'tickets', fromMs: NOW - HOUR, toMs: NOW, page: '40' });

    // Act
    const response = await handle(request(`/v1/streams/orders/events?cursor=${cursor}`));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('cursor: belongs to the listing of stream tickets, not orders');
  });

  it('returns 400 naming `from` when it differs from the range of the cursor', async () => {
    // Prepare
    const { handle } = setup();
    const cursor = encodeListingCursor({ stream: 'orders', fromMs: NOW - HOUR, toMs: NOW, page: '40' });

    // Act
    const response = await handle(request(`/v1/streams/orders/events?from=2026-11-25T00:00:00Z&cursor=${cursor}`));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toMatch(/^from: differs from the range the cursor was made for/);
  });

  it('returns 400 naming `cursor` when the repository refuses its page cursor', async () => {
    // Prepare
    const { handle } = setup();
    const cursor = encodeListingCursor({ stream: 'orders', fromMs: NOW - HOUR, toMs: NOW, page: 'forged' });

    // Act
    const response = await handle(request(`/v1/streams/orders/events?cursor=${cursor}`));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('cursor: cursor is not one this API returned; start again without it');
  });

  it('returns 400 naming `cursor` when DynamoDB refuses the start key it holds', async () => {
    // Prepare
    const refused = Object.assign(new Error('The provided starting key is invalid'), { name: 'ValidationException' });
    const events = { getEvent: async () => undefined, listEvents: async () => Promise.reject(refused) };
    const { handle } = setup({ events });
    const cursor = encodeListingCursor({ stream: 'orders', fromMs: NOW - HOUR, toMs: NOW, page: 'edited' });

    // Act
    const response = await handle(request(`/v1/streams/orders/events?cursor=${cursor}`));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('cursor: not a cursor this API returned; start again without it');
  });

  it('returns 400 naming `limit` when it is over 500', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/events?limit=501'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('limit: must be a whole number from 1 to 500');
  });

  it('returns CSV with the union of the page keys, nested values as JSON and the cursor in x-next-cursor', async () => {
    // Prepare
    const { handle, events } = setup();
    events.add('orders', 'a', NOW - 2 * MINUTE, { eventId: 'a', type: 'view', tags: ['new', 'sale'] });
    events.add('orders', 'b', NOW - MINUTE, { eventId: 'b', type: 'purchase', amount: 19.99, note: 'gift, "wrapped"' });
    events.add('orders', 'c', NOW - 3 * MINUTE, { eventId: 'c', type: 'view' });

    // Act
    const response = await handle(request('/v1/streams/orders/events?format=csv&limit=2'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({
      'content-type': 'text/csv; charset=utf-8',
      'cache-control': 'no-store',
      'x-next-cursor': expect.any(String),
    });
    expect(response.body).toBe(
      'eventId,type,amount,note,tags\r\n' + 'b,purchase,19.99,"gift, ""wrapped""",\r\n' + 'a,view,,,"[""new"",""sale""]"\r\n',
    );
  });
});

describe('query handler: routing and failures', () => {
  it('returns 404 listing the routes for an unknown path', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v2/streams'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({ error: 'not_found', message: expect.stringContaining('GET /v1/streams/{stream}/events/{eventId}') });
  });

  it('returns 405 with allow: GET for a POST on a known route', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/events', 'POST'));

    // Assess
    expect(response.statusCode).toBe(405);
    expect(response.headers).toMatchObject({ allow: 'GET', 'content-type': 'application/json; charset=utf-8' });
    expect(bodyOf(response).error).toBe('method_not_allowed');
  });

  it('returns 400 for a path segment that is not valid percent-encoding', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/events/%E0%A4%A'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('path segment "%E0%A4%A" is not valid percent-encoding (UTF-8 bytes as %XX)');
  });

  it('returns 400 naming a parameter that is not valid percent-encoding', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue_by_category?group=%FF'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('parameter group is not valid percent-encoding (UTF-8 bytes as %XX)');
  });

  it('returns 400 naming a parameter of a route that takes none', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams?verbose=1'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('unknown parameter verbose; this route takes no parameters');
  });

  it('reads queryStringParameters when a hand-built request has no raw query string', async () => {
    // Prepare
    const { handle, aggregates } = setup();
    const event = { ...request('/v1/streams/orders/aggregations/revenue'), queryStringParameters: { from: '2026-11-20T10:00:00Z' } };

    // Act
    await handle(event);

    // Assess
    expect(aggregates.calls[0]).toMatchObject({ fromMs: Date.parse('2026-11-20T10:00:00Z') });
  });

  it('returns 500 with a generic message when a repository fails, logging the error and the route only', async () => {
    // Prepare
    const failure = new Error('ProvisionedThroughputExceededException on table pulse-aggregates');
    const { handle, loggedErrors } = setup({ aggregates: { querySeries: async () => Promise.reject(failure) } });

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({ error: 'internal_error', message: 'the query failed unexpectedly; try again later' });
    expect(loggedErrors).toHaveBeenCalledWith({ message: 'query failed unexpectedly', route: 'series', method: 'GET' }, failure);
  });
});

describe('query handler: GET / (the dashboard)', () => {
  it('serves the page as HTML with a policy that allows its own origin only, revalidated by ETag', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': expect.stringMatching(/^default-src 'self';/),
      'cache-control': 'no-cache',
      etag: expect.stringMatching(/^"[0-9a-f]{20}"$/),
    });
    expect(response.body).toMatch(/^<!doctype html>/);
  });

  it('answers 304 without a body when If-None-Match names the current ETag', async () => {
    // Prepare
    const { handle } = setup();
    const { headers } = await handle(request('/'));

    // Act
    const response = await handle(request('/', 'GET', { 'if-none-match': `W/"other", ${String(headers?.etag)}` }));

    // Assess
    expect(response.statusCode).toBe(304);
    expect(response.body).toBe('');
    expect(response.headers).toMatchObject({ etag: headers?.etag, 'cache-control': 'no-cache' });
  });

  it('returns 400 naming a parameter, since the page takes none', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/?range=1h'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('unknown parameter range; this route takes no parameters');
  });
});

describe('query handler: GET /assets/{file}', () => {
  it('serves every asset the page names with its content type, cached for a year as immutable', async () => {
    // Prepare
    const { handle } = setup();
    const page = await handle(request('/'));
    const names = [...String(page.body).matchAll(/"assets\/([^"]+)"/g)].map((match) => match[1] as string);

    // Act
    const responses = await Promise.all(names.map((name) => handle(request(`/assets/${name}`))));

    // Assess
    expect(names.map((name) => name.split('.').pop())).toEqual(expect.arrayContaining(['js', 'css', 'svg']));
    for (const [index, response] of responses.entries()) {
      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject({
        'content-type': { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' }[String(names[index]?.split('.').pop())],
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      });
    }
  });

  it('returns 404 saying to reload for an asset name of another build', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/assets/dashboard.0000000000.js'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).message).toBe('no dashboard asset "dashboard.0000000000.js"; reload the page at / to get the current ones');
  });
});

describe('query handler: GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document of this API, with a server on the same origin', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/openapi.json'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ openapi: '3.1.0', servers: [{ url: '/' }], info: { title: 'Pulse query API' } });
  });
});

describe('queryFromEnvironment', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const environment = { EVENTS_TABLE: 'env-events', AGGREGATES_TABLE: 'env-aggregates', AWS_REGION: 'eu-west-1' };
  const savedLogLevel = process.env.POWERTOOLS_LOG_LEVEL;

  // The handler's own Logger reads its level from the process environment.
  beforeAll(() => (process.env.POWERTOOLS_LOG_LEVEL = 'SILENT'));
  beforeEach(() => dynamo.reset());
  afterAll(() => {
    dynamo.restore();
    if (savedLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = savedLogLevel;
  });

  it('throws a ConfigurationError naming EVENTS_TABLE when it is not set', () => {
    // Act
    const build = () => queryFromEnvironment({ AGGREGATES_TABLE: 'env-aggregates' });

    // Assess
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow('EVENTS_TABLE: not set; the query API reads enriched events from this DynamoDB table');
  });

  it('pings the aggregates table with a GetItem on a key that does not exist and reports the table names', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});
    const query = queryFromEnvironment(environment);

    // Act
    const response = await query.invoke(request('/health'));
    await query.close();

    // Assess
    expect(bodyOf(response)).toMatchObject({ status: 'ok', tables: { events: 'env-events', aggregates: 'env-aggregates' } });
    const calls = dynamo.commandCalls(GetCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ TableName: 'env-aggregates', Key: { pk: '#pulse-health-probe', sk: '#pulse-health-probe' } });
  });

  it('reads every route with Query and GetItem only, never a Scan', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(GetCommand).resolves({});
    const query = queryFromEnvironment(environment);
    const range = 'from=2026-11-20T00:00:00Z&to=2026-11-22T12:00:00Z';
    const targets = [
      `/v1/streams/orders/aggregations/revenue?${range}`,
      `/v1/streams/orders/aggregations/revenue_by_category/top?${range}`,
      `/v1/streams/orders/events?${range}`,
      '/v1/streams/orders/events/o-1',
      '/health',
      '/',
      '/openapi.json',
    ];

    // Act
    const responses = await Promise.all(targets.map((target) => query.invoke(request(target))));
    await query.close();

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 404, 200, 200, 200]);
    const commands = new Set(dynamo.calls().map((call) => (call.args[0] as object).constructor.name));
    expect(commands).toEqual(new Set(['QueryCommand', 'GetCommand']));
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('answers 503 when DynamoDB refuses the ping', async () => {
    // Prepare
    dynamo.on(GetCommand).rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));
    const query = queryFromEnvironment(environment);

    // Act
    const response = await query.invoke(request('/health'));

    // Assess
    expect(response.statusCode).toBe(503);
  });
});
