/**
 * `sales` from record bytes to aggregates: validation keeps everything it accepts foldable and
 * storable, and a fold gives the totals worked out by hand below, negative stock movements included.
 */
import { DEFAULT_VALIDATION_LIMITS } from '../../../../lambdas/config/settings';
import { applyDelta, encodeGroup, foldBatch, type AggregateState, type FoldRecord } from '../../../../lambdas/domain/aggregation';
import { formatScaled } from '../../../../lambdas/domain/decimal';
import { STORE_LIMITS, aggregateItemKey } from '../../../../lambdas/domain/itemKeys';
import { salesStream } from '../../../../lambdas/domain/streams/sales';
import type { AnyStreamDefinition, EventObject } from '../../../../lambdas/domain/streams/types';
import { validateRecord, type ValidationResult } from '../../../../lambdas/domain/validation';
import { EVENT_TIME_MS, bytesOf } from '../../../helpers/events';
import { aSale, anAdjustment } from '../../../helpers/salesTracksEvents';

const sales = salesStream as unknown as AnyStreamDefinition;
const RECORD_TS = EVENT_TIME_MS + 1_500;

function validated(event: EventObject | Buffer): ValidationResult {
  return validateRecord(sales, Buffer.isBuffer(event) ? event : bytesOf(event), RECORD_TS, DEFAULT_VALIDATION_LIMITS);
}

function outcomeOf(result: ValidationResult): string {
  return result.valid ? 'valid' : `${result.reason}: ${result.detail}`;
}

/** Every aggregate of a batch folded from nothing, by `aggregation|group`, without offsets. */
function totalsOf(events: readonly EventObject[]): Record<string, Omit<AggregateState, 'offsets'>> {
  const records: FoldRecord[] = events.map((event, offset) => ({ partition: 'sales-0', offset, recordTimestampMs: RECORD_TS, result: validated(event) }));
  const totals: Record<string, Omit<AggregateState, 'offsets'>> = {};
  for (const delta of foldBatch(sales, records).deltas) {
    const { offsets: _offsets, ...measures } = applyDelta(undefined, delta) as AggregateState;
    totals[`${delta.key.aggregation}|${encodeGroup(delta.key.group)}`] = measures;
  }
  return totals;
}

describe('validateRecord on sales', () => {
  it('accepts an order line and enriches it', () => {
    // Act
    const result = validated(aSale());

    // Assess
    expect(result).toMatchObject({ valid: true, eventId: 'evt-0001', eventTimeMs: EVENT_TIME_MS, enriched: { net_amount: 101.75, discount_band: 'standard' } });
  });

  it('names both values of a total that disagrees with the line', () => {
    // Act
    const outcome = outcomeOf(validated(aSale({ total_price: 101.73 })));

    // Assess
    expect(outcome).toBe(
      'schema: total_price: 101.73 disagrees by more than a cent with quantity × unit_price × (1 − discount) = 3 × 39.9 × (1 − 0.15) = 101.745',
    );
  });

  it.each([
    ['the largest net amount summed exactly', aSale({ quantity: 1, unit_price: 9_999_999_999_999.99, discount: 0, total_price: 9_999_999_999_999.99 }), 'valid'],
    [
      'a net amount a cent beyond it',
      aSale({ quantity: 1, unit_price: 10_000_000_000_000, discount: 0, total_price: 10_000_000_000_000 }),
      'schema: net_amount: 10000000000000 is beyond ±9999999999999.99, the largest value one event may carry exactly',
    ],
    ['the largest stock movement summed exactly', anAdjustment({ adjustment_type: 'CORRECTION', quantity_change: -999_999_999_999_999 }), 'valid'],
    [
      'a stock movement one bottle beyond it',
      anAdjustment({ adjustment_type: 'CORRECTION', quantity_change: -1_000_000_000_000_000 }),
      'schema: quantity_change: -1000000000000000 is beyond ±999999999999999, the largest value one event may carry exactly',
    ],
  ])('keeps every measured value within what is summed exactly: %s', (_case, event, outcome) => {
    // Act
    const result = outcomeOf(validated(event));

    // Assess
    expect(result).toBe(outcome);
  });

  it('accepts a long sales channel whose aggregate keys fit DynamoDB', () => {
    // Prepare
    const result = validated(aSale({ sales_channel: 'é'.repeat(150) }));

    // Act
    const keys = foldBatch(sales, [{ partition: 'sales-0', offset: 0, recordTimestampMs: RECORD_TS, result }]).deltas.map((delta) => aggregateItemKey(delta.key));

    // Assess
    expect(result.valid).toBe(true);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(Buffer.byteLength(key.sk)).toBeLessThanOrEqual(STORE_LIMITS.sortKeyBytes);
  });

  it('refuses a sales channel too long for a DynamoDB sort key as schema, naming it', () => {
    // Act
    const outcome = outcomeOf(validated(aSale({ sales_channel: '🍷'.repeat(100) })));

    // Assess
    expect(outcome).toMatch(/^schema: sales_channel: makes a sort key of 1\d{3} bytes; DynamoDB takes at most 1024$/);
  });

  it('refuses a sales channel that is a lone surrogate as schema', () => {
    // Act
    const outcome = outcomeOf(validated(Buffer.from(bytesOf(aSale({ sales_channel: 'CHANNEL' })).toString().replace('CHANNEL', '\\ud83c'))));

    // Assess
    expect(outcome).toBe('schema: sales_channel: text is not valid Unicode (a lone surrogate)');
  });
});

