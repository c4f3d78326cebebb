import {
  discountBandOf,
  enrichSale,
  netAmountCents,
  salesEventSchema,
  salesStream,
  warehouseRegionOf,
  type SalesEvent,
} from '../../../../lambdas/domain/streams/sales';
import { aSale, anAdjustment } from '../../../helpers/salesTracksEvents';
import { schemaIssuePaths, schemaIssues } from '../../../helpers/schemaIssues';

function parsed(event: Record<string, unknown>): SalesEvent {
  return salesEventSchema.parse(event);
}

const issuesOf = (event: Record<string, unknown>): string[] => schemaIssues(salesEventSchema, event);
const fieldsOf = (event: Record<string, unknown>): string[] => schemaIssuePaths(salesEventSchema, event);

describe('salesEventSchema', () => {
  it.each([
    ['an order line', aSale()],
    ['a stock adjustment', anAdjustment()],
    ['a total 0.005 under the exact 101.745', aSale({ total_price: 101.74 })],
    ['a total exactly a cent over the exact 101.745', aSale({ total_price: 101.755 })],
    ['a total exactly a cent under the exact 101.745', aSale({ total_price: 101.735 })],
    ['a line given away (discount 1, total 0)', aSale({ discount: 1, total_price: 0 })],
    ['a free bottle (unit price 0)', aSale({ unit_price: 0, total_price: 0 })],
    ['a Melchizedek (30 l)', aSale({ bottle_size_l: 30 })],
    ['a correction upwards', anAdjustment({ adjustment_type: 'CORRECTION', quantity_change: 4 })],
    ['a correction downwards', anAdjustment({ adjustment_type: 'CORRECTION', quantity_change: -4 })],
    ['a transfer out', anAdjustment({ adjustment_type: 'TRANSFER', quantity_change: -36 })],
    ['a restock', anAdjustment({ adjustment_type: 'RESTOCK', quantity_change: 120 })],
  ])('accepts %s', (_case, event) => {
    // Act
    const result = salesEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    ['an unknown event type', aSale({ event_type: 'ORDER_CANCELLED' }), 'event_type'],
    ['no event type', aSale({ event_type: undefined }), 'event_type'],
    ['an event id of 65 characters', aSale({ event_id: 'e'.repeat(65) }), 'event_id'],
    ['an event time without zone', aSale({ event_timestamp: '2026-11-25T04:07:15' }), 'event_timestamp'],
    ['an order line without its line id', aSale({ order_line_id: undefined }), 'order_line_id'],
    ['an order line without customer', aSale({ customer_id: '' }), 'customer_id'],
    ['a blank product name', aSale({ product_name: '  ' }), 'product_name'],
    ['a category not among the five (orange wine)', aSale({ category: 'Orange' }), 'category'],
    ['a category in another case', aSale({ category: 'rouge' }), 'category'],
    ['quantity 0', aSale({ quantity: 0, total_price: 0 }), 'quantity'],
    ['a fractional quantity', aSale({ quantity: 1.5 }), 'quantity'],
    ['a negative unit price', aSale({ unit_price: -39.9 }), 'unit_price'],
    ['a discount over 1', aSale({ discount: 1.5 }), 'discount'],
    ['a negative discount', aSale({ discount: -0.1 }), 'discount'],
    ['a discount given in percent as text', aSale({ discount: '15%' }), 'discount'],
    ['a negative total', aSale({ total_price: -1 }), 'total_price'],
    ['a bottle of 0 l', aSale({ bottle_size_l: 0 }), 'bottle_size_l'],
    ['a bottle over 30 l', aSale({ bottle_size_l: 31 }), 'bottle_size_l'],
    ['a blank sales channel', aSale({ sales_channel: ' \t' }), 'sales_channel'],
    ['an unknown adjustment type', anAdjustment({ adjustment_type: 'THEFT' }), 'adjustment_type'],
    ['an adjustment without warehouse', anAdjustment({ warehouse: undefined }), 'warehouse'],
    ['a fractional quantity change', anAdjustment({ quantity_change: -1.5 }), 'quantity_change'],
    ['a quantity change beyond the safe integers', anAdjustment({ adjustment_type: 'CORRECTION', quantity_change: 2 ** 60 }), 'quantity_change'],
  ])('rejects %s, naming the field', (_case, event, field) => {
    // Act
    const fields = fieldsOf(event);

    // Assess
    expect(fields).toEqual([field]);
  });

  it('rejects an order line carrying only adjustment fields, naming every field it lacks', () => {
    // Act
    const fields = fieldsOf(anAdjustment({ event_type: 'ORDER_CREATED' }));

    // Assess
    expect(fields).toEqual([
      'order_line_id',
      'customer_id',
      'product_name',
      'category',
      'quantity',
      'unit_price',
      'discount',
      'total_price',
      'bottle_size_l',
      'sales_channel',
    ]);
  });

  it('rejects a total that disagrees by more than a cent, naming both values', () => {
    // Act
    const issues = issuesOf(aSale({ total_price: 101.76 }));

    // Assess
    expect(issues).toEqual([
      'total_price: 101.76 disagrees by more than a cent with quantity × unit_price × (1 − discount) = 3 × 39.9 × (1 − 0.15) = 101.745',
    ]);
  });

  it.each([
    ['a zero change', 'CORRECTION', 0, 'quantity_change: must not be 0'],
    ['breakage that adds stock', 'BREAKAGE', 2, 'quantity_change: must be negative for a BREAKAGE, got 2'],
    ['a restock that removes stock', 'RESTOCK', -6, 'quantity_change: must be positive for a RESTOCK, got -6'],
    ['a return that removes stock', 'RETURN', -1, 'quantity_change: must be positive for a RETURN, got -1'],
  ])('rejects %s, saying what the sign must be', (_case, adjustmentType, quantityChange, issue) => {
    // Act
    const issues = issuesOf(anAdjustment({ adjustment_type: adjustmentType, quantity_change: quantityChange }));

    // Assess
    expect(issues).toEqual([issue]);
  });

  it('checks the total only once the fields it is computed from are valid', () => {
    // Act
    const fields = fieldsOf(aSale({ quantity: 'three', total_price: 1 }));

    // Assess
    expect(fields).toEqual(['quantity']);
  });

  it('reads a Rosé written with a combining accent as the category Rosé', () => {
    // Act
    const event = parsed(aSale({ category: 'Rose\u0301' }));

    // Assess
    expect(event).toMatchObject({ category: 'Rosé' });
  });

  it.each([
    ['an order line', aSale({ loyalty_card: 'GOLD', vat: { rate: 0.2 } })],
    ['a stock adjustment', anAdjustment({ note: 'carton dropped at reception' })],
  ])('keeps unknown extra fields of %s', (_case, event) => {
    // Act
    const result = salesEventSchema.parse(event);

    // Assess
    expect(result).toEqual(event);
  });
});

