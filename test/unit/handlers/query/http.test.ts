import { ApiError, csvResponse, ensureDeliverable, errorResponse, jsonResponse, MAX_BODY_BYTES } from '../../../../lambdas/handlers/query/http';

describe('ensureDeliverable', () => {
  it('passes a response whose escaped body fits one Lambda response', () => {
    // Prepare
    const response = jsonResponse(200, { text: 'x'.repeat(1000) });

    // Act
    const passed = ensureDeliverable(response, 'narrow the range');

    // Assess
    expect(passed).toBe(response);
  });

  it('counts the body as escaped, so quotes that double its size make it too big', () => {
    // Prepare: raw size just over half the limit, escaped size just over the limit.
    const response = csvResponse('"'.repeat(MAX_BODY_BYTES / 2 + 1));
    expect(Buffer.byteLength(response.body as string)).toBeLessThan(MAX_BODY_BYTES);

    // Act
    const check = () => ensureDeliverable(response, 'narrow the range');

    // Assess
    expect(check).toThrow(/MiB, more than the 6 MiB one response can carry; narrow the range$/);
  });
});

describe('errorResponse', () => {
  it('answers the status of the code with the error JSON and its extra headers', () => {
    // Act
    const response = errorResponse(new ApiError('method_not_allowed', 'use GET', { allow: 'GET' }));

    // Assess
    expect(response).toEqual({
      statusCode: 405,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', allow: 'GET' },
      body: '{"error":"method_not_allowed","message":"use GET"}',
      isBase64Encoded: false,
    });
  });
});
