import { InvalidPositionError } from '../../../../../lambdas/adapters/dynamodb/eventsRepository';
import { LosslessNumber } from '../../../../../lambdas/domain/eventJson';
import { encodeListingCursor } from '../../../../../lambdas/handlers/query/cursor';
import { bodyOf, HOUR, InMemoryEvents, MINUTE, NOW, request, setup } from '../../../../helpers/queryApi';

describe('GET /v1/streams/{stream}/events/{eventId}', () => {
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

  it('writes numbers kept as text digit for digit, as they were sent', async () => {
    // Prepare
    const { handle, events } = setup();
    events.add('orders', 'ord-1', NOW, { eventId: 'ord-1', big: new LosslessNumber('9007199254740993'), huge: [new LosslessNumber('1e400')], amount: 19.99 });

    // Act
    const response = await handle(request('/v1/streams/orders/events/ord-1'));

    // Assess
    expect(response.body).toBe('{"eventId":"ord-1","big":9007199254740993,"huge":[1e400],"amount":19.99}');
  });

  it('keeps a plus in an event id a plus, as paths do', async () => {
    // Prepare
    const { handle, events } = setup();
    events.add('tickets', 'a+b', NOW);

    // Act
    const response = await handle(request('/v1/streams/tickets/events/a+b'));

    // Assess
    expect(bodyOf(response)).toEqual({ eventId: 'a+b' });
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

describe('GET /v1/streams/{stream}/events', () => {
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
    expect(events.listCalls[1]).toEqual({ stream: 'orders', fromMs: NOW - HOUR, toMs: NOW, limit: 40, after: { eventTimeMs: NOW - HOUR + 20 * MINUTE, eventId: 'ord-20' } });
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
    const cursor = encodeListingCursor({ stream: 'tickets', fromMs: NOW - HOUR, toMs: NOW, after: { eventTimeMs: NOW - 30 * MINUTE, eventId: 'ord-30' } });

    // Act
    const response = await handle(request(`/v1/streams/orders/events?cursor=${cursor}`));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('cursor: belongs to the listing of stream tickets, not orders');
  });

  it('returns 400 naming `from` when it differs from the range of the cursor', async () => {
    // Prepare
    const { handle } = setup();
    const cursor = encodeListingCursor({ stream: 'orders', fromMs: NOW - HOUR, toMs: NOW, after: { eventTimeMs: NOW - 30 * MINUTE, eventId: 'ord-30' } });

    // Act
    const response = await handle(request(`/v1/streams/orders/events?from=2026-11-25T00:00:00Z&cursor=${cursor}`));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toMatch(/^from: differs from the range the cursor was made for/);
  });

  it('returns 400 naming `cursor` when the repository refuses the position it holds', async () => {
    // Prepare
    const events = { getEvent: async () => undefined, listEvents: async () => Promise.reject(new InvalidPositionError('DynamoDB refused the position')) };
    const { handle } = setup({ events });
    const cursor = encodeListingCursor({ stream: 'orders', fromMs: NOW - HOUR, toMs: NOW, after: { eventTimeMs: NOW - MINUTE, eventId: 'edited' } });

    // Act
    const response = await handle(request(`/v1/streams/orders/events?cursor=${cursor}`));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('cursor: not a cursor this API returned; start again without it');
  });

  it('writes the numbers of listed events kept as text digit for digit', async () => {
    // Prepare
    const { handle, events } = setup();
    events.add('orders', 'ord-1', NOW - MINUTE, { eventId: 'ord-1', quantity: new LosslessNumber('12345678901234567890') });

    // Act
    const response = await handle(request('/v1/streams/orders/events'));

    // Assess
    expect(response.body).toBe('{"items":[{"eventId":"ord-1","quantity":12345678901234567890}]}');
  });

  it('returns 400 advising a lower limit when a page would not fit one Lambda response, without the next cursor', async () => {
    // Prepare
    const { handle, events } = setup();
    for (let index = 0; index < 501; index += 1) events.add('orders', `ord-${index}`, NOW - HOUR + index * 1000, { eventId: `ord-${index}`, note: 'x'.repeat(13_000) });

    // Act
    const response = await handle(request('/v1/streams/orders/events?limit=500&format=csv'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toMatch(/^the answer would be \d+\.\d MiB, more than the 6 MiB one response can carry; lower limit/);
    expect(response.headers).not.toHaveProperty('x-next-cursor');
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