describe('foldBatch on sales', () => {
  it('gives the totals worked out by hand, in cents and bottles', () => {
    // Prepare: 3 × 39.90 € − 15 % = 101.745 → 10175 c; 6 × 12.35 € − 10 % = 66.69 → 6669 c; 1 × 1.005 € → 101 c.
    const events = [
      aSale({ event_id: 'a' }),
      aSale({ event_id: 'b', category: 'Blanc', quantity: 6, unit_price: 12.35, discount: 0.1, total_price: 66.69, sales_channel: ' web ' }),
      aSale({ event_id: 'c', quantity: 1, unit_price: 1.005, discount: 0, total_price: 1.01, sales_channel: 'WEB' }),
      anAdjustment({ event_id: 'd', adjustment_type: 'BREAKAGE', quantity_change: -2 }),
      anAdjustment({ event_id: 'e', adjustment_type: 'CORRECTION', quantity_change: -999_999_999_999_999 }),
      anAdjustment({ event_id: 'f', adjustment_type: 'RESTOCK', quantity_change: 120 }),
      anAdjustment({ event_id: 'g', adjustment_type: 'BREAKAGE', quantity_change: -1 }),
      aSale({ event_id: 'h', total_price: 99 }),
    ];

    // Act
    const totals = totalsOf(events);

    // Assess
    expect(totals).toEqual({
      'revenue_by_category|category=Rouge': { count: 2, sum: 10276n, min: 101n, max: 10175n },
      'revenue_by_category|category=Blanc': { count: 1, sum: 6669n, min: 6669n, max: 6669n },
      'revenue_by_channel|sales_channel=boutique': { count: 1, sum: 10175n, min: 10175n, max: 10175n },
      'revenue_by_channel|sales_channel=web': { count: 2, sum: 6770n, min: 101n, max: 6669n },
      'stock_movements_by_type|adjustment_type=BREAKAGE': { count: 2, sum: -3n, min: -2n, max: -1n },
      'stock_movements_by_type|adjustment_type=CORRECTION': { count: 1, sum: -999_999_999_999_999n, min: -999_999_999_999_999n, max: -999_999_999_999_999n },
      'stock_movements_by_type|adjustment_type=RESTOCK': { count: 1, sum: 120n, min: 120n, max: 120n },
      'invalid|reason=schema': { count: 1 },
    });
  });

  it('sums negative movements beyond 15 digits exactly, as the API writes them', () => {
    // Prepare
    const events = [-999_999_999_999_999, -999_999_999_999_999, -7].map((quantity_change, index) =>
      anAdjustment({ event_id: `c-${index}`, adjustment_type: 'CORRECTION', quantity_change }),
    );

    // Act
    const correction = totalsOf(events)['stock_movements_by_type|adjustment_type=CORRECTION'];

    // Assess
    expect(correction?.sum).toBe(-2_000_000_000_000_005n);
    expect(formatScaled(correction?.sum ?? 0n, 0)).toBe('-2000000000000005');
  });

  it('folds a Rosé written with a combining accent into the group Rosé', () => {
    // Act
    const totals = totalsOf([aSale({ event_id: 'a', category: 'Rosé' }), aSale({ event_id: 'b', category: 'Rose\u0301' })]);

    // Assess
    expect(totals['revenue_by_category|category=Ros%C3%A9']).toEqual({ count: 2, sum: 20350n, min: 10175n, max: 10175n });
  });
});
