import { toScaledBigInt } from '../../../../lambdas/domain/decimal';
import { seededRandom } from '../../../../lambdas/domain/random';
import { normaliseCategory as normalise } from '../../../../lambdas/domain/streams/orders';
import {
  WINE_CATEGORIES,
  netAmountCents,
  salesEventSchema,
  type InventoryAdjustedEvent,
  type OrderCreatedEvent,
  type SalesEvent,
} from '../../../../lambdas/domain/streams/sales';
import { generateSale } from '../../../../lambdas/domain/streams/salesGenerator';

const nowMs = Date.parse('2026-11-25T04:07:30Z');

function generated(seed: number, count: number): SalesEvent[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => generateSale(random, nowMs));
}

const events = generated(7, 4000);
const lines = events.filter((event): event is OrderCreatedEvent => event.event_type === 'ORDER_CREATED');
const adjustments = events.filter((event): event is InventoryAdjustedEvent => event.event_type === 'INVENTORY_ADJUSTED');

describe('generateSale', () => {
  it('generates events the schema accepts, at most 2 s before now', () => {
    // Act
    const failures = events.map((event) => salesEventSchema.safeParse(event)).filter((result) => !result.success);
    const times = events.map((event) => Date.parse(event.event_timestamp));

    // Assess
    expect(failures).toEqual([]);
    expect(Math.max(...times)).toBeLessThanOrEqual(nowMs);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(nowMs - 2000);
  });

  it('generates the same events from the same seed, and others from another', () => {
    // Act
    const again = generated(7, 50);
    const other = generated(8, 50);

    // Assess
    expect(again).toEqual(events.slice(0, 50));
    expect(other).not.toEqual(again);
  });

  it('makes about 85 % of events order lines, of every category', () => {
    // Act
    const share = lines.length / events.length;

    // Assess
    expect(share).toBeGreaterThan(0.82);
    expect(share).toBeLessThan(0.88);
    expect(new Set(lines.map((line) => line.category))).toEqual(new Set(WINE_CATEGORIES));
  });

  it('charges every line exactly its quantity × unit price × (1 − discount), to the cent', () => {
    // Act
    const mismatches = lines.filter((line) => toScaledBigInt(line.total_price, 2) !== netAmountCents(line));

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('prices standard bottles within each category’s shelf range, rounded to 10 cents', () => {
    // Prepare
    const ranges: Record<string, [number, number]> = { Rouge: [8, 80], Blanc: [8, 70], Rosé: [6, 25], Effervescent: [11, 190], Spiritueux: [40, 90] };

    // Act
    const outliers = lines
      .filter((line) => line.bottle_size_l === 0.75 || line.bottle_size_l === 0.7)
      .filter((line) => {
        const [min, max] = ranges[line.category] as [number, number];
        return line.unit_price < min || line.unit_price > max || toScaledBigInt(line.unit_price, 2) % 10n !== 0n;
      });

    // Assess
    expect(outliers).toEqual([]);
  });

  it('sells wine mostly in 0.75 l bottles, spirits in 0.7 l, and only in sizes each is bottled in', () => {
    // Prepare
    const sizes: Record<string, number[]> = { Rouge: [0.375, 0.75, 1.5], Blanc: [0.375, 0.75, 1.5], Rosé: [0.375, 0.75, 1.5], Effervescent: [0.75, 1.5, 3], Spiritueux: [0.35, 0.7, 1.5] };
    const standard = (line: OrderCreatedEvent) => line.bottle_size_l === (line.category === 'Spiritueux' ? 0.7 : 0.75);

    // Act
    const misfits = lines.filter((line) => !(sizes[line.category] ?? []).includes(line.bottle_size_l));
    const standardShare = lines.filter(standard).length / lines.length;

    // Assess
    expect(misfits).toEqual([]);
    expect(standardShare).toBeGreaterThan(0.75);
    expect(standardShare).toBeLessThan(0.9);
  });

  it('discounts every case of 6 or 12 by at least 10 %, and never more than 30 %', () => {
    // Act
    const undiscountedCases = lines.filter((line) => line.quantity >= 6 && line.discount < 0.1);
    const discounts = lines.map((line) => line.discount);

    // Assess
    expect(undiscountedCases).toEqual([]);
    expect(Math.max(...discounts)).toBeLessThanOrEqual(0.3);
    expect(lines.filter((line) => line.discount === 0).length / lines.length).toBeGreaterThan(0.4);
  });

  it('sells through five channels, boutique first, the web shop under two spellings', () => {
    // Act
    const channels = new Map<string, number>();
    for (const line of lines) channels.set(normalise(line.sales_channel), (channels.get(normalise(line.sales_channel)) ?? 0) + 1);
    const spellings = new Set(lines.map((line) => line.sales_channel).filter((channel) => normalise(channel) === 'web'));

    // Assess
    expect([...channels.keys()].sort()).toEqual(['boutique', 'marketplace', 'phone', 'web', 'wholesale']);
    expect(Math.max(...channels.values())).toBe(channels.get('boutique'));
    expect(spellings.size).toBe(2);
  });

  it('restocks in cases of 6, moves stock both ways, and uses a warehouse the region table does not know', () => {
    // Act
    const restocks = adjustments.filter((adjustment) => adjustment.adjustment_type === 'RESTOCK');
    const changes = adjustments.map((adjustment) => adjustment.quantity_change);

    // Assess
    expect(new Set(adjustments.map((adjustment) => adjustment.adjustment_type))).toEqual(new Set(['RESTOCK', 'RETURN', 'BREAKAGE', 'CORRECTION', 'TRANSFER']));
    expect(restocks.every((adjustment) => adjustment.quantity_change % 6 === 0)).toBe(true);
    expect(Math.min(...changes)).toBeLessThan(0);
    expect(Math.max(...changes)).toBeGreaterThan(0);
    expect(adjustments.some((adjustment) => adjustment.warehouse === 'GVA-01')).toBe(true);
  });
});
