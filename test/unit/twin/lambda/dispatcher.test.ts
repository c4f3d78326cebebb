import type { BatchLimits } from '../../../../twin/lambda/batchPlanner';
import { systemClock } from '../../../../twin/lambda/clock';
import { UNBOUNDED_RETRIES, type RetryPolicy } from '../../../../lambdas/config/plan';
import { Dispatcher, type DispatcherOptions, type InvocationOutcome } from '../../../../twin/lambda/dispatcher';
import { PendingBuffer, type PendingRecord } from '../../../../twin/lambda/pendingBuffer';

const LIMITS: BatchLimits = { batchSize: 4, maxBatchingWindowMs: 100, maxPayloadBytes: 1_000_000, envelopeBytes: 100 };
const NOW = Date.parse('2026-11-25T04:00:00Z');

function record(partition: number, offset: number, timestampMs = NOW): PendingRecord {
  return {
    topic: 'orders',
    partition,
    offset: BigInt(offset),
    timestampMs,
    bytes: 10,
    arrivedAtMs: NOW,
    record: { topic: 'orders', partition, offset, timestamp: timestampMs, timestampType: 'CREATE_TIME', headers: [] },
  };
}

const offsetsOf = (records: readonly PendingRecord[]) => records.map((one) => `${one.partition}@${one.offset}`);

