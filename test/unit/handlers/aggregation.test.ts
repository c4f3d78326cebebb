import { DEFAULT_VALIDATION_LIMITS } from '../../../lambdas/config/settings';
import type { AggregatesRepository, ApplyOutcome } from '../../../lambdas/adapters/dynamodb/aggregatesRepository';
import { NotAnMskEventError } from '../../../lambdas/adapters/kafka/mskEvent';
import type { KafkaPublisher, OutgoingMessage } from '../../../lambdas/adapters/kafka/port';
import { encodeGroup, type AggregateDelta } from '../../../lambdas/domain/aggregation';
import { createAggregationHandler } from '../../../lambdas/handlers/aggregation';
import { EVENT_TIME_MS, aTicket, aView, anOrder, bytesOf } from '../../helpers/events';
import { buildMskEvent } from '../../helpers/mskEvents';
import { recordingMetrics } from '../../helpers/recordingMetrics';

const LIMITS = DEFAULT_VALIDATION_LIMITS;
const RECORD_TS = EVENT_TIME_MS + 1_200;
const OUTCOME: ApplyOutcome = { written: 4, unchanged: 1, conflicts: 2, rejected: [] };

function setUp() {
  const applyDeltas = jest.fn<ReturnType<AggregatesRepository['applyDeltas']>, Parameters<AggregatesRepository['applyDeltas']>>().mockResolvedValue(OUTCOME);
  const metrics = recordingMetrics();
  const send = jest.fn<Promise<void>, [string, readonly OutgoingMessage[]]>().mockResolvedValue(undefined);
  const deadLetters: KafkaPublisher = { send, disconnect: jest.fn<Promise<void>, []>().mockResolvedValue(undefined) };
  const handle = createAggregationHandler({ aggregates: { applyDeltas }, limits: LIMITS, deadLetters, metrics, now: () => RECORD_TS + 2_500 });
  return { applyDeltas, handle, metrics, send };
}

function deltasOf(applyDeltas: ReturnType<typeof setUp>['applyDeltas']): readonly AggregateDelta[] {
  return applyDeltas.mock.calls[0]?.[0] ?? [];
}

/** `stream/aggregation/window/group → partition@offsets`, sorted, to compare a call's deltas. */
function describeDeltas(deltas: readonly AggregateDelta[]): string[] {
  return deltas
    .map((delta) => {
      const sources = [...delta.contributions].map(([partition, list]) => `${partition}@${list.map((contribution) => contribution.offset).join(',')}`);
      return `${delta.key.stream}/${delta.key.aggregation}/${new Date(delta.key.windowStartMs).toISOString().slice(11, 16)}/${encodeGroup(delta.key.group)} → ${sources.join(' ')}`;
    })
    .sort();
}

