import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { EventsRepository, type EventToStore } from '../../../../lambdas/adapters/dynamodb/eventsRepository';
import { LosslessNumber } from '../../../../lambdas/domain/eventJson';
import { eventKey } from '../../../../lambdas/domain/itemKeys';

const TABLE = 'pulse-events';
const RETENTION_MS = 30 * 86_400_000;
const EVENT_TIME_MS = Date.parse('2026-11-25T04:07:15.250Z');

const ddb = mockClient(DynamoDBDocumentClient);

function repository(options: { attempts?: number } = {}): EventsRepository {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  return new EventsRepository(client, { tableName: TABLE, retentionMs: RETENTION_MS, retryPolicy: { attempts: options.attempts ?? 8, initialDelayMs: 50, maxDelayMs: 2_000 } });
}

function anEvent(eventId: string, enriched: Record<string, unknown> = {}): EventToStore {
  return { stream: 'orders', eventId, eventTimeMs: EVENT_TIME_MS, enrichedJson: JSON.stringify({ eventId, type: 'view', ...enriched }) };
}

function validationException(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException' });
}

/** The PutRequest items of every BatchWrite call, call by call. */
function writtenBatches(): Record<string, unknown>[][] {
  return ddb.commandCalls(BatchWriteCommand).map((call) =>
    (call.args[0].input.RequestItems?.[TABLE] ?? []).map((request) => request.PutRequest?.Item ?? {}),
  );
}

beforeEach(() => {
  ddb.reset();
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('EventsRepository.putEvents', () => {
  it('stores an event keyed by stream and id, indexed by stream day and time, expiring after the retention', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).resolves({});

    // Act
    await repository().putEvents([anEvent('o-1', { amount: 39.98 })]);

    // Assess
    expect(writtenBatches()).toEqual([
      [
        {
          pk: 'orders#o-1',
          stream: 'orders',
          eventId: 'o-1',
          eventTime: '2026-11-25T04:07:15.250Z',
          streamDay: 'orders#2026-11-25',
          eventTimeId: '2026-11-25T04:07:15.250Z#o-1',
          event: '{"eventId":"o-1","type":"view","amount":39.98}',
          expiresAt: Math.floor((EVENT_TIME_MS + RETENTION_MS) / 1000),
        },
      ],
    ]);
  });

  it('writes in BatchWrite chunks of at most 25', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).resolves({});
    const events = Array.from({ length: 60 }, (_, index) => anEvent(`o-${index}`));

    // Act
    await repository().putEvents(events);

    // Assess
    expect(writtenBatches().map((batch) => batch.length)).toEqual([25, 25, 10]);
    expect(new Set(writtenBatches().flat().map((item) => item.pk)).size).toBe(60);
  });

  it('writes an event id that occurs twice once, the last occurrence winning', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).resolves({});

    // Act
    await repository().putEvents([anEvent('o-1', { version: 1 }), anEvent('o-2'), anEvent('o-1', { version: 2 })]);

    // Assess
    const items = writtenBatches().flat();
    expect(items.map((item) => item.pk)).toEqual(['orders#o-1', 'orders#o-2']);
    expect(JSON.parse(items[0]?.event as string)).toMatchObject({ version: 2 });
  });

  it('keeps the same id of two streams apart', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).resolves({});

    // Act
    await repository().putEvents([anEvent('x-1'), { ...anEvent('x-1'), stream: 'tickets' }]);

    // Assess
    expect(writtenBatches().flat().map((item) => item.pk)).toEqual(['orders#x-1', 'tickets#x-1']);
  });

  it('writes the unprocessed items again after a pause until none is left', async () => {
    // Prepare
    jest.useFakeTimers();
    const events = [anEvent('o-1'), anEvent('o-2'), anEvent('o-3')];
    ddb
      .on(BatchWriteCommand)
      .callsFakeOnce((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: { [TABLE]: input.RequestItems[TABLE]?.slice(1) } }))
      .callsFakeOnce((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: { [TABLE]: input.RequestItems[TABLE]?.slice(1) } }))
      .resolves({ UnprocessedItems: {} });

    // Act
    const putting = repository().putEvents(events);
    await jest.advanceTimersByTimeAsync(5_000);
    await putting;

    // Assess
    expect(writtenBatches().map((batch) => batch.map((item) => item.eventId))).toEqual([['o-1', 'o-2', 'o-3'], ['o-2', 'o-3'], ['o-3']]);
  });

  it('does not write the unprocessed items again before the pause has passed', async () => {
    // Prepare: full jitter drawn at half its bound, 25 ms.
    jest.useFakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: [{ PutRequest: { Item: { pk: 'orders#o-1' } } }] } })
      .resolves({});

    // Act
    const putting = repository().putEvents([anEvent('o-1')]);
    await jest.advanceTimersByTimeAsync(0);
    const callsBeforePause = ddb.commandCalls(BatchWriteCommand).length;
    await jest.advanceTimersByTimeAsync(1_000);
    await putting;

    // Assess
    expect(callsBeforePause).toBe(1);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(2);
  });

  it('fails after the retry policy\'s attempts when items stay unprocessed', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: input.RequestItems }));

    // Act
    const putting = repository({ attempts: 3 }).putEvents([anEvent('o-1')]);

    // Assess
    await expect(putting).rejects.toThrow('1 items left unprocessed by BatchWriteItem');
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });

  it('writes item by item a batch DynamoDB refuses whole, and returns only the refused items', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).rejects(validationException('Item size has exceeded the maximum allowed size'));
    ddb.on(PutCommand).callsFake((input: { Item: { eventId: string } }) => {
      if (input.Item.eventId === 'o-2') throw validationException('Item size has exceeded the maximum allowed size');
      return {};
    });
    const refused = anEvent('o-2');

    // Act
    const rejected = await repository().putEvents([anEvent('o-1'), refused, anEvent('o-3')]);

    // Assess
    expect(rejected).toEqual([{ event: refused, detail: 'ValidationException: Item size has exceeded the maximum allowed size' }]);
    expect(ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.eventId)).toEqual(['o-1', 'o-2', 'o-3']);
  });

  it('rethrows a transient failure of a single write, so that the batch is retried', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).rejects(validationException('bad item'));
    ddb.on(PutCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const putting = repository().putEvents([anEvent('o-1')]);

    // Assess
    await expect(putting).rejects.toThrow('Rate exceeded');
  });

  it('makes no call for no events', async () => {
    // Act
    await repository().putEvents([]);

    // Assess
    expect(ddb.calls()).toHaveLength(0);
  });

  it('rejects when DynamoDB fails', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).rejects(new Error('throttled'));

    // Act
    const putting = repository().putEvents([anEvent('o-1')]);

    // Assess
    await expect(putting).rejects.toThrow('throttled');
  });
});

