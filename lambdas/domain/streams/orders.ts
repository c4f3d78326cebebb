/**
 * `orders`: an e-commerce clickstream of views, add-to-carts and purchases. Its classic question
 * is "revenue per minute", overall and by category.
 */
import { z } from 'zod';
import { multiplyRounded } from '../decimal';
import { pick, pickWeighted, randomHexId, randomInt, type RandomSource } from '../random';
import { formatMinute, dayOf, parseInstant, windowStartOf } from '../time';
import type { StreamDefinition } from './types';

const ORDER_TYPES = ['view', 'add_to_cart', 'purchase'] as const;
const CHANNELS = ['web', 'mobile', 'store'] as const;

/** A raw `orders` event; unknown extra fields are kept. */
export const orderEventSchema = z
  .looseObject({
    eventId: z.string().min(1).max(64),
    type: z.enum(ORDER_TYPES),
    userId: z.number().int().min(1),
    productId: z.string().min(1),
    category: z.string().refine((text) => text.trim().length > 0, 'must not be blank'),
    price: z.number().min(0).optional(),
    quantity: z.number().int().min(1).optional(),
    channel: z.enum(CHANNELS),
    ts: z.iso.datetime({ offset: true }),
  })
  .superRefine((event, context) => {
    // Only a view may omit what it costs: a cart line or a purchase without price is not revenue.
    if (event.type === 'view') return;
    for (const field of ['price', 'quantity'] as const) {
      if (event[field] === undefined) {
        context.addIssue({ code: 'custom', path: [field], message: `required when type is ${event.type}` });
      }
    }
  });

/** A raw `orders` event. */
export type OrderEvent = z.infer<typeof orderEventSchema>;

/** Unit-price bands, cheapest first; `none` for a view that carries no price. */
export type PriceBand = 'none' | 'budget' | 'standard' | 'premium' | 'luxury';

/** An `orders` event after enrichment. */
export type EnrichedOrderEvent = OrderEvent & {
  /** Normalised: Unicode NFC, trimmed, inner white space collapsed, lower-cased. */
  category: string;
  /** price × quantity rounded to cents; 0 for views. */
  amount: number;
  priceBand: PriceBand;
  /** UTC day of the event time. */
  day: string;
  /** UTC start of the event-time minute window. */
  minute: string;
};

/**
 * ` Rosé  Wine ` → `rosé wine`, so that spelling variants land in one group: Unicode NFC (so
 * `Rose\u0301`, e + combining accent, is the same `rosé` as the precomposed `é`), trimmed, inner
 * white space collapsed to one space, lower-cased. NFC is applied again after lower-casing,
 * which can decompose (`İ` lower-cases to `i` + U+0307).
 */
export function normaliseCategory(category: string): string {
  return category.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase().normalize('NFC');
}

/** The band of a unit price: under 10, under 50, under 200, and above. */
export function priceBandOf(price: number | undefined): PriceBand {
  if (price === undefined) return 'none';
  if (price < 10) return 'budget';
  if (price < 50) return 'standard';
  if (price < 200) return 'premium';
  return 'luxury';
}

/** Enriches one validated `orders` event. */
export function enrichOrder(event: OrderEvent): EnrichedOrderEvent {
  const eventTimeMs = parseInstant(event.ts);
  const amount =
    event.type === 'view' || event.price === undefined || event.quantity === undefined
      ? 0
      : multiplyRounded(event.price, event.quantity, 2);
  return {
    ...event,
    category: normaliseCategory(event.category),
    amount,
    priceBand: priceBandOf(event.price),
    day: dayOf(eventTimeMs),
    minute: formatMinute(windowStartOf(eventTimeMs)),
  };
}

/** Categories as shops send them, spelling variants included, with a typical unit-price range. */
const CATALOGUE: readonly (readonly [category: string, minPrice: number, maxPrice: number])[] = [
  ['Books', 5, 60],
  ['books ', 5, 60],
  ['Electronics', 20, 1500],
  ['Home & Garden', 8, 400],
  ['Rosé Wine', 7, 45],
  [' Rosé  Wine', 7, 45],
  ['Toys', 4, 120],
  ['Sports', 10, 600],
];

/** A realistic random `orders` event: mostly views, some carts, fewer purchases. */
export function generateOrder(random: RandomSource, nowMs: number): OrderEvent {
  const type = pickWeighted(random, [
    ['view', 70],
    ['add_to_cart', 20],
    ['purchase', 10],
  ] as const);
  const [category, minPrice, maxPrice] = pick(random, CATALOGUE);
  const price = Math.round((minPrice + random.next() * (maxPrice - minPrice)) * 100) / 100;
  const productNumber = randomInt(random, 1, 500);
  const base = {
    eventId: randomHexId(random),
    type,
    userId: randomInt(random, 1, 5000),
    productId: `p-${productNumber}`,
    category,
    channel: pickWeighted(random, [
      ['web', 55],
      ['mobile', 35],
      ['store', 10],
    ] as const),
    // A little delivery delay, as real clients have.
    ts: new Date(nowMs - randomInt(random, 0, 2000)).toISOString(),
  };
  return type === 'view' ? base : { ...base, price, quantity: randomInt(random, 1, 4) };
}

/** The `orders` stream. */
export const ordersStream: StreamDefinition<OrderEvent, EnrichedOrderEvent> = {
  name: 'orders',
  description: 'E-commerce clickstream: views, add-to-carts and purchases',
  display: {
    title: 'Orders',
    totals: [
      { key: 'events', label: 'Events', aggregation: 'events_by_type', measure: 'count' },
      { key: 'purchases', label: 'Purchases', aggregation: 'revenue', measure: 'count' },
      { key: 'revenue', label: 'Revenue', aggregation: 'revenue', measure: 'sum' },
    ],
  },
  schema: orderEventSchema,
  eventId: (event) => event.eventId,
  partitionKey: (event) => String(event.userId),
  eventTime: (event) => event.ts,
  enrich: enrichOrder,
  generate: generateOrder,
  aggregations: [
    {
      name: 'events_by_type',
      description: 'Events per minute by type',
      groupBy: ['type'],
      // The funnel's order: most views at the bottom, purchases on top.
      display: { title: 'Events by type', groupOrder: ['view', 'add_to_cart', 'purchase'] },
    },
    {
      name: 'revenue',
      description: 'Revenue per minute: purchase count and amount',
      where: (event) => event.type === 'purchase',
      groupBy: [],
      measure: { field: 'amount', scale: 2 },
      display: { title: 'Revenue per minute', unit: 'purchases', seriesLabel: 'revenue' },
    },
    {
      name: 'revenue_by_category',
      description: 'Revenue per minute by category',
      where: (event) => event.type === 'purchase',
      groupBy: ['category'],
      measure: { field: 'amount', scale: 2 },
      display: { title: 'Revenue by category', unit: 'purchases' },
    },
  ],
};
