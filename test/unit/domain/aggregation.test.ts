import { DEFAULT_VALIDATION_LIMITS } from '../../../lambdas/config/settings';
import {
  aggregateKeyId,
  applyDelta,
  encodeGroup,
  foldBatch,
  type AggregateDelta,
  type AggregateState,
  type FoldRecord,
} from '../../../lambdas/domain/aggregation';
import { pick, randomInt, seededRandom, type RandomSource } from '../../../lambdas/domain/random';
import { STREAMS, streamOfTopic } from '../../../lambdas/domain/streams/registry';
import type { AnyStreamDefinition, EventObject } from '../../../lambdas/domain/streams/types';
import { validateRecord } from '../../../lambdas/domain/validation';
import { aTicket, aView, anOrder, bytesOf } from '../../helpers/events';
import { expectedSalesPlacements, expectedTrackTimeMs, expectedTracksPlacements } from '../../helpers/salesTracksGroundTruth';

const orders = streamOfTopic('orders');
const tickets = streamOfTopic('tickets');

const LIMITS = DEFAULT_VALIDATION_LIMITS;

const MINUTE_7 = Date.parse('2026-11-25T04:07:00Z');
const MINUTE_8 = Date.parse('2026-11-25T04:08:00Z');

/** A validated record, as the aggregation handler hands it to the fold. */
function foldRecord(
  stream: AnyStreamDefinition,
  partition: string,
  offset: number,
  value: EventObject | Buffer,
  recordTimestampMs = Date.parse('2026-11-25T04:07:40Z'),
): FoldRecord {
  const bytes = Buffer.isBuffer(value) ? value : bytesOf(value);
  return { partition, offset, recordTimestampMs, result: validateRecord(stream, bytes, recordTimestampMs, LIMITS) };
}

/** Deltas by `aggregation|group`, for readable assertions on one minute. */
function byAggregationAndGroup(deltas: readonly AggregateDelta[]): Map<string, AggregateDelta> {
  return new Map(deltas.map((delta) => [`${delta.key.aggregation}|${encodeGroup(delta.key.group)}`, delta]));
}

function contributionsOf(delta: AggregateDelta | undefined, partition: string) {
  return delta?.contributions.get(partition);
}

/** The measures of an item, without its offset marks. */
interface Totals {
  count: number;
  sum?: bigint;
  min?: bigint;
  max?: bigint;
}

/** An in-memory aggregates table that applies each delta atomically, as the conditional write does. */
class AggregateStore {
  readonly items = new Map<string, AggregateState>();

  /** Applies the first `limit` deltas (all by default), as an invocation that crashes part-way would. */
  apply(deltas: readonly AggregateDelta[], limit = deltas.length): void {
    for (const delta of deltas.slice(0, limit)) {
      const id = aggregateKeyId(delta.key);
      const next = applyDelta(this.items.get(id), delta);
      if (next) this.items.set(id, next);
    }
  }

  totals(): Map<string, Totals> {
    return new Map(
      [...this.items].map(([id, { count, sum, min, max }]) => [id, { count, ...(sum === undefined ? {} : { sum, min, max }) }]),
    );
  }
}

/**
 * The expected aggregates, computed directly from the records: every record counted once,
 * amounts summed as whole cents. No offsets, no deltas, no fold.
 */
function groundTruth(stream: AnyStreamDefinition, records: readonly FoldRecord[]): Map<string, Totals> {
  const truth = new Map<string, Totals>();
  const add = (aggregation: string, windowStartMs: number, group: Record<string, string>, cents?: bigint) => {
    const id = aggregateKeyId({ stream: stream.name, aggregation, windowStartMs, group });
    const totals = truth.get(id) ?? { count: 0 };
    totals.count += 1;
    if (cents !== undefined) {
      totals.sum = (totals.sum ?? 0n) + cents;
      totals.min = totals.min === undefined || cents < totals.min ? cents : totals.min;
      totals.max = totals.max === undefined || cents > totals.max ? cents : totals.max;
    }
    truth.set(id, totals);
  };
  for (const { result, recordTimestampMs } of records) {
    if (!result.valid) {
      add('invalid', recordTimestampMs - (recordTimestampMs % 60_000), { reason: result.reason });
      continue;
    }
    const minute = result.eventTimeMs - (result.eventTimeMs % 60_000);
    const event = result.enriched;
    if (stream.name === 'orders') {
      add('events_by_type', minute, { type: String(event.type) });
      if (event.type === 'purchase') {
        const cents = BigInt(Math.round(Number(event.amount) * 100));
        add('revenue', minute, {}, cents);
        add('revenue_by_category', minute, { category: String(event.category) }, cents);
      }
    } else if (stream.name === 'tickets') {
      add('by_type', minute, { type: String(event.type) });
      add('by_priority', minute, { priority: String(event.priority) });
      add('by_team', minute, { team: String(event.team) });
    } else {
      const byHand = { sales: expectedSalesPlacements, tracks: expectedTracksPlacements }[stream.name];
      if (!byHand) throw new Error(`no ground truth for the stream ${stream.name}: add one here`);
      const at = stream.name === 'tracks' ? expectedTrackTimeMs(result.event, recordTimestampMs) : result.eventTimeMs;
      for (const { aggregation, group, value } of byHand(result.event)) add(aggregation, at - (at % 60_000), group, value);
    }
  }
  return truth;
}

