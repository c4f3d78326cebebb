import { bodyOf, request, setup, TABLES } from '../../../../helpers/queryApi';

describe('GET /health', () => {
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
    const { handle, loggedErrors } = setup({ aggregates: { querySeries: async () => [], ping: async () => Promise.reject(cause) } });

    // Act
    const response = await handle(request('/health'));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response)).toEqual({ status: 'unavailable', message: expect.any(String) });
    expect(response.body).not.toContain('arn:aws');
    expect(loggedErrors).toHaveBeenCalledWith(expect.anything(), cause);
  });
});

describe('GET /openapi.json', () => {
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
