import { assembleMskEvent, recordsOf, toMskEvent, toMskRecord, type MskRecordInput } from '../../../../lambdas/adapters/kafka/mskEvent';
import fixture from '../../../events/msk-event.json';

const meta = { eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/test/abc-1', bootstrapServers: 'localhost:9092' };

function input(overrides: Partial<MskRecordInput> = {}): MskRecordInput {
  return {
    topic: 'orders',
    partition: 0,
    offset: '15',
    timestamp: '1545084650987',
    key: Buffer.from('order-1'),
    value: Buffer.from('{"amount":1}'),
    headers: [],
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

  it('turns headers into one { name: byte array } object per occurrence, in order', () => {
    const record = toMskRecord(input({ headers: [['content-type', Buffer.from('json')], ['trace', 'ab'], ['repeated', Buffer.from([1, 2])], ['repeated', 'c']] }));
    expect(record.headers).toEqual([{ 'content-type': [106, 115, 111, 110] }, { trace: [97, 98] }, { repeated: [1, 2] }, { repeated: [99] }]);
    expect(toMskRecord(input({ headers: undefined })).headers).toEqual([]);
  });

  it('encodes non-ASCII string headers as UTF-8 bytes', () => {
    expect(toMskRecord(input({ headers: [['city', 'Zürich']] })).headers).toEqual([{ city: [...Buffer.from('Zürich', 'utf8')] }]);
  });

  it('assembles an empty event without records', () => {
    expect(assembleMskEvent([], meta).records).toEqual({});
  });
});

describe('the MSK wire format both ways', () => {
  it('encodes what it decodes from a real MSK event exactly as AWS sent it (golden test)', () => {
    // Prepare
    const decoded = recordsOf(structuredClone(fixture));

    // Act
    const encoded = toMskEvent(
      decoded.map((record) => ({ ...record, timestamp: record.timestampMs })),
      { eventSourceArn: fixture.eventSourceArn, bootstrapServers: fixture.bootstrapServers },
    );

    // Assess
    expect(encoded).toEqual(fixture);
  });
});
