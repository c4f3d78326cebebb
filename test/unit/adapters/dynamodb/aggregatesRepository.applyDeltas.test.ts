import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, NumberValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AggregatesRepository, type AggregatesRepositoryOptions } from '../../../../lambdas/adapters/dynamodb/aggregatesRepository';
import type { AggregateDelta, AggregateKey } from '../../../../lambdas/domain/aggregation';

const TABLE = 'pulse-aggregates';
const NOW = Date.parse('2026-11-25T04:09:12.345Z');
const RETENTION_MS = 90 * 86_400_000;
const MINUTE = Date.parse('2026-11-25T04:07:00Z');
const PK = 'orders#revenue#2026-11-25';
const SK = '2026-11-25T04:07:00Z#';

const ddb = mockClient(DynamoDBDocumentClient);

/** Retries without waiting, so that the tests run on real timers and stay fast. */
const NO_WAIT = { attempts: 10, initialDelayMs: 0, maxDelayMs: 0 };

function repository(options: Partial<AggregatesRepositoryOptions> = {}): AggregatesRepository {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  return new AggregatesRepository(client, { tableName: TABLE, retentionMs: RETENTION_MS, now: () => NOW, retryPolicy: NO_WAIT, ...options });
}

const revenueKey: AggregateKey = { stream: 'orders', aggregation: 'revenue', windowStartMs: MINUTE, group: {} };

/** A revenue delta of `[offset, cents]` contributions from partition orders-0. */
function revenueDelta(contributions: [offset: number, cents: number][], key: AggregateKey = revenueKey): AggregateDelta {
  return { key, scale: 2, contributions: new Map([['orders-0', contributions.map(([offset, value]) => ({ offset, value: BigInt(value) }))]]) };
}

/** The stored revenue item, as a previous write left it. */
function storedRevenue(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pk: PK,
    sk: SK,
    stream: 'orders',
    aggregation: 'revenue',
    windowStart: '2026-11-25T04:07:00Z',
    windowEnd: '2026-11-25T04:08:00Z',
    group: {},
    count: 2,
    sum: 25,
    min: 5.01,
    max: 19.99,
    scale: 2,
    offsets: { 'orders-0': 11 },
    version: 3,
    updatedAt: '2026-11-25T04:08:01.000Z',
    expiresAt: 1803354480,
    ...overrides,
  };
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

