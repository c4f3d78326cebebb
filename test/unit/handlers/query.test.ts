import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigurationError } from '../../../lambdas/config/errors';
import { createQueryHandler, queryFromEnvironment, rawQueryOf } from '../../../lambdas/handlers/query';
import { bodyOf, NOW, request, setup } from '../../helpers/queryApi';

describe('rawQueryOf', () => {
  it('keeps the raw query string, encoding + so that a router reads it as the plus it is here', () => {
    // Act
    const raw = rawQueryOf({ rawQueryString: 'from=2026-11-25T05:00:00+01:00&group=ros%C3%A9%20wine' });

    // Assess
    expect(raw).toBe('from=2026-11-25T05:00:00%2B01:00&group=ros%C3%A9%20wine');
  });

  it('builds the query from queryStringParameters when the event has no raw query string', () => {
    // Act
    const raw = rawQueryOf({ rawQueryString: '', queryStringParameters: { from: '2026-11-25T05:00:00+01:00', group: 'a b', cursor: undefined } });

    // Assess
    expect(raw).toBe('from=2026-11-25T05%3A00%3A00%2B01%3A00&group=a%20b');
  });
});

describe('createQueryHandler', () => {
  it('answers an API Gateway payload 2.0 event with a structured result', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(request('/v1/streams'));

    // Assess
    expect(Object.keys(response).sort()).toEqual(['body', 'headers', 'isBase64Encoded', 'statusCode']);
    expect(response).toMatchObject({ statusCode: 200, isBase64Encoded: false, headers: { 'content-type': 'application/json; charset=utf-8' } });
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
    const { handle, loggedErrors } = setup({ aggregates: { querySeries: async () => Promise.reject(failure), ping: async () => undefined } });

    // Act
    const response = await handle(request('/v1/streams/orders/aggregations/revenue'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({ error: 'internal_error', message: 'the query failed unexpectedly; try again later' });
    expect(loggedErrors).toHaveBeenCalledWith({ message: 'query failed unexpectedly', route: '/v1/streams/:stream/aggregations/:aggregation', method: 'GET' }, failure);
  });

  it('routes on the path alone, whatever host the event names', async () => {
    // Prepare
    const { handle } = setup();
    const event = request('/v1/streams');
    const hostile = { ...event, requestContext: { ...event.requestContext, domainName: 'example.com/health?' } };

    // Act
    const response = await handle(hostile);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toHaveProperty('streams');
  });

  it('answers from a fresh build of the app per handler, so two handlers keep their own clocks', async () => {
    // Prepare
    const early = createQueryHandler({ aggregates: { querySeries: async () => [], ping: async () => undefined }, events: { getEvent: async () => undefined, listEvents: async () => ({ items: [] }) }, now: () => NOW });
    const late = createQueryHandler({ aggregates: { querySeries: async () => [], ping: async () => undefined }, events: { getEvent: async () => undefined, listEvents: async () => ({ items: [] }) }, now: () => NOW + 3_600_000 });

    // Act
    const [first, second] = await Promise.all([early(request('/health')), late(request('/health'))]);

    // Assess
    expect([bodyOf(first).time, bodyOf(second).time]).toEqual(['2026-11-25T04:30:00.000Z', '2026-11-25T05:30:00.000Z']);
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
