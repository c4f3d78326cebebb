import { bodyOf, request, setup } from '../../../helpers/queryApi';

describe('edgeRules (through the router)', () => {
  it('returns 400 naming a parameter given twice', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue_by_category?group=books&group=toys'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toBe('group: given more than once; give it once');
  });

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

  it('answers HEAD on a known route with 405 too: the API serves GET only', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams', 'HEAD'));

    // Assess
    expect(response.statusCode).toBe(405);
    expect(response.headers).toMatchObject({ allow: 'GET' });
  });

  it('answers another method on an unknown path with 404, not 405', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/nowhere', 'DELETE'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toBe('not_found');
  });

  it('does not match a path with a trailing slash', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams/'));

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it.each(['TRACE', 'CONNECT'])('answers %s, which no Fetch request can carry, as any other method: 405 on a known route, 404 elsewhere', async (method) => {
    // Prepare
    const { handle } = setup();

    // Act
    const [known, unknown] = await Promise.all([handle(request('/v1/streams/orders/events', method)), handle(request('/v2', method))]);

    // Assess
    expect([known.statusCode, unknown.statusCode]).toEqual([405, 404]);
    expect(known.headers).toMatchObject({ allow: 'GET', 'content-type': 'application/json; charset=utf-8' });
    expect(bodyOf(known).message).toBe(`${method} is not allowed on /v1/streams/orders/events; this API is read-only: use GET`);
  });
});
