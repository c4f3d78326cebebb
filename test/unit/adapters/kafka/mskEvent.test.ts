import { NotAnMskEventError, isMskEvent, recordsOf } from '../../../../lambdas/adapters/kafka/mskEvent';
import { buildMskEvent } from '../../../helpers/mskEvents';
import fixture from '../../../events/msk-event.json';

const TS = Date.parse('2026-11-25T04:07:13.511Z');

describe('recordsOf', () => {
  it('decodes topic, partition, offset, timestamp, key and value of a record', () => {
    // Prepare
    const event = buildMskEvent([{ topic: 'orders', partition: 2, offset: 1205, timestamp: TS, key: '1042', value: '{"eventId":"o-1"}' }]);

    // Act
    const records = recordsOf(event);

    // Assess
    expect(records).toEqual([
      {
        topic: 'orders',
        partition: 2,
        offset: 1205,
        partitionKey: 'orders-2',
        timestampMs: TS,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('1042'),
        value: Buffer.from('{"eventId":"o-1"}'),
        headers: [],
      },
    ]);
  });

  it('keeps the value bytes exactly, even when they are not UTF-8', () => {
    // Prepare
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x80, 0x7d]);
    const event = buildMskEvent([{ topic: 'orders', partition: 0, offset: 0, timestamp: TS, value: bytes }]);

    // Act
    const [record] = recordsOf(event);

    // Assess
    expect(record?.value).toEqual(bytes);
  });

  it('gives null for a record sent without key and without value', () => {
    // Prepare
    const event = buildMskEvent([{ topic: 'orders', partition: 0, offset: 3, timestamp: TS, key: null, value: null }]);

    // Act
    const [record] = recordsOf(event);

    // Assess
    expect(record?.key).toBeNull();
    expect(record?.value).toBeNull();
  });

  it('keeps an empty value apart from a missing one', () => {
    // Prepare
    const event = buildMskEvent([{ topic: 'orders', partition: 0, offset: 3, timestamp: TS, value: '' }]);

    // Act
    const [record] = recordsOf(event);

    // Assess
    expect(record?.value).toEqual(Buffer.alloc(0));
  });

  it('decodes headers into name and bytes in arrival order, repeated names included', () => {
    // Prepare
    const event = buildMskEvent([
      {
        topic: 'orders',
        partition: 0,
        offset: 0,
        timestamp: TS,
        value: '{}',
        headers: [
          ['traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
          ['tag', 'a'],
          ['tag', Buffer.from([0x00, 0xff])],
        ],
      },
    ]);

    // Act
    const [record] = recordsOf(event);

    // Assess
    expect(record?.headers).toEqual([
      ['traceparent', Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')],
      ['tag', Buffer.from('a')],
      ['tag', Buffer.from([0x00, 0xff])],
    ]);
  });

  it('reads a record without a headers list as having no headers', () => {
    // Prepare
    const event = buildMskEvent([{ topic: 'orders', partition: 0, offset: 0, timestamp: TS, value: '{}' }]);
    const [wire] = event.records['orders-0'] ?? [];
    delete (wire as { headers?: unknown }).headers;

    // Act
    const [record] = recordsOf(event);

    // Assess
    expect(record?.headers).toEqual([]);
  });

  it('returns the records partition by partition, in offset order within each', () => {
    // Prepare
    const event = buildMskEvent([
      { topic: 'orders', partition: 1, offset: 12, timestamp: TS, value: 'c' },
      { topic: 'orders', partition: 1, offset: 10, timestamp: TS, value: 'a' },
      { topic: 'orders', partition: 0, offset: 7, timestamp: TS, value: 'x' },
      { topic: 'orders', partition: 1, offset: 11, timestamp: TS, value: 'b' },
      { topic: 'tickets', partition: 0, offset: 2, timestamp: TS, value: 't' },
    ]);

    // Act
    const order = recordsOf(event).map((record) => `${record.partitionKey}@${record.offset}`);

    // Assess
    expect(order).toEqual(['orders-1@10', 'orders-1@11', 'orders-1@12', 'orders-0@7', 'tickets-0@2']);
  });

  it('sorts offsets numerically, not as text', () => {
    // Prepare
    const event = buildMskEvent([
      { topic: 'orders', partition: 0, offset: 100, timestamp: TS, value: '{}' },
      { topic: 'orders', partition: 0, offset: 99, timestamp: TS, value: '{}' },
    ]);

    // Act
    const offsets = recordsOf(event).map((record) => record.offset);

    // Assess
    expect(offsets).toEqual([99, 100]);
  });

  it('returns no record for an event with no records', () => {
    // Act
    const records = recordsOf({ eventSource: 'aws:kafka', records: {} });

    // Assess
    expect(records).toEqual([]);
  });

  it('decodes a realistic MSK event as AWS sends it', () => {
    // Act
    const records = recordsOf(fixture);

    // Assess
    expect(records.map(({ partitionKey, offset, timestampMs }) => ({ partitionKey, offset, timestampMs }))).toEqual([
      { partitionKey: 'orders-0', offset: 1205, timestampMs: 1795579633511 },
      { partitionKey: 'orders-2', offset: 88, timestampMs: 1795579633620 },
    ]);
    expect(records[0]?.key?.toString()).toBe('1042');
    expect(JSON.parse(records[0]?.value?.toString() ?? '')).toMatchObject({ eventId: '9f2c4e1a7b3d5f6a8c0e2d4b', category: ' Rosé  Wine' });
    expect(records[0]?.headers.map(([name, bytes]) => [name, bytes.toString()])).toEqual([
      ['traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ]);
  });

  it.each([
    ['null', null],
    ['a string', 'aws:kafka'],
    ['an empty object', {}],
    ['an SQS event', { Records: [{ eventSource: 'aws:sqs', body: '{}' }] }],
    ['an event of another source', { eventSource: 'aws:sqs', records: {} }],
    ['an MSK event without records', { eventSource: 'aws:kafka' }],
    ['an MSK event with null records', { eventSource: 'aws:kafka', records: null }],
  ])('rejects %s with NotAnMskEventError', (_case, event) => {
    // Act
    const act = () => recordsOf(event);

    // Assess
    expect(act).toThrow(NotAnMskEventError);
  });
});

describe('isMskEvent', () => {
  it('accepts the self-managed Kafka event, which has the same shape', () => {
    // Act
    const accepted = isMskEvent({ eventSource: 'SelfManagedKafka', records: {} });

    // Assess
    expect(accepted).toBe(true);
  });
});