describe('netAmountCents', () => {
  it.each([
    ['3 × 39.9 × (1 − 0.15) = 101.745, where doubles give 101.74499999999999', 3, 39.9, 0.15, 10175n],
    ['1 × 1.005 × 1 = 1.005', 1, 1.005, 0, 101n],
    ['6 × 12.35 × (1 − 0.1) = 66.69', 6, 12.35, 0.1, 6669n],
    ['12 × 0.1 × (1 − 0.333) = 0.8004', 12, 0.1, 0.333, 80n],
    ['2 × 19.99 × (1 − 1) = 0', 2, 19.99, 1, 0n],
    ['1 × 9999999999999.99 × 1', 1, 9_999_999_999_999.99, 0, 999_999_999_999_999n],
  ])('rounds %s half away from zero to the cent', (_case, quantity, unitPrice, discount, cents) => {
    // Act
    const net = netAmountCents({ quantity, unit_price: unitPrice, discount });

    // Assess
    expect(net).toBe(cents);
  });
});

describe('discountBandOf', () => {
  it.each([
    [0, 'none'],
    [0.01, 'light'],
    [0.0999, 'light'],
    [0.1, 'standard'],
    [0.2499, 'standard'],
    [0.25, 'deep'],
    [1, 'deep'],
  ])('puts the discount %p in the band %p', (discount, band) => {
    // Act
    const result = discountBandOf(discount);

    // Assess
    expect(result).toBe(band);
  });
});

describe('warehouseRegionOf', () => {
  it.each([
    ['BDX-01', 'Nouvelle-Aquitaine'],
    [' bdx-02 ', 'Nouvelle-Aquitaine'],
    ['PAR', 'Île-de-France'],
    ['REI-01', 'Grand Est'],
    ['GVA-01', 'unknown'],
    ['toString-1', 'unknown'],
    ['-01', 'unknown'],
  ])('gives the warehouse %p the region %p', (warehouse, region) => {
    // Act
    const result = warehouseRegionOf(warehouse);

    // Assess
    expect(result).toBe(region);
  });
});

describe('enrichSale', () => {
  it('adds the exact net amount, the discount band, the normalised channel and the minute to an order line', () => {
    // Act
    const enriched = enrichSale(parsed(aSale({ sales_channel: '  Web  Shop ', event_timestamp: '2026-11-25T05:07:15.250+01:00' })));

    // Assess
    expect(enriched).toMatchObject({ net_amount: 101.75, discount_band: 'standard', sales_channel: 'web shop', minute: '2026-11-25T04:07:00Z' });
  });

  it('adds the warehouse region and the minute to a stock adjustment, and no amount', () => {
    // Act
    const enriched = enrichSale(parsed(anAdjustment({ warehouse: 'LYO-01' })));

    // Assess
    expect(enriched).toEqual({ ...anAdjustment({ warehouse: 'LYO-01' }), warehouse_region: 'Auvergne-Rhône-Alpes', minute: '2026-11-25T04:07:00Z' });
  });

  it('keeps the original fields, extra ones included, and leaves its input untouched', () => {
    // Prepare
    const event = parsed(aSale({ loyalty_card: 'GOLD' }));
    const copy = structuredClone(event);

    // Act
    const first = enrichSale(event);
    const second = enrichSale(event);

    // Assess
    expect(first).toMatchObject({ ...event, sales_channel: 'boutique' });
    expect(first).toEqual(second);
    expect(event).toEqual(copy);
  });
});

describe('salesStream', () => {
  it.each([
    ['an order line', aSale()],
    ['a stock adjustment', anAdjustment()],
  ])('takes the id from event_id, the key from product_id and the time from event_timestamp of %s, not from the record', (_case, raw) => {
    // Prepare
    const event = parsed(raw);
    const recordTimeMs = Date.parse('2026-11-25T04:10:00Z');

    // Act
    const identity = [salesStream.eventId(event), salesStream.partitionKey(event), salesStream.eventTime(event, recordTimeMs)];

    // Assess
    expect(identity).toEqual([raw.event_id, 'SKU-R004', '2026-11-25T04:07:15.250Z']);
  });
});
