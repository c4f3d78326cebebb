import type { BatchControls, ConsumedRecord, ConsumerGroupMember, ConsumerGroupOptions, FetchedBatch, KafkaAdmin, KafkaPort } from '../../../../lambdas/adapters/kafka';
import type { BatchLimits } from '../../../../twin/lambda/batchPlanner';
import { systemClock } from '../../../../twin/lambda/clock';
import { RESTART_BACKOFF_MS, startMember, type MemberState } from '../../../../twin/lambda/mappingMember';
import { PendingBuffer } from '../../../../twin/lambda/pendingBuffer';

const NOW = Date.parse('2026-11-25T04:00:00Z');
const LIMITS: BatchLimits = { batchSize: 100, maxBatchingWindowMs: 100, maxPayloadBytes: 1_000_000, envelopeBytes: 100 };

/** One consumer the fake port built: what it was told, and the handles to drive it. */
interface FakeConsumer {
  readonly options: ConsumerGroupOptions;
  onBatch?: (batch: FetchedBatch, controls: BatchControls) => Promise<void>;
  stopped: boolean;
}

/** A Kafka port whose consumers join at once and are driven by the test; `failStarts` makes that many starts throw. */
function fakePort(failStarts = 0) {
  const consumers: FakeConsumer[] = [];
  let starts = 0;
  const admin: KafkaAdmin = {
    ensureTopics: async () => [],
    topicOffsets: async () => [0, 1, 2].map((partition) => ({ partition, low: 0n, high: 0n })),
    committedOffsets: async () => new Map(),
    probe: async () => undefined,
    close: async () => undefined,
  };
  const port: KafkaPort = {
    publisher: () => {
      throw new Error('not used');
    },
    admin: async () => admin,
    consumerGroupMember: (_clientId, options): ConsumerGroupMember => {
      const consumer: FakeConsumer = { options, stopped: false };
      consumers.push(consumer);
      return {
        start: async (onBatch) => {
          starts += 1;
          if (starts > 1 && starts <= 1 + failStarts) throw new Error('broker not reachable');
          consumer.onBatch = onBatch;
          options.events?.onJoin?.(options.topics.map((topic) => `${topic}-0`).concat(options.topics.map((topic) => `${topic}-1`)));
        },
        commit: async () => undefined,
        pause: () => undefined,
        stop: async () => void (consumer.stopped = true),
      };
    },
  };
  return { port, consumers };
}

function consumed(topic: string, partition: number, offset: number): ConsumedRecord {
  return { topic, partition, offset: String(offset), timestamp: String(NOW), timestampType: 'CREATE_TIME', key: null, value: Buffer.from('{}'), headers: [] };
}

const controls: BatchControls = { markFetched: () => undefined, heartbeat: async () => undefined, isActive: () => true };