/** The field each stream's generator puts its event time in. */
const TIME_FIELD: Readonly<Record<string, string>> = { orders: 'ts', tickets: 'createdAt', sales: 'event_timestamp', tracks: 'timestamp' };

/** Realistic records of one partition, over three minutes, about one in eight invalid. */
function partitionRecords(stream: AnyStreamDefinition, partition: string, count: number, random: RandomSource): FoldRecord[] {
  const start = Date.parse('2026-11-25T04:07:00Z');
  return Array.from({ length: count }, (_, offset) => {
    const recordTs = start + randomInt(random, 2_000, 180_000);
    const roll = random.next();
    if (roll < 0.05) return foldRecord(stream, partition, offset, Buffer.from('{"broken":'), recordTs);
    if (roll < 0.08) return foldRecord(stream, partition, offset, Buffer.from('[]'), recordTs);
    const event = stream.generate(random, recordTs);
    if (roll < 0.12) {
      return foldRecord(stream, partition, offset, { ...event, [TIME_FIELD[stream.name] as string]: new Date(recordTs + 3_600_000).toISOString() }, recordTs);
    }
    return foldRecord(stream, partition, offset, event, recordTs);
  });
}

function shuffled<T>(items: readonly T[], random: RandomSource): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = randomInt(random, 0, i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('foldBatch', () => {
  it('gathers a batch into one delta per touched aggregate item', () => {
    // Prepare
    const records = [
      foldRecord(orders, 'orders-0', 10, anOrder({ eventId: 'a', category: 'Books', price: 10, quantity: 1 })),
      foldRecord(orders, 'orders-0', 11, anOrder({ eventId: 'b', category: 'Books', price: 5.5, quantity: 2 })),
      foldRecord(orders, 'orders-0', 12, aView({ eventId: 'c' })),
      foldRecord(orders, 'orders-0', 13, aView({ eventId: 'd' })),
    ];

    // Act
    const deltas = foldBatch(orders, records).deltas;

    // Assess
    expect(deltas.map((delta) => `${delta.key.aggregation}|${encodeGroup(delta.key.group)}`).sort()).toEqual([
      'events_by_type|type=purchase',
      'events_by_type|type=view',
      'revenue_by_category|category=books',
      'revenue|',
    ]);
    expect(new Set(deltas.map((delta) => aggregateKeyId(delta.key))).size).toBe(deltas.length);
  });

  it('folds only purchases into revenue, their amounts in cents at scale 2', () => {
    // Prepare
    const records = [
      foldRecord(orders, 'orders-0', 0, anOrder({ eventId: 'p', price: 19.99, quantity: 2 })),
      foldRecord(orders, 'orders-0', 1, anOrder({ eventId: 'c', type: 'add_to_cart', price: 500, quantity: 1 })),
      foldRecord(orders, 'orders-0', 2, aView({ eventId: 'v', price: 7 })),
    ];

    // Act
    const revenue = byAggregationAndGroup(foldBatch(orders, records).deltas).get('revenue|');

    // Assess
    expect(revenue?.scale).toBe(2);
    expect(contributionsOf(revenue, 'orders-0')).toEqual([{ offset: 0, value: 3998n }]);
  });

  it('counts events by type without a measure', () => {
    // Prepare
    const records = [foldRecord(orders, 'orders-1', 5, anOrder({ type: 'add_to_cart' }))];

    // Act
    const delta = byAggregationAndGroup(foldBatch(orders, records).deltas).get('events_by_type|type=add_to_cart');

    // Assess
    expect(delta?.scale).toBeUndefined();
    expect(contributionsOf(delta, 'orders-1')).toEqual([{ offset: 5 }]);
  });

  it('groups spelling variants of a category into one normalised group', () => {
    // Prepare
    const records = [
      foldRecord(orders, 'orders-0', 0, anOrder({ eventId: 'a', category: ' Rosé  Wine ' })),
      foldRecord(orders, 'orders-0', 1, anOrder({ eventId: 'b', category: 'rosé wine' })),
      foldRecord(orders, 'orders-0', 2, anOrder({ eventId: 'c', category: 'ROSÉ WINE' })),
    ];

    // Act
    const deltas = foldBatch(orders, records).deltas.filter((delta) => delta.key.aggregation === 'revenue_by_category');

    // Assess
    expect(deltas).toHaveLength(1);
    expect(deltas[0]?.key.group).toEqual({ category: 'rosé wine' });
    expect(contributionsOf(deltas[0], 'orders-0')?.map((contribution) => contribution.offset)).toEqual([0, 1, 2]);
  });

  it('puts valid events in the minute of their event time', () => {
    // Prepare
    const recordTs = Date.parse('2026-11-25T04:08:05Z');
    const records = [
      foldRecord(orders, 'orders-0', 0, aView({ eventId: 'a', ts: '2026-11-25T04:07:59.999Z' }), recordTs),
      foldRecord(orders, 'orders-0', 1, aView({ eventId: 'b', ts: '2026-11-25T05:08:00+01:00' }), recordTs),
    ];

    // Act
    const windows = foldBatch(orders, records).deltas.map((delta) => delta.key.windowStartMs);

    // Assess
    expect(windows.sort()).toEqual([MINUTE_7, MINUTE_8]);
  });

  it('counts an invalid record in the minute of its record timestamp, grouped by reason', () => {
    // Prepare
    const records = [
      foldRecord(orders, 'orders-2', 40, Buffer.from('{"eventId":'), Date.parse('2026-11-25T04:08:10Z')),
      foldRecord(orders, 'orders-2', 41, anOrder({ userId: 0 }), Date.parse('2026-11-25T04:07:10Z')),
      foldRecord(orders, 'orders-2', 42, Buffer.from('{"eventId":'), Date.parse('2026-11-25T04:08:59Z')),
    ];

    // Act
    const deltas = foldBatch(orders, records).deltas;

    // Assess
    expect(
      deltas.map((delta) => ({
        key: delta.key,
        offsets: contributionsOf(delta, 'orders-2')?.map((contribution) => contribution.offset),
      })),
    ).toEqual([
      { key: { stream: 'orders', aggregation: 'invalid', windowStartMs: MINUTE_8, group: { reason: 'malformed_json' } }, offsets: [40, 42] },
      { key: { stream: 'orders', aggregation: 'invalid', windowStartMs: MINUTE_7, group: { reason: 'schema' } }, offsets: [41] },
    ]);
  });

  it('keeps contributions apart by source partition, in offset order', () => {
    // Prepare
    const records = [
      foldRecord(orders, 'orders-0', 7, aView({ eventId: 'a' })),
      foldRecord(orders, 'orders-0', 8, aView({ eventId: 'b' })),
      foldRecord(orders, 'orders-2', 3, aView({ eventId: 'c' })),
    ];

    // Act
    const [delta] = foldBatch(orders, records).deltas;

    // Assess
    expect([...(delta?.contributions ?? [])]).toEqual([
      ['orders-0', [{ offset: 7 }, { offset: 8 }]],
      ['orders-2', [{ offset: 3 }]],
    ]);
  });

  it('folds tickets by type, priority and team', () => {
    // Prepare
    const records = [foldRecord(tickets, 'tickets-0', 0, aTicket({ type: 'question', priority: 'low' }))];

    // Act
    const groups = foldBatch(tickets, records).deltas.map((delta) => `${delta.key.aggregation}|${encodeGroup(delta.key.group)}`);

    // Assess
    expect(groups).toEqual(['by_type|type=question', 'by_priority|priority=low', 'by_team|team=Information%20Desk']);
  });

  it('returns no delta for an empty batch', () => {
    // Act
    const deltas = foldBatch(orders, []).deltas;

    // Assess
    expect(deltas).toEqual([]);
  });

  it('never sees a purchase whose amount cannot be summed exactly: validation makes it invalid, counted by reason', () => {
    // Prepare
    const record = foldRecord(orders, 'orders-0', 0, anOrder({ price: 1e14, quantity: 1 }));

    // Act
    const deltas = foldBatch(orders, [record]).deltas;

    // Assess
    expect(record.result).toMatchObject({ valid: false, reason: 'schema' });
    expect(deltas.map((delta) => [delta.key.aggregation, delta.key.group])).toEqual([['invalid', { reason: 'schema' }]]);
  });
});

describe('encodeGroup', () => {
  it('encodes dimensions and values as URI components', () => {
    // Act
    const text = encodeGroup({ category: 'rosé wine' });

    // Assess
    expect(text).toBe('category=ros%C3%A9%20wine');
  });

  it('gives the empty string for an ungrouped aggregate', () => {
    // Act
    const text = encodeGroup({});

    // Assess
    expect(text).toBe('');
  });

  it('keeps & and = in values apart from the separators', () => {
    // Act
    const text = encodeGroup({ category: 'home & garden', type: 'a=b' });

    // Assess
    expect(text).toBe('category=home%20%26%20garden&type=a%3Db');
  });
});

describe('applyDelta', () => {
  const key = { stream: 'orders', aggregation: 'revenue', windowStartMs: MINUTE_7, group: {} };

  function delta(contributions: Record<string, [offset: number, value: bigint][]>): AggregateDelta {
    return {
      key,
      scale: 2,
      contributions: new Map(
        Object.entries(contributions).map(([partition, list]) => [partition, list.map(([offset, value]) => ({ offset, value }))]),
      ),
    };
  }

  it('creates the state of a new item with count, sum, min, max and the highest offset', () => {
    // Act
    const state = applyDelta(undefined, delta({ 'orders-0': [[3, 500n], [4, 120n], [9, 999n]] }));

    // Assess
    expect(state).toEqual({ count: 3, sum: 1619n, min: 120n, max: 999n, offsets: { 'orders-0': 9 } });
  });

  it('keeps a count-only item without sum, min and max', () => {
    // Prepare
    const countOnly: AggregateDelta = { key, contributions: new Map([['orders-0', [{ offset: 1 }, { offset: 2 }]]]) };

    // Act
    const state = applyDelta(undefined, countOnly);

    // Assess
    expect(state).toEqual({ count: 2, offsets: { 'orders-0': 2 } });
  });

  it('returns undefined for a redelivered delta that brings nothing new', () => {
    // Prepare
    const once = delta({ 'orders-0': [[3, 500n], [4, 120n]] });
    const current = applyDelta(undefined, once);

    // Act
    const again = applyDelta(current, once);

    // Assess
    expect(again).toBeUndefined();
  });

  it('applies only the contributions above the partition mark', () => {
    // Prepare
    const current: AggregateState = { count: 2, sum: 620n, min: 120n, max: 500n, offsets: { 'orders-0': 4 } };

    // Act
    const state = applyDelta(current, delta({ 'orders-0': [[3, 500n], [4, 120n], [5, 50n], [6, 700n]] }));

    // Assess
    expect(state).toEqual({ count: 4, sum: 1370n, min: 50n, max: 700n, offsets: { 'orders-0': 6 } });
  });

  it('keeps a mark per source partition', () => {
    // Prepare
    const current: AggregateState = { count: 1, sum: 100n, min: 100n, max: 100n, offsets: { 'orders-0': 50, 'orders-1': 2 } };

    // Act
    const state = applyDelta(current, delta({ 'orders-0': [[50, 100n]], 'orders-1': [[3, 200n]], 'orders-2': [[0, 300n]] }));

    // Assess
    expect(state).toEqual({ count: 3, sum: 600n, min: 100n, max: 300n, offsets: { 'orders-0': 50, 'orders-1': 3, 'orders-2': 0 } });
  });

  it('leaves the current state untouched', () => {
    // Prepare
    const current: AggregateState = { count: 1, sum: 100n, min: 100n, max: 100n, offsets: { 'orders-0': 1 } };
    const copy = structuredClone(current);

    // Act
    applyDelta(current, delta({ 'orders-0': [[2, 5n]] }));

    // Assess
    expect(current).toEqual(copy);
  });
});

describe('exactly-once folding under retries', () => {
  const stream = orders;
  const random = seededRandom(20261125);
  const records = partitionRecords(stream, 'orders-0', 200, random);
  const slice = (from: number, to: number) => records.filter((record) => record.offset >= from && record.offset <= to);

  it('has records that touch many items, some invalid', () => {
    // Act
    const truth = groundTruth(stream, records);

    // Assess
    expect(truth.size).toBeGreaterThan(20);
    expect(records.some((record) => !record.result.valid)).toBe(true);
  });

  it('yields the ground truth when a try of 0..99 crashes after some items and the retry reads 0..149', () => {
    // Prepare
    const store = new AggregateStore();
    const firstTry = foldBatch(stream, slice(0, 99)).deltas;
    store.apply(firstTry, Math.floor(firstTry.length / 2));

    // Act
    store.apply(foldBatch(stream, slice(0, 149)).deltas);
    store.apply(foldBatch(stream, slice(150, 199)).deltas);

    // Assess
    expect(store.totals()).toEqual(groundTruth(stream, records));
  });

  it('yields the ground truth when a crashed try of 0..99 is retried as 0..49 and then 50..149', () => {
    // Prepare
    const store = new AggregateStore();
    const firstTry = foldBatch(stream, slice(0, 99)).deltas;
    store.apply([...firstTry].reverse(), Math.floor(firstTry.length / 3));

    // Act
    store.apply(foldBatch(stream, slice(0, 49)).deltas);
    store.apply(foldBatch(stream, slice(50, 149)).deltas);
    store.apply(foldBatch(stream, slice(150, 199)).deltas);

    // Assess
    expect(store.totals()).toEqual(groundTruth(stream, records));
  });

  it('yields the ground truth when a batch is delivered twice in full', () => {
    // Prepare
    const store = new AggregateStore();
    const batch = foldBatch(stream, slice(0, 199)).deltas;
    store.apply(batch);

    // Act
    store.apply(batch);

    // Assess
    expect(store.totals()).toEqual(groundTruth(stream, records));
  });

  it('counts the records of 100..199 once when a crashed try of 0..199 had folded them into some items', () => {
    // Prepare
    const store = new AggregateStore();
    store.apply(foldBatch(stream, slice(0, 99)).deltas);
    const crashed = foldBatch(stream, slice(100, 199)).deltas;
    store.apply(crashed, Math.ceil(crashed.length / 2));

    // Act
    store.apply(foldBatch(stream, slice(100, 199)).deltas);

    // Assess
    expect(store.totals()).toEqual(groundTruth(stream, records));
  });

  describe.each(STREAMS.map((definition) => [definition.name, definition] as const))('property: random re-batchings and crash points of %s', (_name, definition) => {
    it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('matches the ground truth for seed %p', (seed) => {
      // Prepare
      const rng = seededRandom(seed * 7919 + definition.name.length);
      const partitions = [0, 1, 2].map((index) => `${definition.name}-${index}`);
      const all = partitions.flatMap((partition) => partitionRecords(definition, partition, randomInt(rng, 100, 250), rng));
      const byPartition = new Map(partitions.map((partition) => [partition, all.filter((record) => record.partition === partition)]));
      const committed = new Map(partitions.map((partition) => [partition, 0]));
      const store = new AggregateStore();
      let invocations = 0;

      // Act
      while (partitions.some((partition) => (committed.get(partition) ?? 0) < (byPartition.get(partition)?.length ?? 0))) {
        invocations += 1;
        const batch: FoldRecord[] = [];
        const ends = new Map<string, number>();
        for (const partition of partitions) {
          const from = committed.get(partition) ?? 0;
          const available = byPartition.get(partition) ?? [];
          const to = Math.min(available.length, from + randomInt(rng, 0, 60));
          batch.push(...available.slice(from, to));
          ends.set(partition, to);
        }
        const deltas = shuffled(foldBatch(definition, batch).deltas, rng);
        // The first invocation always crashes part-way, so every run exercises a retry.
        const outcome = invocations === 1 ? 'crash' : pick(rng, ['crash', 'crash', 'lost-commit', 'success', 'success', 'success', 'success'] as const);
        if (outcome === 'crash') {
          store.apply(deltas, randomInt(rng, 0, deltas.length));
          continue;
        }
        store.apply(deltas);
        if (outcome === 'success') for (const [partition, end] of ends) committed.set(partition, end);
      }

      // Assess
      expect(store.totals()).toEqual(groundTruth(definition, all));
    });
  });
});
