import { bodyOf, HOUR, NOW, request, setup } from '../../../helpers/queryApi';

const DAY = 86_400_000;

describe('parameterRules (through the router)', () => {
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

  it('returns 400 naming a parameter of a route that takes none', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams?verbose=1'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('unknown parameter verbose; this route takes no parameters');
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
