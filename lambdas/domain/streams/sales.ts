/**
 * `sales`: a wine shop's order lines and stock adjustments, as its shop system sends them
 * (snake_case fields, an upper-case `event_type`). Its questions: revenue per minute by wine
 * category and by sales channel, and how stock moves, by kind of adjustment.
 *
 * Money is in euros with cents; every amount is computed on the decimal digits sent, in bigint,
 * never by multiplying doubles.
 */
import { z } from 'zod';
import { divideRounded, formatScaled, scaledToNumber, toScaledBigInt } from '../decimal';
import { formatMinute, parseInstant, windowStartOf } from '../time';
import { ONCE_FIELDS_VALID, nonBlank, unitInterval } from './fields';
import { normaliseCategory } from './orders';
import { generateSale } from './salesGenerator';
import type { StreamDefinition } from './types';

/** The shop's wine categories, as it spells them. */
export const WINE_CATEGORIES = ['Rouge', 'Blanc', 'Rosé', 'Effervescent', 'Spiritueux'] as const;

/** A wine category. */
export type WineCategory = (typeof WINE_CATEGORIES)[number];

/**
 * Kinds of stock adjustment and the sign their `quantity_change` must have: stock comes in with a
 * delivery (`RESTOCK`) or a customer's return, goes out with breakage, and either way with a
 * stock-take `CORRECTION` or a `TRANSFER` between warehouses (out of one, into the other).
 */
export const ADJUSTMENT_SIGNS = {
  RESTOCK: 'positive',
  RETURN: 'positive',
  BREAKAGE: 'negative',
  CORRECTION: 'either',
  TRANSFER: 'either',
} as const;

/** The kinds of stock adjustment. */
export type AdjustmentType = keyof typeof ADJUSTMENT_SIGNS;

/** Largest bottle, in litres: a Melchizedek holds 30 l. */
export const MAX_BOTTLE_SIZE_L = 30;

const id = z.string().min(1).max(64);
/** `Rose\u0301` (e + combining accent) is the category `Rosé`: compared in Unicode NFC. */
const category = z.preprocess((value) => (typeof value === 'string' ? value.normalize('NFC') : value), z.enum(WINE_CATEGORIES));

/** Fields every `sales` event carries. */
const envelope = {
  /** Unique per event: the idempotency key of the `events` table. */
  event_id: id,
  /** ISO-8601 with zone: the event time. */
  event_timestamp: z.iso.datetime({ offset: true }),
  /** The product whose stock both kinds of event move: the Kafka key. */
  product_id: id,
};

/** Digits kept of each factor of a line total: any price or discount with up to 20 decimals is exact. */
const FACTOR_SCALE = 20;
/** A line total is the product of two such factors, so it has twice their scale. */
const TOTAL_SCALE = 2 * FACTOR_SCALE;

/** quantity × unit_price × (1 − discount), exactly, scaled by 10^{@link TOTAL_SCALE}. */
function exactLineTotal(line: { readonly quantity: number; readonly unit_price: number; readonly discount: number }): bigint {
  const kept = 10n ** BigInt(FACTOR_SCALE) - toScaledBigInt(line.discount, FACTOR_SCALE);
  return toScaledBigInt(line.unit_price, FACTOR_SCALE) * BigInt(line.quantity) * kept;
}

/** One cent at {@link TOTAL_SCALE}: how far `total_price` may be from the exact line total. */
const ONE_CENT = 10n ** BigInt(TOTAL_SCALE - 2);

