/**
 * Realistic random `sales` events: a French wine shop's catalogue with prices by category and
 * bottle size, order lines by channel with case discounts, and stock adjustments in its
 * warehouses. Prices are whole cents and every total is computed in integers, as the shop's till
 * would, so a generated line always agrees with its own quantity, unit price and discount.
 */
import { divideRounded, scaledToNumber } from '../decimal';
import { pick, pickWeighted, randomHexId, randomInt, type RandomSource } from '../random';
import type { AdjustmentType, InventoryAdjustedEvent, OrderCreatedEvent, SalesEvent, WineCategory } from './sales';

/** One product of the catalogue, priced per standard bottle (0.75 l; 0.7 l for spirits), in cents. */
interface Product {
  readonly id: string;
  readonly name: string;
  readonly category: WineCategory;
  readonly priceCents: number;
}

const PRODUCTS: readonly Product[] = [
  { id: 'SKU-R001', name: 'Côtes du Rhône Villages 2021', category: 'Rouge', priceCents: 990 },
  { id: 'SKU-R002', name: 'Bordeaux Supérieur Château Lamothe 2019', category: 'Rouge', priceCents: 1450 },
  { id: 'SKU-R003', name: 'Morgon Côte du Py 2020', category: 'Rouge', priceCents: 1890 },
  { id: 'SKU-R004', name: 'Saint-Émilion Grand Cru 2018', category: 'Rouge', priceCents: 3800 },
  { id: 'SKU-R005', name: 'Châteauneuf-du-Pape 2019', category: 'Rouge', priceCents: 4200 },
  { id: 'SKU-R006', name: 'Pommard 1er Cru 2017', category: 'Rouge', priceCents: 7200 },
  { id: 'SKU-R007', name: 'Cahors Malbec 2020', category: 'Rouge', priceCents: 1150 },
  { id: 'SKU-B001', name: 'Muscadet Sèvre et Maine 2022', category: 'Blanc', priceCents: 850 },
  { id: 'SKU-B002', name: 'Sancerre 2022', category: 'Blanc', priceCents: 2250 },
  { id: 'SKU-B003', name: 'Chablis 1er Cru Montmains 2020', category: 'Blanc', priceCents: 2900 },
  { id: 'SKU-B004', name: 'Riesling Grand Cru Schlossberg 2018', category: 'Blanc', priceCents: 2700 },
  { id: 'SKU-B005', name: 'Meursault 2019', category: 'Blanc', priceCents: 6800 },
  { id: 'SKU-P001', name: "Pays d'Oc Rosé 2023", category: 'Rosé', priceCents: 690 },
  { id: 'SKU-P002', name: 'Côtes de Provence 2023', category: 'Rosé', priceCents: 1290 },
  { id: 'SKU-P003', name: 'Tavel 2022', category: 'Rosé', priceCents: 1550 },
  { id: 'SKU-P004', name: 'Bandol Rosé 2023', category: 'Rosé', priceCents: 2400 },
  { id: 'SKU-E001', name: 'Crémant de Loire Brut', category: 'Effervescent', priceCents: 1190 },
  { id: 'SKU-E002', name: "Crémant d'Alsace Rosé", category: 'Effervescent', priceCents: 1450 },
  { id: 'SKU-E003', name: 'Champagne Brut Réserve', category: 'Effervescent', priceCents: 3400 },
  { id: 'SKU-E004', name: 'Champagne Blanc de Blancs 2015', category: 'Effervescent', priceCents: 7900 },
  { id: 'SKU-E005', name: 'Champagne Cuvée Prestige 2012', category: 'Effervescent', priceCents: 18500 },
  { id: 'SKU-S001', name: 'Cognac VSOP', category: 'Spiritueux', priceCents: 4800 },
  { id: 'SKU-S002', name: "Calvados Pays d'Auge XO", category: 'Spiritueux', priceCents: 6200 },
  { id: 'SKU-S003', name: 'Armagnac 20 ans', category: 'Spiritueux', priceCents: 8900 },
  { id: 'SKU-S004', name: 'Chartreuse Verte', category: 'Spiritueux', priceCents: 5400 },
  { id: 'SKU-S005', name: 'Rhum Agricole Vieux', category: 'Spiritueux', priceCents: 4500 },
];

/** Bottle sizes a category is sold in: litres, price as a percentage of the standard bottle, weight. */
type SizeOffer = readonly [litres: number, pricePercent: number, weight: number];

const STILL_WINE_SIZES: readonly SizeOffer[] = [
  [0.75, 100, 80],
  [1.5, 210, 10],
  [0.375, 55, 10],
];

const SIZES: Readonly<Record<WineCategory, readonly SizeOffer[]>> = {
  Rouge: STILL_WINE_SIZES,
  Blanc: STILL_WINE_SIZES,
  Rosé: STILL_WINE_SIZES,
  Effervescent: [
    [0.75, 100, 85],
    [1.5, 215, 12],
    [3, 460, 3],
  ],
  Spiritueux: [
    [0.7, 100, 85],
    [0.35, 55, 10],
    [1.5, 200, 5],
  ],
};

