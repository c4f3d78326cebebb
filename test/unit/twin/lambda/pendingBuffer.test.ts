import { PendingBuffer, type PendingRecord } from '../../../../twin/lambda/pendingBuffer';

function record(partition: number, offset: number, bytes = 10): PendingRecord {
  return { topic: 'orders', partition, offset: BigInt(offset), timestampMs: 0, bytes, arrivedAtMs: 0, record: { topic: 'orders', partition, offset, timestamp: 0, timestampType: 'CREATE_TIME', headers: [] } };
}

const offsetsOf = (buffer: PendingBuffer) => buffer.records.map((one) => `${one.partition}@${one.offset}`);

describe('PendingBuffer', () => {
  it('has room until a full invocation is pending, by count or by bytes', () => {
    const byCount = new PendingBuffer({ batchSize: 2, maxPayloadBytes: 1_000 });
    byCount.add([record(0, 1)]);
    expect(byCount.hasRoom()).toBe(true);
    byCount.add([record(0, 2)]);
    expect(byCount.hasRoom()).toBe(false);

    const byBytes = new PendingBuffer({ batchSize: 100, maxPayloadBytes: 25 });
    byBytes.add([record(0, 1, 30)]);
    expect(byBytes.hasRoom()).toBe(false);
  });

  it('skips re-fetched records below their partition\'s floor, and drops pending copies when a floor is set', () => {
    // Prepare
    const buffer = new PendingBuffer({ batchSize: 10, maxPayloadBytes: 1_000 });
    buffer.add([record(0, 1), record(0, 2), record(1, 7)]);

    // Act
    buffer.setFloor('orders-0', 2n);
    buffer.add([record(0, 1), record(0, 3)]);

    // Assess
    expect(offsetsOf(buffer)).toEqual(['0@2', '1@7', '0@3']);
  });

  it('takes records by index, keeps the rest in order, and puts a batch back at the head', () => {
    // Prepare
    const buffer = new PendingBuffer({ batchSize: 10, maxPayloadBytes: 1_000 });
    buffer.add([record(0, 1), record(1, 1), record(0, 2)]);

    // Act
    const taken = buffer.take([0, 2]);
    buffer.putBack(taken);

    // Assess
    expect(taken.map((one) => `${one.partition}@${one.offset}`)).toEqual(['0@1', '0@2']);
    expect(offsetsOf(buffer)).toEqual(['0@1', '0@2', '1@1']);
  });

  it('drops everything on a rebalance, and forgets the floors of partitions no longer assigned', () => {
    // Prepare
    const buffer = new PendingBuffer({ batchSize: 10, maxPayloadBytes: 1_000 });
    buffer.setFloor('orders-0', 5n);
    buffer.add([record(1, 1)]);

    // Act
    buffer.drop();
    buffer.keepFloorsOf(new Set(['orders-1']));
    buffer.add([record(0, 1)]);

    // Assess
    expect(offsetsOf(buffer)).toEqual(['0@1']);
  });
});