/** An order line: `quantity` bottles of one product. */
const orderCreatedSchema = z
  .looseObject({
    ...envelope,
    event_type: z.literal('ORDER_CREATED'),
    order_line_id: id,
    customer_id: id,
    product_name: nonBlank(200),
    category,
    /** Bottles. */
    quantity: z.number().int().min(1),
    /** Euros per bottle, taxes included. */
    unit_price: z.number().min(0),
    /** Fraction taken off the line: 0.15 is 15 %. */
    discount: unitInterval,
    /** Euros charged for the line, after discount: quantity × unit_price × (1 − discount), to the cent. */
    total_price: z.number().min(0),
    /** Litres per bottle (0.375, 0.75, 1.5 …). */
    bottle_size_l: z.number().positive().max(MAX_BOTTLE_SIZE_L),
    /**
     * Where the sale was made (`Boutique`, `Web`, `Wholesale` …): free text, since a shop adds
     * marketplaces over time; grouped case- and space-insensitively, at most what fits a key.
     */
    sales_channel: nonBlank(),
  })
  .superRefine((line, context) => {
    const exact = exactLineTotal(line);
    const difference = toScaledBigInt(line.total_price, TOTAL_SCALE) - exact;
    if (difference > ONE_CENT || difference < -ONE_CENT) {
      context.addIssue({
        code: 'custom',
        path: ['total_price'],
        message:
          `${line.total_price} disagrees by more than a cent with quantity × unit_price × (1 − discount) = ` +
          `${line.quantity} × ${line.unit_price} × (1 − ${line.discount}) = ${formatScaled(exact, TOTAL_SCALE)}`,
      });
    }
  }, ONCE_FIELDS_VALID);

/** A stock adjustment of one product in one warehouse. */
const inventoryAdjustedSchema = z
  .looseObject({
    ...envelope,
    event_type: z.literal('INVENTORY_ADJUSTED'),
    /** The shop's warehouse code: a site code, a dash, a number (`BDX-01`). */
    warehouse: nonBlank(64),
    adjustment_type: z.enum(Object.keys(ADJUSTMENT_SIGNS) as [AdjustmentType, ...AdjustmentType[]]),
    /** Bottles in (positive) or out (negative); never 0. */
    quantity_change: z.number().int().refine((change) => change !== 0, 'must not be 0'),
  })
  .superRefine((adjustment, context) => {
    const sign = ADJUSTMENT_SIGNS[adjustment.adjustment_type];
    if ((sign === 'positive' && adjustment.quantity_change < 0) || (sign === 'negative' && adjustment.quantity_change > 0)) {
      context.addIssue({ code: 'custom', path: ['quantity_change'], message: `must be ${sign} for a ${adjustment.adjustment_type}, got ${adjustment.quantity_change}` });
    }
  }, ONCE_FIELDS_VALID);

/** A raw `sales` event, told apart by `event_type`; unknown extra fields are kept. */
export const salesEventSchema = z.discriminatedUnion('event_type', [orderCreatedSchema, inventoryAdjustedSchema]);

/** A raw `sales` event. */
export type SalesEvent = z.infer<typeof salesEventSchema>;
/** A raw `ORDER_CREATED` event. */
export type OrderCreatedEvent = z.infer<typeof orderCreatedSchema>;
/** A raw `INVENTORY_ADJUSTED` event. */
export type InventoryAdjustedEvent = z.infer<typeof inventoryAdjustedSchema>;

/** How deep a line's discount is: none, under 10 %, under 25 %, 25 % and more. */
export type DiscountBand = 'none' | 'light' | 'standard' | 'deep';

/** An `ORDER_CREATED` event after enrichment. */
export type EnrichedOrderCreated = OrderCreatedEvent & {
  /** quantity × unit_price × (1 − discount) in euros, rounded half away from zero to the cent. */
  net_amount: number;
  discount_band: DiscountBand;
  /** Normalised as `orders` categories are: NFC, trimmed, inner white space collapsed, lower-cased. */
  sales_channel: string;
  /** UTC start of the event-time minute window. */
  minute: string;
};

/** An `INVENTORY_ADJUSTED` event after enrichment. */
export type EnrichedInventoryAdjusted = InventoryAdjustedEvent & {
  /** French region of the warehouse's site, `unknown` for a site code not in {@link WAREHOUSE_REGIONS}. */
  warehouse_region: string;
  /** UTC start of the event-time minute window. */
  minute: string;
};

