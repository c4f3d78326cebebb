import {
  assembleMskEvent,
  planNextInvocation,
  retryDelayMs,
  toMskEvent,
  toMskHeaders,
  toMskRecord,
  type BatchLimits,
  type MskRecordInput,
  type PlannedRecord,
} from '../../../twin/eventSourceMapping';

const meta = { eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/test/abc-1', bootstrapServers: 'localhost:9092' };

function input(overrides: Partial<MskRecordInput> = {}): MskRecordInput {
  return {
    topic: 'orders',
    partition: 0,
    offset: '15',
    timestamp: '1545084650987',
    key: Buffer.from('order-1'),
    value: Buffer.from('{"amount":1}'),
    headers: {},
    ...overrides,
  };
}

describe('toMskEvent', () => {
  it('builds the AWS envelope with records grouped by "<topic>-<partition>"', () => {
    const event = toMskEvent(
      [
        input({ partition: 0, offset: '1' }),
        input({ partition: 2, offset: '7' }),
        input({ partition: 0, offset: '2' }),
        input({ topic: 'tickets', partition: 0, offset: '3' }),
      ],
      meta,
    );
    expect(event.eventSource).toBe('aws:kafka');
    expect(event.eventSourceArn).toBe(meta.eventSourceArn);
    expect(event.bootstrapServers).toBe('localhost:9092');
    expect(Object.keys(event.records)).toEqual(['orders-0', 'orders-2', 'tickets-0']);
    expect(event.records['orders-0']?.map((record) => record.offset)).toEqual([1, 2]);
    expect(event.records['orders-2']?.map((record) => record.offset)).toEqual([7]);
    expect(event.records['tickets-0']?.[0]?.topic).toBe('tickets');
  });

  it('encodes key and value in base64 and offset and timestamp as numbers', () => {
    const event = toMskEvent([input({ offset: 42, value: Buffer.from([0, 255, 1]) })], meta);
    const record = event.records['orders-0']?.[0];
    expect(record).toEqual({
      topic: 'orders',
      partition: 0,
      offset: 42,
      timestamp: 1545084650987,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('order-1').toString('base64'),
      value: 'AP8B',
      headers: [],
    });
  });

  it('omits the key of a keyless record and the value of a tombstone, as AWS does', () => {
    const record = toMskRecord(input({ key: null, value: null }));
    expect('key' in record).toBe(false);
    expect('value' in record).toBe(false);
    expect(JSON.parse(JSON.stringify(record))).not.toHaveProperty('key');
  });

  it('keeps an empty (non-null) key as an empty base64 string', () => {
    expect(toMskRecord(input({ key: Buffer.alloc(0) })).key).toBe('');
  });

  it('reports LOG_APPEND_TIME when the batch says so', () => {
    expect(toMskRecord(input({ timestampType: 'LOG_APPEND_TIME' })).timestampType).toBe('LOG_APPEND_TIME');
  });

  it('turns headers into one { name: byte array } object per occurrence', () => {
    const headers = toMskHeaders({
      'content-type': Buffer.from('json'),
      trace: 'ab',
      repeated: [Buffer.from([1, 2]), 'c'],
      missing: undefined,
    });
    expect(headers).toEqual([{ 'content-type': [106, 115, 111, 110] }, { trace: [97, 98] }, { repeated: [1, 2] }, { repeated: [99] }]);
    expect(toMskHeaders(undefined)).toEqual([]);
  });

  it('encodes non-ASCII string headers as UTF-8 bytes', () => {
    expect(toMskHeaders({ city: 'Zürich' })).toEqual([{ city: [...Buffer.from('Zürich', 'utf8')] }]);
  });

  it('assembles an empty event without records', () => {
    expect(assembleMskEvent([], meta).records).toEqual({});
  });
});

describe('planNextInvocation', () => {
  const limits: BatchLimits = { batchSize: 3, maxBatchingWindowMs: 500, maxPayloadBytes: 10_000, envelopeBytes: 100 };
  const record = (partition: number, arrivedAtMs: number, bytes = 50): PlannedRecord => ({ topic: 't', partition, bytes, arrivedAtMs });

  it('plans nothing without pending records', () => {
    expect(planNextInvocation([], limits, 0)).toBeUndefined();
  });

  it('waits for the batching window while fewer than batchSize records are pending', () => {
    expect(planNextInvocation([record(0, 1_000), record(1, 1_200)], limits, 1_300)).toEqual({ indices: [0, 1], dueAtMs: 1_500 });
  });

  it('is due at once with batchSize records and never takes more', () => {
    const pending = [record(0, 1_000), record(1, 1_000), record(2, 1_000), record(0, 1_000)];
    expect(planNextInvocation(pending, limits, 1_010)).toEqual({ indices: [0, 1, 2], dueAtMs: 1_010 });
    expect(planNextInvocation(pending.slice(0, 3), limits, 1_010)).toEqual({ indices: [0, 1, 2], dueAtMs: 1_010 });
  });

  it('takes partitions round-robin, each partition\'s oldest records first', () => {
    // Pending as one fetch hands it over: all of partition 0, then all of partition 1, then 2.
    const pending = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2].map((partition) => record(partition, 0));
    const plan = planNextInvocation(pending, { ...limits, batchSize: 6 }, 0);
    expect(plan?.indices).toEqual([0, 1, 4, 5, 8, 9]);
  });

  it('keeps each partition contiguous: later records of a partition never come before earlier ones', () => {
    const pending = [record(0, 0), record(1, 0), record(0, 0), record(0, 0), record(1, 0)];
    const indices = planNextInvocation(pending, { ...limits, batchSize: 3 }, 0)?.indices ?? [];
    expect(indices).toEqual([0, 1, 2]);
    for (const partition of [0, 1]) {
      const ofPartition = pending.map((r, i) => (r.partition === partition ? i : -1)).filter((i) => i >= 0);
      const chosen = indices.filter((i) => pending[i]?.partition === partition);
      expect(chosen).toEqual(ofPartition.slice(0, chosen.length));
    }
  });

  it('splits before the payload limit and is then due at once', () => {
    const big = { ...limits, batchSize: 100, maxPayloadBytes: 400 };
    // 100 envelope + ("t-0" key 5+4) + 3 × (100+1) = 412 > 400, so only two fit.
    const pending = [record(0, 0, 100), record(0, 0, 100), record(0, 0, 100)];
    expect(planNextInvocation(pending, big, 10)).toEqual({ indices: [0, 1], dueAtMs: 10 });
  });

  it('counts each partition key once toward the payload', () => {
    const big = { ...limits, batchSize: 100, maxPayloadBytes: 100 + 9 + 51 + 9 + 51 + 51 };
    const pending = [record(0, 0), record(0, 0), record(1, 0), record(1, 0)];
    // Round-robin: 0@0, 1@2, 0@1 fit; 1@3 would exceed.
    expect(planNextInvocation(pending, big, 0)?.indices).toEqual([0, 1, 2]);
  });

  it('still plans a single record that alone exceeds the payload limit', () => {
    expect(planNextInvocation([record(0, 0, 20_000), record(0, 0)], limits, 5)).toEqual({ indices: [0], dueAtMs: 5 });
  });

  it('with a zero window is due as soon as a record is pending', () => {
    expect(planNextInvocation([record(0, 700)], { ...limits, maxBatchingWindowMs: 0 }, 700)).toEqual({ indices: [0], dueAtMs: 700 });
  });
});

describe('retryDelayMs', () => {
  it('doubles from initial and caps at max', () => {
    const backoff = { initial: 100, max: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, backoff))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});