describe('aggregation handler', () => {
  it('folds the whole batch and applies all deltas of all streams in one call', async () => {
    // Prepare
    const { applyDeltas, handle } = setUp();
    const event = buildMskEvent([
      { topic: 'orders', partition: 0, offset: 10, timestamp: RECORD_TS, value: bytesOf(anOrder({ eventId: 'a', price: 10, quantity: 1 })) },
      { topic: 'orders', partition: 1, offset: 3, timestamp: RECORD_TS, value: bytesOf(aView({ eventId: 'b' })) },
      { topic: 'orders', partition: 0, offset: 11, timestamp: RECORD_TS, value: bytesOf(aView({ eventId: 'c' })) },
      { topic: 'tickets', partition: 2, offset: 70, timestamp: RECORD_TS, value: bytesOf(aTicket({ type: 'request', priority: 'low' })) },
    ]);

    // Act
    await handle(event);

    // Assess
    expect(applyDeltas).toHaveBeenCalledTimes(1);
    expect(describeDeltas(deltasOf(applyDeltas))).toEqual([
      'orders/events_by_type/04:07/type=purchase → orders-0@10',
      'orders/events_by_type/04:07/type=view → orders-0@11 orders-1@3',
      'orders/revenue/04:07/ → orders-0@10',
      'orders/revenue_by_category/04:07/category=books → orders-0@10',
      'tickets/by_priority/04:07/priority=low → tickets-2@70',
      'tickets/by_team/04:07/team=Customer%20Care → tickets-2@70',
      'tickets/by_type/04:07/type=request → tickets-2@70',
    ]);
  });

  it('carries the purchase amounts in cents', async () => {
    // Prepare
    const { applyDeltas, handle } = setUp();
    const event = buildMskEvent([
      { topic: 'orders', partition: 0, offset: 1, timestamp: RECORD_TS, value: bytesOf(anOrder({ eventId: 'a', price: 1.005, quantity: 1 })) },
      { topic: 'orders', partition: 0, offset: 2, timestamp: RECORD_TS, value: bytesOf(anOrder({ eventId: 'b', price: 0.1, quantity: 3 })) },
    ]);

    // Act
    await handle(event);

    // Assess
    const revenue = deltasOf(applyDeltas).find((delta) => delta.key.aggregation === 'revenue');
    expect(revenue?.contributions.get('orders-0')).toEqual([
      { offset: 1, value: 101n },
      { offset: 2, value: 30n },
    ]);
  });

  it('counts invalid records by reason in the minute of their record timestamp', async () => {
    // Prepare
    const { applyDeltas, handle } = setUp();
    const late = Date.parse('2026-11-25T04:09:30Z');
    const event = buildMskEvent([
      { topic: 'orders', partition: 0, offset: 1, timestamp: late, value: '{"broken":' },
      { topic: 'orders', partition: 0, offset: 2, timestamp: late, value: bytesOf(aView({ ts: '2026-11-25T05:00:00Z' })) },
      { topic: 'orders', partition: 0, offset: 3, timestamp: late, value: null },
      { topic: 'orders', partition: 0, offset: 4, timestamp: RECORD_TS, value: bytesOf(aView()) },
    ]);

    // Act
    const result = await handle(event);

    // Assess
    expect(result).toEqual({ records: 4, invalid: 3, unprocessable: 0, written: 4, unchanged: 1, conflicts: 2 });
    expect(describeDeltas(deltasOf(applyDeltas).filter((delta) => delta.key.aggregation === 'invalid'))).toEqual([
      'orders/invalid/04:09/reason=malformed_json → orders-0@1',
      'orders/invalid/04:09/reason=not_an_object → orders-0@3',
      'orders/invalid/04:09/reason=too_early → orders-0@2',
    ]);
  });

  it('returns what the repository did with the record counts', async () => {
    // Prepare
    const { handle } = setUp();
    const event = buildMskEvent([{ topic: 'tickets', partition: 0, offset: 0, timestamp: RECORD_TS, value: bytesOf(aTicket()) }]);

    // Act
    const result = await handle(event);

    // Assess
    expect(result).toEqual({ records: 1, invalid: 0, unprocessable: 0, written: 4, unchanged: 1, conflicts: 2 });
  });

  it('counts invalid records and the newest record age per stream, and the items written per batch, in one publish', async () => {
    // Prepare
    const { handle, metrics } = setUp();
    const event = buildMskEvent([
      { topic: 'orders', partition: 0, offset: 1, timestamp: RECORD_TS, value: bytesOf(aView()) },
      { topic: 'orders', partition: 0, offset: 2, timestamp: RECORD_TS, value: '[1]' },
    ]);

    // Act
    await handle(event);

    // Assess
    expect(metrics.points).toEqual([
      ['InvalidRecords', 'Count', 1, 'orders'],
      ['NewestRecordAge', 'Milliseconds', 2_500, 'orders'],
      ['AggregatesWritten', 'Count', OUTCOME.written, undefined],
    ]);
    expect(metrics.published()).toBe(1);
  });

  it('rejects the invocation when the deltas cannot be applied, so Lambda retries the batch', async () => {
    // Prepare
    const { applyDeltas, handle } = setUp();
    applyDeltas.mockRejectedValue(new Error('conflicts persisted'));
    const event = buildMskEvent([{ topic: 'orders', partition: 0, offset: 0, timestamp: RECORD_TS, value: bytesOf(aView()) }]);

    // Act
    const handling = handle(event);

    // Assess
    await expect(handling).rejects.toThrow('conflicts persisted');
  });

  it('rejects an event that is not an MSK event', async () => {
    // Prepare
    const { applyDeltas, handle } = setUp();

    // Act
    const handling = handle({ source: 'aws.events' });

    // Assess
    await expect(handling).rejects.toBeInstanceOf(NotAnMskEventError);
    expect(applyDeltas).not.toHaveBeenCalled();
  });

  it('does not fail a batch because of a purchase too large to sum exactly: it is counted invalid', async () => {
    // Prepare
    const { handle } = setUp();
    const event = buildMskEvent([
      { topic: 'orders', partition: 0, offset: 0, timestamp: RECORD_TS, value: bytesOf(anOrder({ price: 1e14, quantity: 1 })) },
    ]);

    // Act
    const handling = handle(event);

    // Assess
    await expect(handling).resolves.toMatchObject({ records: 1, invalid: 1 });
  });

  it('counts the records behind an item DynamoDB refuses as unprocessable, dead-letters them, and goes on', async () => {
    // Prepare
    const { applyDeltas, handle, send, metrics } = setUp();
    applyDeltas.mockImplementationOnce(async (deltas) => ({
      written: deltas.length - 1,
      unchanged: 0,
      conflicts: 0,
      rejected: deltas.filter((delta) => delta.key.aggregation === 'revenue_by_category').map((delta) => ({ delta, detail: 'ValidationException: key too long' })),
    }));
    applyDeltas.mockResolvedValueOnce({ written: 1, unchanged: 0, conflicts: 0, rejected: [] });
    const event = buildMskEvent([
      { topic: 'orders', partition: 0, offset: 7, timestamp: RECORD_TS, value: bytesOf(anOrder({ eventId: 'p' })) },
      { topic: 'orders', partition: 0, offset: 8, timestamp: RECORD_TS, value: bytesOf(aView({ eventId: 'v' })) },
    ]);

    // Act
    const result = await handle(event);

    // Assess
    expect(result).toMatchObject({ records: 2, invalid: 0, unprocessable: 1, written: 4 });
    expect(describeDeltas(applyDeltas.mock.calls[1]?.[0] ?? [])).toEqual(['orders/invalid/04:07/reason=unprocessable → orders-0@7']);
    expect(send).toHaveBeenCalledTimes(1);
    const [topic, [letter]] = send.mock.calls[0] as [string, OutgoingMessage[]];
    expect(topic).toBe('orders.dlq');
    expect(letter?.headers?.filter(([name]) => name === 'pulse-reason')).toEqual([['pulse-reason', 'unprocessable']]);
    expect(letter?.headers).toContainEqual(['pulse-detail', 'DynamoDB refused aggregate item revenue_by_category: ValidationException: key too long']);
    expect(metrics.points).toContainEqual(['UnprocessableRecords', 'Count', 1, undefined]);
  });

  it('sends no dead letter and makes one store call when every item is taken', async () => {
    // Prepare
    const { applyDeltas, handle, send } = setUp();
    const event = buildMskEvent([{ topic: 'orders', partition: 0, offset: 0, timestamp: RECORD_TS, value: bytesOf(aView()) }]);

    // Act
    await handle(event);

    // Assess
    expect(applyDeltas).toHaveBeenCalledTimes(1);
    expect(send).not.toHaveBeenCalled();
  });
});