/** A `sales` event after enrichment. */
export type EnrichedSalesEvent = EnrichedOrderCreated | EnrichedInventoryAdjusted;

/**
 * The net amount of a line in cents: quantity × unit_price × (1 − discount), computed exactly on
 * the decimal digits sent and rounded half away from zero (`3 × 12.35 × (1 − 0.15)` is 31.4925 €,
 * so 3149 cents).
 */
export function netAmountCents(line: Pick<OrderCreatedEvent, 'quantity' | 'unit_price' | 'discount'>): bigint {
  return divideRounded(exactLineTotal(line), 10n ** BigInt(TOTAL_SCALE - 2));
}

/** The band of a discount (a fraction): 0 is `none`, under 0.10 `light`, under 0.25 `standard`, else `deep`. */
export function discountBandOf(discount: number): DiscountBand {
  if (discount === 0) return 'none';
  if (discount < 0.1) return 'light';
  if (discount < 0.25) return 'standard';
  return 'deep';
}

/** Region of each warehouse site, by the site code that starts a warehouse code. */
export const WAREHOUSE_REGIONS: Readonly<Record<string, string>> = {
  BDX: 'Nouvelle-Aquitaine',
  DIJ: 'Bourgogne-Franche-Comté',
  LYO: 'Auvergne-Rhône-Alpes',
  MAR: "Provence-Alpes-Côte d'Azur",
  NAN: 'Pays de la Loire',
  PAR: 'Île-de-France',
  REI: 'Grand Est',
};

/** The region of a warehouse code (`bdx-02` → `Nouvelle-Aquitaine`): its site code, before the first dash, in any case. */
export function warehouseRegionOf(warehouse: string): string {
  const site = warehouse.trim().split('-')[0]?.toUpperCase() ?? '';
  return Object.hasOwn(WAREHOUSE_REGIONS, site) ? (WAREHOUSE_REGIONS[site] as string) : 'unknown';
}

/** Enriches one validated `sales` event. */
export function enrichSale(event: SalesEvent): EnrichedSalesEvent {
  const minute = formatMinute(windowStartOf(parseInstant(event.event_timestamp)));
  if (event.event_type === 'INVENTORY_ADJUSTED') {
    return { ...event, warehouse_region: warehouseRegionOf(event.warehouse), minute };
  }
  return {
    ...event,
    net_amount: scaledToNumber(netAmountCents(event), 2),
    discount_band: discountBandOf(event.discount),
    sales_channel: normaliseCategory(event.sales_channel),
    minute,
  };
}

const isOrderLine = (event: EnrichedSalesEvent): boolean => event.event_type === 'ORDER_CREATED';

/** The `sales` stream. */
export const salesStream: StreamDefinition<SalesEvent, EnrichedSalesEvent> = {
  name: 'sales',
  description: 'Wine-shop order lines and stock adjustments',
  schema: salesEventSchema,
  eventId: (event) => event.event_id,
  // Order lines and adjustments of one product stay in order, so its stock can be followed.
  partitionKey: (event) => event.product_id,
  eventTime: (event) => event.event_timestamp,
  enrich: enrichSale,
  generate: generateSale,
  aggregations: [
    {
      name: 'revenue_by_category',
      description: 'Net revenue per minute by wine category (order lines)',
      where: isOrderLine,
      groupBy: ['category'],
      measure: { field: 'net_amount', scale: 2 },
    },
    {
      name: 'revenue_by_channel',
      description: 'Net revenue per minute by sales channel (order lines)',
      where: isOrderLine,
      groupBy: ['sales_channel'],
      measure: { field: 'net_amount', scale: 2 },
    },
    {
      name: 'stock_movements_by_type',
      description: 'Stock adjustments per minute by type, with the net bottles moved',
      where: (event) => event.event_type === 'INVENTORY_ADJUSTED',
      groupBy: ['adjustment_type'],
      measure: { field: 'quantity_change', scale: 0 },
    },
  ],
};