/** A dispatcher over a buffer, with every call it makes recorded; `fail` decides each invocation. */
function setUp(options: { retryPolicy?: RetryPolicy; fail?: (records: readonly PendingRecord[], attempt: number) => boolean; redelivery?: 'same' | 'rebatch' } = {}) {
  const buffer = new PendingBuffer(LIMITS);
  const invocations: string[][] = [];
  const commits: string[][] = [];
  const discards: { offsets: string[]; reason: string }[] = [];
  const errors: string[] = [];
  const dispatcherOptions: DispatcherOptions = {
    buffer,
    limits: LIMITS,
    clock: systemClock,
    retryPolicy: options.retryPolicy ?? UNBOUNDED_RETRIES,
    backoff: { initial: 1_000, max: 8_000 },
    redelivery: options.redelivery ?? 'same',
    random: () => 0.4,
    invoke: async (records, attempt): Promise<InvocationOutcome> => {
      invocations.push(offsetsOf(records));
      return options.fail?.(records, attempt) ? { ok: false, error: new Error('handler failed') } : { ok: true };
    },
    revokedOf: () => [],
    commit: async (batch) => void commits.push(offsetsOf(batch)),
    discard: async (records, reason) => void discards.push({ offsets: offsetsOf(records), reason }),
    logger: { info: () => undefined, warn: () => undefined, error: (line) => void errors.push(line) },
  };
  const dispatcher = new Dispatcher(dispatcherOptions);
  const running = dispatcher.run();
  return { buffer, dispatcher, running, invocations, commits, discards, errors };
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('Dispatcher', () => {
  it('invokes a batch once its batching window has passed, then commits it', async () => {
    // Prepare
    const { buffer, dispatcher, running, invocations, commits } = setUp();
    buffer.add([record(0, 1), record(0, 2)]);

    // Act
    await jest.advanceTimersByTimeAsync(99);
    const before = invocations.length;
    await jest.advanceTimersByTimeAsync(1);
    dispatcher.stop();
    await running;

    // Assess
    expect(before).toBe(0);
    expect(invocations).toEqual([['0@1', '0@2']]);
    expect(commits).toEqual([['0@1', '0@2']]);
  });

  it('retries a failed batch whole, after a doubling backoff, and commits only once it succeeds', async () => {
    // Prepare
    const { buffer, dispatcher, running, invocations, commits } = setUp({ fail: (_records, attempt) => attempt <= 2 });
    buffer.add([record(0, 1), record(1, 5)]);

    // Act
    await jest.advanceTimersByTimeAsync(100);
    const afterFirst = [...invocations];
    await jest.advanceTimersByTimeAsync(1_000);
    const afterSecond = [...invocations];
    await jest.advanceTimersByTimeAsync(1_999);
    const beforeThird = invocations.length;
    await jest.advanceTimersByTimeAsync(1);
    dispatcher.stop();
    await running;

    // Assess
    expect(afterFirst).toHaveLength(1);
    expect(afterSecond).toHaveLength(2);
    expect(beforeThird).toBe(2);
    expect(invocations).toEqual([['0@1', '1@5'], ['0@1', '1@5'], ['0@1', '1@5']]);
    expect(commits).toEqual([['0@1', '1@5']]);
  });

  it('discards a batch after the maximum retry attempts and commits past it', async () => {
    // Prepare
    const { buffer, dispatcher, running, invocations, commits, discards } = setUp({
      retryPolicy: { ...UNBOUNDED_RETRIES, maximumRetryAttempts: 2 },
      fail: () => true,
    });
    buffer.add([record(0, 1)]);

    // Act
    await jest.advanceTimersByTimeAsync(100 + 1_000 + 2_000);
    dispatcher.stop();
    await running;

    // Assess
    expect(invocations).toHaveLength(3);
    expect(discards).toEqual([{ offsets: ['0@1'], reason: 'the function failed 3 times: Error: handler failed' }]);
    expect(commits).toEqual([['0@1']]);
  });

  it('splits a failing batch in two and retries each half on its own, in order', async () => {
    // Prepare: the record at offset 3 always fails; with one retry allowed it is discarded alone.
    const poisoned = (records: readonly PendingRecord[]) => records.some((one) => one.offset === 3n);
    const { buffer, dispatcher, running, invocations, discards, commits } = setUp({
      retryPolicy: { maximumRetryAttempts: 0, maximumRecordAgeMs: -1, bisectBatchOnError: true },
      fail: poisoned,
    });
    buffer.add([record(0, 1), record(0, 2), record(0, 3), record(0, 4)]);

    // Act
    await jest.advanceTimersByTimeAsync(100);
    dispatcher.stop();
    await running;

    // Assess
    expect(invocations).toEqual([['0@1', '0@2', '0@3', '0@4'], ['0@1', '0@2'], ['0@3', '0@4'], ['0@3'], ['0@4']]);
    expect(discards.map((discard) => discard.offsets)).toEqual([['0@3']]);
    expect(commits).toEqual([['0@1', '0@2', '0@3', '0@4']]);
  });

  it('discards records older than the maximum record age without invoking them', async () => {
    // Prepare
    const { buffer, dispatcher, running, invocations, discards, commits } = setUp({
      retryPolicy: { ...UNBOUNDED_RETRIES, maximumRecordAgeMs: 60_000 },
    });
    buffer.add([record(0, 1, NOW - 120_000), record(0, 2, NOW - 1_000)]);

    // Act
    await jest.advanceTimersByTimeAsync(100);
    dispatcher.stop();
    await running;

    // Assess
    expect(discards).toEqual([{ offsets: ['0@1'], reason: 'older than the maximum record age of 60000 ms' }]);
    expect(invocations).toEqual([['0@2']]);
    expect(commits).toEqual([['0@1', '0@2']]);
  });

  it('in rebatch mode puts a failed batch back and re-plans it with a drawn batch size', async () => {
    // Prepare: random() 0.4 of batch size 4 draws 2 records.
    let failures = 0;
    const { buffer, dispatcher, running, invocations, commits } = setUp({ redelivery: 'rebatch', fail: () => failures++ === 0 });
    buffer.add([record(0, 1), record(0, 2), record(0, 3), record(0, 4)]);

    // Act
    await jest.advanceTimersByTimeAsync(100 + 1_000);
    dispatcher.stop();
    await running;

    // Assess
    expect(invocations).toEqual([['0@1', '0@2', '0@3', '0@4'], ['0@1', '0@2'], ['0@3', '0@4']]);
    expect(commits).toEqual([['0@1', '0@2'], ['0@3', '0@4']]);
  });

  it('stops retrying when the mapping stops, committing nothing of the failed batch', async () => {
    // Prepare
    const { buffer, dispatcher, running, invocations, commits, errors } = setUp({ fail: () => true });
    buffer.add([record(0, 1)]);

    // Act
    await jest.advanceTimersByTimeAsync(100);
    dispatcher.stop();
    await running;

    // Assess
    expect(invocations).toHaveLength(1);
    expect(commits).toEqual([]);
    expect(errors.at(-1)).toMatch(/^invocation failed \(attempt 1, 1 records \(orders-0@1\)\): Error: handler failed/);
  });
});
