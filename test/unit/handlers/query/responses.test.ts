import { ApiError } from '../../../../lambdas/handlers/query/errors';
import { errorResponse, MAX_BODY_BYTES, mediaTypeOf, oversizeError } from '../../../../lambdas/handlers/query/responses';

describe('oversizeError', () => {
  it('passes a body whose escaped form fits one Lambda response', () => {
    // Act
    const problem = oversizeError(JSON.stringify({ text: 'x'.repeat(1000) }), 'narrow the range');

    // Assess
    expect(problem).toBeUndefined();
  });

  it('counts the body as escaped, so quotes that double its size make it too big', () => {
    // Prepare: raw size just over half the limit, escaped size just over the limit.
    const body = '"'.repeat(MAX_BODY_BYTES / 2 + 1);
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_BODY_BYTES);

    // Act
    const problem = oversizeError(body, 'narrow the range');

    // Assess
    expect(problem?.status).toBe(400);
    expect(problem?.message).toMatch(/MiB, more than the 6 MiB one response can carry; narrow the range$/);
  });
});

describe('errorResponse', () => {
  it('answers the status of the code with the error JSON and its extra headers', async () => {
    // Act
    const response = errorResponse(new ApiError('method_not_allowed', 'use GET', { allow: 'GET' }));

    // Assess
    expect(response.status).toBe(405);
    expect(Object.fromEntries(response.headers)).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', allow: 'GET' });
    expect(await response.text()).toBe('{"error":"method_not_allowed","message":"use GET"}');
  });
});

describe('mediaTypeOf', () => {
  it('drops the parameters and lower-cases the type', () => {
    // Act
    const media = mediaTypeOf('Text/CSV; charset=utf-8');

    // Assess
    expect(media).toBe('text/csv');
  });
});