/** A member of group `pulse-enrichment-<topic>` on the fake port, with what it logs and its buffer. */
async function member(port: KafkaPort, topic: string, toPending?: () => never) {
  const errors: string[] = [];
  const warnings: string[] = [];
  const buffer = new PendingBuffer(LIMITS);
  const state: MemberState = { assigned: new Set(), consuming: false, crashes: 0 };
  const handle = await startMember({
    kafka: port,
    topics: [topic],
    groupId: `pulse-enrichment-${topic}`,
    startingPosition: 'TRIM_HORIZON',
    functionName: 'pulse-enrichment',
    buffer,
    state,
    clock: systemClock,
    logger: { info: () => undefined, warn: (line) => void warnings.push(line), error: (line) => void errors.push(line) },
    toPending:
      toPending ??
      ((record, arrivedAtMs) => ({ topic: record.topic, partition: record.partition, offset: BigInt(record.offset), timestampMs: NOW, bytes: 10, arrivedAtMs, record: { topic: record.topic, partition: record.partition, offset: Number(record.offset), timestamp: NOW, timestampType: 'CREATE_TIME', headers: [] } })),
  });
  return { handle, buffer, state, errors, warnings };
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('startMember after a crash', () => {
  it('logs the crash with the fetch positions it failed at, reports it, and starts the consumer again after the backoff', async () => {
    // Prepare: offsets 0-9 of partition 0 were handed over; the next fetch fails to decode.
    const { port, consumers } = fakePort();
    const { state, errors, warnings, handle } = await member(port, 'orders');
    await consumers[0]!.onBatch!({ topic: 'orders', partition: 0, records: Array.from({ length: 10 }, (_, offset) => consumed('orders', 0, offset)) }, controls);

    // Act
    consumers[0]!.options.events!.onCrash!(new Error('cannot decompress a snappy record batch of 4096 bytes: unreachable'), false);

    // Assess: visible at once, with where it failed.
    expect(state).toMatchObject({ consuming: false, crashes: 1, lastCrash: { atMs: NOW } });
    expect(state.lastCrash?.message).toBe('Error: cannot decompress a snappy record batch of 4096 bytes: unreachable (while fetching orders-0 from offset 10, orders-1 from its committed offset)');
    expect(errors).toEqual([expect.stringContaining('crashed (crash 1): Error: cannot decompress a snappy record batch')]);
    expect(errors[0]).toContain('starting it again in 1 s');

    // Act: the backoff passes.
    await jest.advanceTimersByTimeAsync(RESTART_BACKOFF_MS.initial);

    // Assess
    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.stopped).toBe(true);
    expect(state.consuming).toBe(true);
    expect(warnings).toEqual([expect.stringContaining('started again after a crash')]);
    await handle.stop();
  });

  it('names the batch whose hand-over failed when that failure is what crashed the consumer', async () => {
    // Prepare: the records of this batch cannot be made into pending records.
    const { port, consumers } = fakePort();
    const failure = new Error('record timestamp out of range');
    const { state, handle } = await member(port, 'orders', () => {
      throw failure;
    });
    const handing = consumers[0]!.onBatch!({ topic: 'orders', partition: 1, records: [consumed('orders', 1, 42), consumed('orders', 1, 43)] }, controls);
    await expect(handing).rejects.toBe(failure);

    // Act: kafkajs gives up retrying and crashes with its own error wrapping the failure.
    consumers[0]!.options.events!.onCrash!(Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: failure }), true);

    // Assess
    expect(state.lastCrash?.message).toBe('KafkaJSNumberOfRetriesExceeded: retries exceeded (on the batch of 2 records orders-1@42-43)');
    expect(state.consuming).toBe(false);
    await handle.stop();
  });

  it('waits longer after each crash in a row, until the consumer gets a batch through', async () => {
    // Prepare
    const { port, consumers } = fakePort();
    const { errors, handle } = await member(port, 'orders');

    // Act: three crashes in a row, each right after the restart.
    for (let crash = 0; crash < 3; crash += 1) {
      consumers.at(-1)!.options.events!.onCrash!(new Error('corrupt batch'), false);
      await jest.advanceTimersByTimeAsync(RESTART_BACKOFF_MS.max);
    }
    await consumers.at(-1)!.onBatch!({ topic: 'orders', partition: 0, records: [consumed('orders', 0, 0)] }, controls);
    consumers.at(-1)!.options.events!.onCrash!(new Error('corrupt batch'), false);

    // Assess: 1 s, 2 s, 4 s, then 1 s again after progress.
    expect(errors.map((line) => /again in (\d+) s/.exec(line)?.[1])).toEqual(['1', '2', '4', '1']);
    await handle.stop();
  });

  it('keeps trying to start a consumer that cannot start, with growing waits, and logs each failure', async () => {
    // Prepare: the first two restarts fail.
    const { port, consumers } = fakePort(2);
    const { state, errors, handle } = await member(port, 'orders');

    // Act
    consumers[0]!.options.events!.onCrash!(new Error('corrupt batch'), false);
    await jest.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);

    // Assess
    expect(errors.filter((line) => line.includes('starting the consumer of group pulse-enrichment-orders again failed'))).toHaveLength(2);
    expect(state.consuming).toBe(true);
    await handle.stop();
  });

  it('leaves the consumers of other streams running', async () => {
    // Prepare
    const { port, consumers } = fakePort();
    const orders = await member(port, 'orders');
    const tickets = await member(port, 'tickets');

    // Act: the orders consumer crashes; the tickets consumer keeps fetching meanwhile.
    consumers[0]!.options.events!.onCrash!(new Error('corrupt batch'), false);
    await consumers[1]!.onBatch!({ topic: 'tickets', partition: 0, records: [consumed('tickets', 0, 0), consumed('tickets', 0, 1)] }, controls);

    // Assess
    expect(orders.state.consuming).toBe(false);
    expect(tickets.state).toMatchObject({ consuming: true, crashes: 0 });
    expect(tickets.buffer.records.map((record) => `${record.topic}-${record.partition}@${record.offset}`)).toEqual(['tickets-0@0', 'tickets-0@1']);
    await Promise.all([orders.handle.stop(), tickets.handle.stop()]);
  });

  it('does not start a consumer again once the mapping stops', async () => {
    // Prepare
    const { port, consumers } = fakePort();
    const { handle } = await member(port, 'orders');
    consumers[0]!.options.events!.onCrash!(new Error('corrupt batch'), false);

    // Act
    await handle.stop();
    await jest.advanceTimersByTimeAsync(RESTART_BACKOFF_MS.max);

    // Assess
    expect(consumers).toHaveLength(1);
  });
});
