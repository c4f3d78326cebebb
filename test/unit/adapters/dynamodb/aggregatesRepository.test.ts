import { DynamoDBDocumentClient, NumberValue, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AggregatesRepository } from '../../../../lambdas/adapters/dynamodb/aggregatesRepository';

const TABLE = 'pulse-aggregates';
const at = (iso: string): number => Date.parse(iso);

describe('AggregatesRepository.querySeries', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const repository = new AggregatesRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), {
    tableName: TABLE,
    retentionMs: 90 * 86_400_000,
  });

  beforeEach(() => {
    dynamo.reset();
    dynamo.on(QueryCommand).resolves({ Items: [] });
  });
  afterAll(() => dynamo.restore());

  function queryInputs() {
    return dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
  }

  it('queries one partition per UTC day, each bounded by the first and last window, when the range crosses midnight', async () => {
    // Act
    await repository.querySeries('orders', 'revenue_by_category', at('2026-11-24T23:58:00Z'), at('2026-11-25T00:02:00Z'));

    // Assess
    const bounds = { ':from': '2026-11-24T23:58:00Z#', ':to': '2026-11-25T00:01:00Z$' };
    expect(queryInputs()).toEqual([
      {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': 'orders#revenue_by_category#2026-11-24', ...bounds },
        ExclusiveStartKey: undefined,
      },
      {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': 'orders#revenue_by_category#2026-11-25', ...bounds },
        ExclusiveStartKey: undefined,
      },
    ]);
  });

  it('keeps window starts in [from, to): rounds from up to a whole minute and excludes the window starting at to', async () => {
    // Act
    await repository.querySeries('tickets', 'by_type', at('2026-11-25T04:00:30Z'), at('2026-11-25T04:05:00Z'));

    // Assess
    expect(queryInputs()).toEqual([
      expect.objectContaining({
        ExpressionAttributeValues: { ':pk': 'tickets#by_type#2026-11-25', ':from': '2026-11-25T04:01:00Z#', ':to': '2026-11-25T04:04:00Z$' },
      }),
    ]);
  });

  it('includes the window that starts before a to that is not on a whole minute', async () => {
    // Act
    await repository.querySeries('tickets', 'by_type', at('2026-11-25T04:00:00Z'), at('2026-11-25T04:05:00.001Z'));

    // Assess
    expect(queryInputs()[0]?.ExpressionAttributeValues).toMatchObject({ ':from': '2026-11-25T04:00:00Z#', ':to': '2026-11-25T04:05:00Z$' });
  });

  it('does not query a day that only the range, and no window start, touches', async () => {
    // Act
    await repository.querySeries('orders', 'revenue', at('2026-11-24T23:59:00Z'), at('2026-11-25T00:00:00Z'));

    // Assess
    expect(queryInputs().map((input) => input.ExpressionAttributeValues?.[':pk'])).toEqual(['orders#revenue#2026-11-24']);
  });

  it('sends no query when no window starts in the range', async () => {
    // Act
    const points = await repository.querySeries('orders', 'revenue', at('2026-11-25T04:00:10Z'), at('2026-11-25T04:00:50Z'));

    // Assess
    expect(points).toEqual([]);
    expect(queryInputs()).toEqual([]);
  });

  it('follows LastEvaluatedKey until the day is read', async () => {
    // Prepare
    const lastKey = { pk: 'orders#revenue#2026-11-25', sk: '2026-11-25T04:01:00Z#' };
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [], LastEvaluatedKey: lastKey })
      .resolvesOnce({ Items: [] });

    // Act
    await repository.querySeries('orders', 'revenue', at('2026-11-25T04:00:00Z'), at('2026-11-25T05:00:00Z'));

    // Assess
    expect(queryInputs().map((input) => input.ExclusiveStartKey)).toEqual([undefined, lastKey]);
  });

  it('returns points with sum, min and max as scaled bigints only for measured items, without the storage attributes', async () => {
    // Prepare
    const stored = { pk: 'x', sk: 'y', offsets: { 'orders-0': 9 }, version: 3, updatedAt: '2026-11-25T04:02:01.000Z', expiresAt: 1 };
    dynamo.on(QueryCommand).resolves({
      Items: [
        // Numbers as the document client returns them with wrapNumbers: exact text.
        {
          ...stored,
          windowStart: '2026-11-25T04:01:00Z',
          windowEnd: '2026-11-25T04:02:00Z',
          group: {},
          count: new NumberValue('2'),
          sum: new NumberValue('59.97'),
          min: new NumberValue('19.99'),
          max: new NumberValue('39.98'),
          scale: new NumberValue('2'),
        },
        { ...stored, windowStart: '2026-11-25T04:01:00Z', windowEnd: '2026-11-25T04:02:00Z', group: { type: 'view' }, count: 7 },
      ],
    });

    // Act
    const points = await repository.querySeries('orders', 'revenue', at('2026-11-25T04:00:00Z'), at('2026-11-25T04:30:00Z'));

    // Assess
    expect(points).toEqual([
      { windowStart: '2026-11-25T04:01:00Z', windowEnd: '2026-11-25T04:02:00Z', group: {}, count: 2, scale: 2, sum: 5997n, min: 1999n, max: 3998n },
      { windowStart: '2026-11-25T04:01:00Z', windowEnd: '2026-11-25T04:02:00Z', group: { type: 'view' }, count: 7 },
    ]);
  });
});