describe('EventsRepository.getEvent', () => {
  it('reads the enriched event by stream and id', async () => {
    // Prepare
    ddb.on(GetCommand, { TableName: TABLE, Key: { pk: 'orders#o-1' } }).resolves({ Item: { pk: 'orders#o-1', event: '{"eventId":"o-1"}' } });

    // Act
    const event = await repository().getEvent('orders', 'o-1');

    // Assess
    expect(event).toEqual({ eventId: 'o-1' });
  });

  it('reads numbers no double holds back exactly, as text', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: { pk: 'orders#o-1', event: '{"eventId":"o-1","big":9007199254740993,"small":1.5}' } });

    // Act
    const event = await repository().getEvent('orders', 'o-1');

    // Assess
    expect(event).toEqual({ eventId: 'o-1', big: new LosslessNumber('9007199254740993'), small: 1.5 });
  });

  it('reads an item written before events were kept as text', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: { pk: 'orders#o-1', event: { eventId: 'o-1', amount: 2 } } });

    // Act
    const event = await repository().getEvent('orders', 'o-1');

    // Assess
    expect(event).toEqual({ eventId: 'o-1', amount: 2 });
  });

  it('returns undefined for an unknown id', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});

    // Act
    const event = await repository().getEvent('orders', 'nope');

    // Assess
    expect(event).toBeUndefined();
  });
});

describe('eventKey', () => {
  it('joins stream and event id', () => {
    // Act
    const key = eventKey('tickets', 't-1');

    // Assess
    expect(key).toBe('tickets#t-1');
  });
});
