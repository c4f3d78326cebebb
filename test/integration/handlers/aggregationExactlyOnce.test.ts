/**
 * Exactly-once totals of the aggregation handler on a real DynamoDB Local: a batch invoked twice,
 * a crash between item writes followed by a retry with other boundaries, and concurrent batches
 * of different partitions touching the same items.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AggregatesRepository } from '../../../lambdas/adapters/dynamodb/aggregatesRepository';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/client';
import { AGGREGATES_TABLE } from '../../../lambdas/config/tables';
import type { AggregateDelta } from '../../../lambdas/domain/aggregation';
import { createAggregationHandler } from '../../../lambdas/handlers/aggregation';
import { DEFAULT_VALIDATION_LIMITS } from '../../../lambdas/config/settings';
import { createTable } from '../../../twin/provision';
import { buildMskEvent, type MskRecordInput } from '../../helpers/mskEvents';

const endpoint = process.env.DYNAMODB_ENDPOINT as string;
const limits = DEFAULT_VALIDATION_LIMITS;
const base = Date.parse('2026-11-25T10:00:00Z');

/** Purchases over three partitions and two minutes, plus one invalid record per 10. */
function records(): MskRecordInput[] {
  const list: MskRecordInput[] = [];
  for (let offset = 0; offset < 150; offset += 1) {
    for (let partition = 0; partition < 3; partition += 1) {
      const ts = new Date(base + ((offset * 3 + partition) % 120) * 1000).toISOString();
      const value =
        offset % 10 === 9
          ? '{"not json'
          : JSON.stringify({ eventId: `e-${partition}-${offset}`, type: 'purchase', userId: 1 + partition, productId: 'p-1', category: partition === 0 ? 'Books' : ' books ', price: Number((0.1 + (offset % 7) * 1.005).toFixed(3)), quantity: 1 + (offset % 3), channel: 'web', ts });
      list.push({ topic: 'orders', partition, offset, timestamp: base + offset * 100, key: String(1 + partition), value });
    }
  }
  return list;
}

/** What a person computes from the records: revenue count and cents, invalid count. */
function groundTruth(input: MskRecordInput[]) {
  let purchases = 0;
  let cents = 0;
  let invalid = 0;
  for (const record of input) {
    if (String(record.value).startsWith('{"not')) {
      invalid += 1;
      continue;
    }
    const event = JSON.parse(String(record.value)) as { price: number; quantity: number };
    purchases += 1;
    // Exact decimal: price has at most 3 decimals here, so thousandths are integers.
    const milli = Math.round(event.price * 1000) * event.quantity;
    cents += Math.floor(milli / 10) + (milli % 10 >= 5 ? 1 : 0);
  }
  return { purchases, cents: BigInt(cents), invalid };
}

describe('aggregation handler on DynamoDB Local', () => {
  const dynamo = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const documents = createDocumentClient({ endpoint });
  let tableName: string;
  let repository: AggregatesRepository;

  beforeEach(async () => {
    tableName = `aggregates-${randomUUID()}`;
    await createTable(dynamo, AGGREGATES_TABLE, tableName);
    repository = new AggregatesRepository(documents, { tableName, retentionMs: limits.retentionMs });
  });

  afterAll(() => {
    documents.destroy();
    dynamo.destroy();
  });

  async function totals() {
    const points = await repository.querySeries('orders', 'revenue', base - 60_000, base + 600_000);
    const invalidPoints = await repository.querySeries('orders', 'invalid', base - 60_000, base + 600_000);
    const byCategory = await repository.querySeries('orders', 'revenue_by_category', base - 60_000, base + 600_000);
    return {
      purchases: points.reduce((sum, point) => sum + point.count, 0),
      cents: points.reduce((sum, point) => sum + (point.sum ?? 0n), 0n),
      invalid: invalidPoints.reduce((sum, point) => sum + point.count, 0),
      categories: [...new Set(byCategory.map((point) => point.group.category))],
    };
  }

  it('leaves exact totals when the same batch is invoked twice', async () => {
    const input = records();
    const handle = createAggregationHandler({ aggregates: repository, limits });
    const event = buildMskEvent(input);

    const first = await handle(event);
    const second = await handle(event);

    expect(first.written).toBeGreaterThan(0);
    expect(second.written).toBe(0);
    expect(await totals()).toEqual({ ...groundTruth(input), categories: ['books'] });
  });

  it('leaves exact totals when a crash between item writes is followed by a retry with other boundaries', async () => {
    const input = records();
    // The first try covers offsets 0..99 and dies after writing half of its items.
    let writesLeft = 3;
    const crashing = {
      applyDeltas: async (deltas: readonly AggregateDelta[]) => {
        const survivors = deltas.slice(0, writesLeft);
        await repository.applyDeltas(survivors);
        throw new Error('simulated crash after partial writes');
      },
    };
    await expect(createAggregationHandler({ aggregates: crashing, limits })(buildMskEvent(input.filter((r) => Number(r.offset) < 100)))).rejects.toThrow('simulated crash');
    writesLeft = 0;

    // Redelivery is re-batched: 0..49, then 50..149 (Lambda may cut batches anywhere).
    const handle = createAggregationHandler({ aggregates: repository, limits });
    await handle(buildMskEvent(input.filter((r) => Number(r.offset) < 50)));
    await handle(buildMskEvent(input.filter((r) => Number(r.offset) >= 50)));

    expect(await totals()).toEqual({ ...groundTruth(input), categories: ['books'] });
  });

  it('leaves exact totals when batches of different partitions update the same items concurrently', async () => {
    const input = records();
    const handle = createAggregationHandler({ aggregates: repository, limits });

    const outcomes = await Promise.all([0, 1, 2].map((partition) => handle(buildMskEvent(input.filter((r) => r.partition === partition)))));

    expect(outcomes.reduce((sum, outcome) => sum + outcome.records, 0)).toBe(input.length);
    expect(await totals()).toEqual({ ...groundTruth(input), categories: ['books'] });
  });
});