/** Channels as the shop's systems spell them, the web shop's two spellings included. */
const CHANNELS: readonly (readonly [string, number])[] = [
  ['Boutique', 40],
  ['Web', 20],
  ['web ', 12],
  ['Wholesale', 12],
  ['Marketplace', 10],
  ['Phone', 6],
];

/** Warehouse codes: site code, dash, number (see `WAREHOUSE_REGIONS`); one the region table does not know. */
const WAREHOUSES: readonly string[] = ['BDX-01', 'BDX-02', 'DIJ-01', 'LYO-01', 'MAR-01', 'NAN-01', 'PAR-01', 'PAR-02', 'REI-01', 'GVA-01'];

/** A unit price rounded to 10 cents, as shelf prices are (`14.50`, `30.50`). */
function shelfPriceCents(product: Product, pricePercent: number): number {
  return Number(divideRounded(BigInt(product.priceCents * pricePercent), 1000n)) * 10;
}

/** A discount in whole percent: cases of 6 and 12 get 10 or 15 %, wholesale 15 or 20 %, a few lines a promotion. */
function discountPercent(random: RandomSource, quantity: number, channel: string): number {
  if (channel === 'Wholesale') return pick(random, [15, 20]);
  if (quantity >= 6) return pickWeighted(random, [[10, 70], [15, 30]] as const);
  return pickWeighted(random, [[0, 78], [5, 10], [10, 7], [20, 4], [30, 1]] as const);
}

function orderLine(random: RandomSource, eventTimestamp: string): OrderCreatedEvent {
  const product = pick(random, PRODUCTS);
  const [litres, pricePercent] = pickWeighted(random, SIZES[product.category].map((offer) => [offer, offer[2]] as const));
  const channel = pickWeighted(random, CHANNELS);
  const quantity = pickWeighted(random, [[1, 45], [2, 25], [3, 10], [6, 15], [12, 5]] as const);
  const discount = discountPercent(random, quantity, channel.trim());
  const unitCents = shelfPriceCents(product, pricePercent);
  // The till's total: integer cents × bottles × percent kept, rounded half away from zero to the cent.
  const totalCents = divideRounded(BigInt(unitCents * quantity * (100 - discount)), 100n);
  return {
    event_id: randomHexId(random),
    event_type: 'ORDER_CREATED',
    event_timestamp: eventTimestamp,
    order_line_id: `SO-${randomInt(random, 100_000, 999_999)}-${randomInt(random, 1, 4)}`,
    customer_id: `C${String(randomInt(random, 1, 40_000)).padStart(6, '0')}`,
    product_id: product.id,
    product_name: product.name,
    category: product.category,
    quantity,
    unit_price: scaledToNumber(BigInt(unitCents), 2),
    discount: scaledToNumber(BigInt(discount), 2),
    total_price: scaledToNumber(totalCents, 2),
    bottle_size_l: litres,
    sales_channel: channel,
  };
}

/** Bottles moved by an adjustment of each type: deliveries in cases of 6, a few bottles otherwise. */
function quantityChange(random: RandomSource, type: AdjustmentType): number {
  const sign = random.next() < 0.5 ? -1 : 1;
  switch (type) {
    case 'RESTOCK':
      return 6 * randomInt(random, 1, 20);
    case 'RETURN':
      return randomInt(random, 1, 3);
    case 'BREAKAGE':
      return -randomInt(random, 1, 3);
    case 'CORRECTION':
      return sign * randomInt(random, 1, 6);
    case 'TRANSFER':
      return sign * 6 * randomInt(random, 1, 6);
  }
}

function adjustment(random: RandomSource, eventTimestamp: string): InventoryAdjustedEvent {
  const adjustmentType = pickWeighted<AdjustmentType>(random, [
    ['RESTOCK', 35],
    ['RETURN', 10],
    ['BREAKAGE', 15],
    ['CORRECTION', 25],
    ['TRANSFER', 15],
  ]);
  return {
    event_id: randomHexId(random),
    event_type: 'INVENTORY_ADJUSTED',
    event_timestamp: eventTimestamp,
    product_id: pick(random, PRODUCTS).id,
    warehouse: pick(random, WAREHOUSES),
    adjustment_type: adjustmentType,
    quantity_change: quantityChange(random, adjustmentType),
  };
}

/** A realistic random `sales` event at `nowMs` (up to 2 s earlier, a little delivery delay): 85 % order lines. */
export function generateSale(random: RandomSource, nowMs: number): SalesEvent {
  const eventTimestamp = new Date(nowMs - randomInt(random, 0, 2000)).toISOString();
  return random.next() < 0.85 ? orderLine(random, eventTimestamp) : adjustment(random, eventTimestamp);
}
