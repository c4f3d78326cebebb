import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { EventsRepository, InvalidPositionError } from '../../../../lambdas/adapters/dynamodb/eventsRepository';

const TABLE = 'pulse-events';
const ddb = mockClient(DynamoDBDocumentClient);

function repository(): EventsRepository {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  return new EventsRepository(client, { tableName: TABLE, retentionMs: 86_400_000 });
}

/** A stored item of the listing index, as the Query returns it. */
function stored(eventId: string, eventTime = '2026-11-25T04:30:00.000Z') {
  return { pk: `orders#${eventId}`, eventId, eventTime, event: JSON.stringify({ eventId }) };
}

beforeEach(() => ddb.reset());

describe('EventsRepository.listEvents', () => {
  const from = Date.parse('2026-11-25T04:00:00Z');
  const to = Date.parse('2026-11-25T05:00:00Z');
  const lastKey = { pk: 'orders#e2', streamDay: 'orders#2026-11-25', eventTimeId: '2026-11-25T04:30:00.000Z#e2' };

  it('queries the stream day index newest first for the half-open range', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [stored('e1')] });

    // Act
    const page = await repository().listEvents('orders', from, to, 10);

    // Assess
    expect(page).toEqual({ items: [{ eventId: 'e1' }] });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: 'byStreamDay',
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': 'streamDay', '#sk': 'eventTimeId' },
      ExpressionAttributeValues: { ':pk': 'orders#2026-11-25', ':from': '2026-11-25T04:00:00.000Z', ':to': '2026-11-25T04:59:59.999Z$' },
      ScanIndexForward: false,
      Limit: 10,
      ExclusiveStartKey: undefined,
    });
  });

  it('returns the position of the last event of a full page, and resumes after its index key', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [stored('e1', '2026-11-25T04:40:00.000Z'), stored('e2')], LastEvaluatedKey: lastKey })
      .resolvesOnce({ Items: [stored('e3', '2026-11-25T04:10:00.000Z')] });
    const events = repository();

    // Act
    const first = await events.listEvents('orders', from, to, 2);
    const second = await events.listEvents('orders', from, to, 2, first.next);

    // Assess
    expect(first).toEqual({ items: [{ eventId: 'e1' }, { eventId: 'e2' }], next: { eventTimeMs: Date.parse('2026-11-25T04:30:00Z'), eventId: 'e2' } });
    expect(second).toEqual({ items: [{ eventId: 'e3' }] });
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input).toMatchObject({ ExclusiveStartKey: lastKey, ExpressionAttributeValues: { ':pk': 'orders#2026-11-25' } });
  });

  it('reads the days of a range across midnight newest first, filling the page from the day before', async () => {
    // Prepare
    const rangeFrom = Date.parse('2026-11-24T22:00:00Z');
    const rangeTo = Date.parse('2026-11-25T02:00:00Z');
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'orders#2026-11-25', ':from': '2026-11-24T22:00:00.000Z', ':to': '2026-11-25T01:59:59.999Z$' } })
      .resolves({ Items: [stored('e1', '2026-11-25T01:00:00.000Z'), stored('e2', '2026-11-25T00:30:00.000Z')] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'orders#2026-11-24', ':from': '2026-11-24T22:00:00.000Z', ':to': '2026-11-25T01:59:59.999Z$' } })
      .resolves({ Items: [stored('e3', '2026-11-24T23:00:00.000Z')], LastEvaluatedKey: lastKey });

    // Act
    const page = await repository().listEvents('orders', rangeFrom, rangeTo, 3);

    // Assess
    expect(page.items).toEqual([{ eventId: 'e1' }, { eventId: 'e2' }, { eventId: 'e3' }]);
    expect(ddb.commandCalls(QueryCommand).map((call) => call.args[0].input.Limit)).toEqual([3, 1]);
    expect(page.next).toEqual({ eventTimeMs: Date.parse('2026-11-24T23:00:00Z'), eventId: 'e3' });
  });

  it('continues on the next older day when the page filled up exactly at the end of a day', async () => {
    // Prepare
    const rangeFrom = Date.parse('2026-11-24T22:00:00Z');
    const rangeTo = Date.parse('2026-11-25T02:00:00Z');
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [stored('e1', '2026-11-25T01:00:00.000Z'), stored('e2', '2026-11-25T00:30:00.000Z')] })
      .resolvesOnce({ Items: [] })
      .resolvesOnce({ Items: [stored('e3', '2026-11-24T23:00:00.000Z')] });
    const events = repository();

    // Act
    const first = await events.listEvents('orders', rangeFrom, rangeTo, 2);
    const second = await events.listEvents('orders', rangeFrom, rangeTo, 2, first.next);

    // Assess
    expect(second).toEqual({ items: [{ eventId: 'e3' }] });
    expect(ddb.commandCalls(QueryCommand).slice(1).map((call) => call.args[0].input.ExpressionAttributeValues?.[':pk'])).toEqual(['orders#2026-11-25', 'orders#2026-11-24']);
    expect(ddb.commandCalls(QueryCommand)[2]?.args[0].input.ExclusiveStartKey).toBeUndefined();
  });

  it('returns no position when the last day ends exactly with the page', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [stored('e1'), stored('e2')] });

    // Act
    const page = await repository().listEvents('orders', from, to, 2);

    // Assess
    expect(page).toEqual({ items: [{ eventId: 'e1' }, { eventId: 'e2' }] });
  });

  it.each([
    ['before the range', Date.parse('2026-11-25T03:59:59.999Z')],
    ['at its excluded end', Date.parse('2026-11-25T05:00:00Z')],
  ])('rejects a position %s with InvalidPositionError, without querying', async (_case, eventTimeMs) => {
    // Act
    const listing = repository().listEvents('orders', from, to, 10, { eventTimeMs, eventId: 'e1' });

    // Assess
    await expect(listing).rejects.toBeInstanceOf(InvalidPositionError);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('translates DynamoDB refusing the key of a position into InvalidPositionError', async () => {
    // Prepare
    ddb.on(QueryCommand).rejects(Object.assign(new Error('One or more parameter values were invalid: key too large'), { name: 'ValidationException' }));

    // Act
    const listing = repository().listEvents('orders', from, to, 10, { eventTimeMs: from, eventId: 'x'.repeat(2048) });

    // Assess
    await expect(listing).rejects.toThrow(new InvalidPositionError('DynamoDB refused the position: ValidationException: One or more parameter values were invalid: key too large'));
  });

  it('rethrows a ValidationException of a listing without a position: that is a bug, not bad input', async () => {
    // Prepare
    const refused = Object.assign(new Error('invalid'), { name: 'ValidationException' });
    ddb.on(QueryCommand).rejects(refused);

    // Act
    const listing = repository().listEvents('orders', from, to, 10);

    // Assess
    await expect(listing).rejects.toBe(refused);
  });
});
