import { planNextInvocation, type BatchLimits, type PlannedRecord } from '../../../../twin/lambda/batchPlanner';
import { retryDelayMs } from '../../../../twin/lambda/dispatcher';

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