beforeEach(() => {
  ddb.reset();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('AggregatesRepository.applyDeltas', () => {
  it('reads the touched items with one consistent BatchGet', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddb.on(PutCommand).resolves({});
    const byType: AggregateKey = { stream: 'orders', aggregation: 'events_by_type', windowStartMs: MINUTE, group: { type: 'purchase' } };
    const deltas = [revenueDelta([[1, 100]]), { key: byType, contributions: new Map([['orders-0', [{ offset: 1 }]]]) }];

    // Act
    await repository().applyDeltas(deltas);

    // Assess
    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      RequestItems: {
        [TABLE]: {
          Keys: [
            { pk: PK, sk: SK },
            { pk: 'orders#events_by_type#2026-11-25', sk: '2026-11-25T04:07:00Z#type=purchase' },
          ],
          ConsistentRead: true,
        },
      },
    });
  });

  it('creates a new item with attribute_not_exists(pk), absolute measures, offsets, version 1 and expiry', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddb.on(PutCommand).resolves({});

    // Act
    const outcome = await repository().applyDeltas([revenueDelta([[10, 1999], [11, 501]])]);

    // Assess
    expect(outcome).toEqual({ written: 1, unchanged: 0, conflicts: 0, rejected: [] });
    const puts = ddb.commandCalls(PutCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: {
        pk: PK,
        sk: SK,
        stream: 'orders',
        aggregation: 'revenue',
        windowStart: '2026-11-25T04:07:00Z',
        windowEnd: '2026-11-25T04:08:00Z',
        group: {},
        count: 2,
        sum: new NumberValue('25'),
        min: new NumberValue('5.01'),
        max: new NumberValue('19.99'),
        scale: 2,
        offsets: { 'orders-0': 11 },
        version: 1,
        updatedAt: '2026-11-25T04:09:12.345Z',
        expiresAt: Math.floor((MINUTE + 60_000 + RETENTION_MS) / 1000),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('writes a count-only item without sum, min, max and scale', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddb.on(PutCommand).resolves({});
    const key: AggregateKey = { stream: 'orders', aggregation: 'invalid', windowStartMs: MINUTE, group: { reason: 'too_late' } };

    // Act
    await repository().applyDeltas([{ key, contributions: new Map([['orders-1', [{ offset: 4 }, { offset: 9 }]]]) }]);

    // Assess
    const item = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ sk: '2026-11-25T04:07:00Z#reason=too_late', count: 2, offsets: { 'orders-1': 9 } });
    expect(item).not.toHaveProperty('sum');
    expect(item).not.toHaveProperty('scale');
  });

  it('updates an existing item on #version = :version, adding only the offsets above its mark', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [storedRevenue()] } });
    ddb.on(PutCommand).resolves({});

    // Act
    const outcome = await repository().applyDeltas([revenueDelta([[10, 1999], [11, 501], [12, 100], [13, 2500]])]);

    // Assess
    expect(outcome).toEqual({ written: 1, unchanged: 0, conflicts: 0, rejected: [] });
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': 3 },
      Item: { count: 4, sum: new NumberValue('51'), min: new NumberValue('1'), max: new NumberValue('25'), offsets: { 'orders-0': 13 }, version: 4 },
    });
  });

  it('keeps the sum of many cents exact across reads and writes', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [storedRevenue({ count: 3, sum: 0.3, min: 0.1, max: 0.1 })] } });
    ddb.on(PutCommand).resolves({});

    // Act
    await repository().applyDeltas([revenueDelta([[12, 10], [13, 10], [14, 10], [15, 10], [16, 10], [17, 10], [18, 10]])]);

    // Assess
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ count: 10, sum: new NumberValue('1'), min: new NumberValue('0.1'), max: new NumberValue('0.1') });
  });

  it('writes nothing for a redelivered delta', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [storedRevenue()] } });

    // Act
    const outcome = await repository().applyDeltas([revenueDelta([[10, 1999], [11, 501]])]);

    // Assess
    expect(outcome).toEqual({ written: 0, unchanged: 1, conflicts: 0, rejected: [] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('on ConditionalCheckFailedException re-reads the item consistently and retries from what the other writer stored', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [storedRevenue()] } });
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    const raced = storedRevenue({ count: 3, sum: 26, min: 1, max: 19.99, offsets: { 'orders-0': 11, 'orders-1': 40 }, version: 4 });
    ddb.on(GetCommand).resolves({ Item: raced });

    // Act
    const outcome = await repository().applyDeltas([revenueDelta([[12, 300]])]);

    // Assess
    expect(outcome).toEqual({ written: 1, unchanged: 0, conflicts: 1, rejected: [] });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { pk: PK, sk: SK }, ConsistentRead: true });
    const puts = ddb.commandCalls(PutCommand);
    expect(puts).toHaveLength(2);
    expect(puts[1]?.args[0].input).toMatchObject({
      ExpressionAttributeValues: { ':version': 4 },
      Item: { count: 4, sum: new NumberValue('29'), min: new NumberValue('1'), max: new NumberValue('19.99'), offsets: { 'orders-0': 12, 'orders-1': 40 }, version: 5 },
    });
  });

  it('creates the item on retry as an update when another writer created it first', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    ddb.on(GetCommand).resolves({ Item: storedRevenue({ count: 1, sum: 1, min: 1, max: 1, offsets: { 'orders-2': 5 }, version: 1 }) });

    // Act
    await repository().applyDeltas([revenueDelta([[12, 300]])]);

    // Assess
    const retry = ddb.commandCalls(PutCommand)[1]?.args[0].input;
    expect(retry).toMatchObject({
      ConditionExpression: '#version = :version',
      ExpressionAttributeValues: { ':version': 1 },
      Item: { count: 2, sum: new NumberValue('4'), offsets: { 'orders-2': 5, 'orders-0': 12 }, version: 2 },
    });
  });

  it('stops retrying when the re-read item already holds the delta', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [storedRevenue()] } });
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: storedRevenue({ count: 3, offsets: { 'orders-0': 12 }, version: 4 }) });

    // Act
    const outcome = await repository().applyDeltas([revenueDelta([[12, 300]])]);

    // Assess
    expect(outcome).toEqual({ written: 0, unchanged: 1, conflicts: 1, rejected: [] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('gives up after the retry policy\'s attempts of conflicting writes, rejecting with the conflict', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [storedRevenue()] } });
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: storedRevenue() });

    // Act
    const applying = repository({ retryPolicy: { ...NO_WAIT, attempts: 3 } }).applyDeltas([revenueDelta([[12, 300]])]);

    // Assess
    await expect(applying).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(3);
  });

  it('does not retry a write that fails for another reason', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddb.on(PutCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    // Act
    const applying = repository().applyDeltas([revenueDelta([[1, 100]])]);

    // Assess
    await expect(applying).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('writes new items and skips redelivered ones in the same call', async () => {
    // Prepare
    const other: AggregateKey = { ...revenueKey, windowStartMs: MINUTE + 60_000 };
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [storedRevenue()] } });
    ddb.on(PutCommand).resolves({});

    // Act
    const outcome = await repository().applyDeltas([revenueDelta([[11, 501]]), revenueDelta([[12, 100]], other)]);

    // Assess
    expect(outcome).toEqual({ written: 1, unchanged: 1, conflicts: 0, rejected: [] });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ sk: '2026-11-25T04:08:00Z#', version: 1 });
  });

  it('reads more than 100 items in BatchGets of at most 100 keys', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddb.on(PutCommand).resolves({});
    const deltas = Array.from({ length: 150 }, (_, index) => revenueDelta([[index, 100]], { ...revenueKey, windowStartMs: MINUTE + index * 60_000 }));

    // Act
    const outcome = await repository().applyDeltas(deltas);

    // Assess
    expect(ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]?.Keys?.length)).toEqual([100, 50]);
    expect(outcome.written).toBe(150);
  });

  it('reads unprocessed keys again after a pause', async () => {
    // Prepare
    jest.useFakeTimers({ now: NOW });
    const patient = { attempts: 3, initialDelayMs: 200, maxDelayMs: 200 };
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [{ pk: PK, sk: SK }], ConsistentRead: true } } })
      .resolves({ Responses: { [TABLE]: [storedRevenue()] } });

    // Act
    const applying = repository({ retryPolicy: patient }).applyDeltas([revenueDelta([[11, 501]])]);
    await jest.advanceTimersByTimeAsync(1000);
    const outcome = await applying;

    // Assess
    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.RequestItems?.[TABLE]).toEqual({ Keys: [{ pk: PK, sk: SK }], ConsistentRead: true });
    expect(outcome).toEqual({ written: 0, unchanged: 1, conflicts: 0, rejected: [] });
  });

  it('returns an item DynamoDB refuses for what it holds as rejected, and writes the others', async () => {
    // Prepare
    const other: AggregateKey = { ...revenueKey, windowStartMs: MINUTE + 60_000 };
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk === SK) throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
      return {};
    });
    const refused = revenueDelta([[1, 100]]);

    // Act
    const outcome = await repository().applyDeltas([refused, revenueDelta([[2, 100]], other)]);

    // Assess
    expect(outcome).toEqual({
      written: 1,
      unchanged: 0,
      conflicts: 0,
      rejected: [{ delta: refused, detail: 'ValidationException: Item size has exceeded the maximum allowed size' }],
    });
  });

  it('reads and writes sums beyond 15 significant digits exactly, as DynamoDB number text', async () => {
    // Prepare: a sum a double cannot hold, as the document client returns it with wrapNumbers.
    const stored = storedRevenue({ count: 1001, sum: new NumberValue('10009999999999989.99'), min: new NumberValue('9999999999999.99'), max: new NumberValue('9999999999999.99'), scale: new NumberValue('2'), version: new NumberValue('7'), offsets: { 'orders-0': new NumberValue('1000') } });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [stored] } });
    ddb.on(PutCommand).resolves({});

    // Act
    await repository().applyDeltas([revenueDelta([[1001, 999_999_999_999_999]])]);

    // Assess
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ExpressionAttributeValues: { ':version': new NumberValue('7') },
      Item: { count: 1002, sum: new NumberValue('10019999999999989.98'), max: new NumberValue('9999999999999.99'), offsets: { 'orders-0': 1001 }, version: 8 },
    });
  });

  it('tells the retry observer of every retried round of a lost race', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [storedRevenue()] } });
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).rejectsOnce(conditionFailed()).resolves({});
    ddb.on(GetCommand).resolves({ Item: storedRevenue() });
    const rounds: string[] = [];

    // Act
    await repository({ onRetry: ({ operation, attempt, error }) => rounds.push(`${operation} #${attempt}: ${(error as Error).name}`) }).applyDeltas([revenueDelta([[12, 300]])]);

    // Assess
    expect(rounds).toEqual([
      `conditional PutItem ${TABLE} #1: ConditionalCheckFailedException`,
      `conditional PutItem ${TABLE} #2: ConditionalCheckFailedException`,
    ]);
  });

  it('fails after the policy\'s attempts when BatchGet keeps leaving keys unprocessed', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [{ pk: PK, sk: SK }], ConsistentRead: true } } });

    // Act
    const applying = repository({ retryPolicy: { ...NO_WAIT, attempts: 4 } }).applyDeltas([revenueDelta([[11, 501]])]);

    // Assess
    await expect(applying).rejects.toThrow('1 keys left unprocessed by BatchGetItem');
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(4);
  });

  it('makes no call for no deltas', async () => {
    // Act
    const outcome = await repository().applyDeltas([]);

    // Assess
    expect(outcome).toEqual({ written: 0, unchanged: 0, conflicts: 0, rejected: [] });
    expect(ddb.calls()).toHaveLength(0);
  });
});
