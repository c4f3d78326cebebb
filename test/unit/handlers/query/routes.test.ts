import { ApiError } from '../../../../lambdas/handlers/query/http';
import { matchRoute } from '../../../../lambdas/handlers/query/routes';

function failureOf(action: () => unknown): ApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('matchRoute', () => {
  it.each([
    ['/', { name: 'dashboard' }],
    ['/assets/dashboard.0123456789.js', { name: 'asset', file: 'dashboard.0123456789.js' }],
    ['/openapi.json', { name: 'openapi' }],
    ['/health', { name: 'health' }],
    ['/v1/streams', { name: 'streams' }],
    ['/v1/streams/orders/aggregations/revenue', { name: 'series', stream: 'orders', aggregation: 'revenue' }],
    ['/v1/streams/orders/aggregations/revenue/top', { name: 'top', stream: 'orders', aggregation: 'revenue' }],
    ['/v1/streams/orders/events', { name: 'events', stream: 'orders' }],
    ['/v1/streams/orders/events/ord-1', { name: 'event', stream: 'orders', eventId: 'ord-1' }],
  ])('matches GET %s', (path, route) => {
    // Act
    const matched = matchRoute('GET', path);

    // Assess
    expect(matched).toEqual(route);
  });

  it('decodes each segment after splitting, so %2F stays inside an event id and + stays a plus', () => {
    // Act
    const matched = matchRoute('GET', '/v1/streams/orders/events/a%2Fb+c%20%E2%9C%93');

    // Assess
    expect(matched).toEqual({ name: 'event', stream: 'orders', eventId: 'a/b+c ✓' });
  });

  it('does not match a path with a trailing slash', () => {
    // Act
    const error = failureOf(() => matchRoute('GET', '/v1/streams/'));

    // Assess
    expect(error.status).toBe(404);
  });

  it('refuses DELETE on a known path with 405 and allow: GET', () => {
    // Act
    const error = failureOf(() => matchRoute('DELETE', '/v1/streams/orders/events/ord-1'));

    // Assess
    expect(error.status).toBe(405);
    expect(error.headers).toEqual({ allow: 'GET' });
    expect(error.message).toBe('DELETE is not allowed on /v1/streams/orders/events/ord-1; this API is read-only: use GET');
  });

  it('answers 404 rather than 405 for another method on an unknown path', () => {
    // Act
    const error = failureOf(() => matchRoute('POST', '/v1/nowhere'));

    // Assess
    expect(error.status).toBe(404);
  });
});
