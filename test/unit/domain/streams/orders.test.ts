import {
  enrichOrder,
  generateOrder,
  normaliseCategory,
  orderEventSchema,
  ordersStream,
  priceBandOf,
  type OrderEvent,
} from '../../../../lambdas/domain/streams/orders';
import { seededRandom } from '../../../../lambdas/domain/random';
import { aView, anOrder } from '../../../helpers/events';

/** Parses an event that must be valid, for the enrichment tests. */
function parsed(event: Record<string, unknown>): OrderEvent {
  return orderEventSchema.parse(event);
}

/** The dotted paths of the issues of an event the schema rejects. */
function issuePaths(event: Record<string, unknown>): string[] {
  const result = orderEventSchema.safeParse(event);
  if (result.success) throw new Error('expected the schema to reject the event');
  return result.error.issues.map((issue) => issue.path.join('.'));
}

describe('orderEventSchema', () => {
  it('accepts a purchase with every field', () => {
    // Act
    const result = orderEventSchema.safeParse(anOrder());

    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts a view without price and quantity', () => {
    // Act
    const result = orderEventSchema.safeParse(aView());

    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts an event id of 64 characters', () => {
    // Act
    const result = orderEventSchema.safeParse(anOrder({ eventId: 'e'.repeat(64) }));

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    ['an event id of 65 characters', { eventId: 'e'.repeat(65) }, 'eventId'],
    ['an empty event id', { eventId: '' }, 'eventId'],
    ['a numeric event id', { eventId: 17 }, 'eventId'],
    ['a missing event id', { eventId: undefined }, 'eventId'],
    ['an unknown type', { type: 'refund' }, 'type'],
    ['userId 0', { userId: 0 }, 'userId'],
    ['a fractional userId', { userId: 1.5 }, 'userId'],
    ['a userId given as text', { userId: '42' }, 'userId'],
    ['an empty productId', { productId: '' }, 'productId'],
    ['a blank category', { category: '   ' }, 'category'],
    ['a negative price', { price: -0.01 }, 'price'],
    ['a price given as text', { price: '19.99' }, 'price'],
    ['quantity 0', { quantity: 0 }, 'quantity'],
    ['a fractional quantity', { quantity: 1.5 }, 'quantity'],
    ['an unknown channel', { channel: 'fax' }, 'channel'],
    ['a time without zone', { ts: '2026-11-25T04:07:15' }, 'ts'],
    ['a time without seconds', { ts: '2026-11-25T04:07Z' }, 'ts'],
    ['a date that does not exist', { ts: '2026-02-30T00:00:00Z' }, 'ts'],
    ['a time that is not ISO-8601', { ts: 'Wed, 25 Nov 2026 04:07:15 GMT' }, 'ts'],
    ['a time given as epoch milliseconds', { ts: 1795579635250 }, 'ts'],
  ])('rejects %s, naming the field', (_case, overrides, field) => {
    // Act
    const paths = issuePaths(anOrder(overrides));

    // Assess
    expect(paths).toEqual([field]);
  });

  it.each([
    ['userId 1', { userId: 1 }],
    ['price 0', { price: 0 }],
    ['quantity 1', { quantity: 1 }],
    ['a time with a zone offset', { ts: '2026-11-25T05:07:15+01:00' }],
    ['a time with microseconds', { ts: '2026-11-25T04:07:15.123456Z' }],
    ['a time on a leap day', { ts: '2028-02-29T12:00:00Z' }],
  ])('accepts %s', (_case, overrides) => {
    // Act
    const result = orderEventSchema.safeParse(anOrder(overrides));

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([['purchase'], ['add_to_cart']])('requires price for a %s', (type) => {
    // Act
    const result = orderEventSchema.safeParse(anOrder({ type, price: undefined }));

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['price'], message: `required when type is ${type}` })]);
  });

  it('requires quantity for a purchase', () => {
    // Act
    const paths = issuePaths(anOrder({ quantity: undefined }));

    // Assess
    expect(paths).toEqual(['quantity']);
  });

  it('keeps unknown extra fields', () => {
    // Prepare
    const event = anOrder({ coupon: 'WINTER10', device: { os: 'ios', version: 17 } });

    // Act
    const result = orderEventSchema.parse(event);

    // Assess
    expect(result).toEqual(event);
  });
});

describe('enrichOrder', () => {
  it('computes the amount as price × quantity in cents', () => {
    // Act
    const enriched = enrichOrder(parsed(anOrder({ price: 19.99, quantity: 2 })));

    // Assess
    expect(enriched.amount).toBe(39.98);
  });

  it.each([
    [1.005, 1, 1.01],
    [0.1, 3, 0.3],
    [2.675, 1, 2.68],
    [33.335, 3, 100.01],
  ])('rounds the amount of %p × %p half away from zero on the decimal value to %p', (price, quantity, amount) => {
    // Act
    const enriched = enrichOrder(parsed(anOrder({ price, quantity })));

    // Assess
    expect(enriched.amount).toBe(amount);
  });

  it('gives a view the amount 0 and the price band none', () => {
    // Act
    const enriched = enrichOrder(parsed(aView()));

    // Assess
    expect(enriched.amount).toBe(0);
    expect(enriched.priceBand).toBe('none');
  });

  it('gives a view that carries a price the amount 0', () => {
    // Act
    const enriched = enrichOrder(parsed(aView({ price: 25, quantity: 2 })));

    // Assess
    expect(enriched.amount).toBe(0);
  });

  it('normalises the category " Rosé  Wine " to "rosé wine"', () => {
    // Act
    const enriched = enrichOrder(parsed(anOrder({ category: ' Rosé  Wine ' })));

    // Assess
    expect(enriched.category).toBe('rosé wine');
  });

  it('sets day and minute from the UTC time of a zoned event time', () => {
    // Act
    const enriched = enrichOrder(parsed(anOrder({ ts: '2026-11-25T00:30:45.5+01:00' })));

    // Assess
    expect(enriched.day).toBe('2026-11-24');
    expect(enriched.minute).toBe('2026-11-24T23:30:00Z');
  });

  it('keeps the original fields, extra ones included', () => {
    // Prepare
    const event = parsed(anOrder({ coupon: 'WINTER10' }));

    // Act
    const enriched = enrichOrder(event);

    // Assess
    expect(enriched).toMatchObject({ ...event, category: 'books' });
  });

  it('is deterministic and leaves its input untouched', () => {
    // Prepare
    const event = parsed(anOrder({ category: ' Home  &  Garden ' }));
    const copy = structuredClone(event);

    // Act
    const first = enrichOrder(event);
    const second = enrichOrder(event);

    // Assess
    expect(first).toEqual(second);
    expect(event).toEqual(copy);
  });
});

describe('normaliseCategory', () => {
  it.each([
    [' Rosé  Wine ', 'rosé wine'],
    ['books ', 'books'],
    ['Home\t&\nGarden', 'home & garden'],
    ['TOYS', 'toys'],
  ])('normalises %p to %p', (category, expected) => {
    // Act
    const normalised = normaliseCategory(category);

    // Assess
    expect(normalised).toBe(expected);
  });
});

describe('priceBandOf', () => {
  it.each([
    [undefined, 'none'],
    [0, 'budget'],
    [9.99, 'budget'],
    [10, 'standard'],
    [49.99, 'standard'],
    [50, 'premium'],
    [199.99, 'premium'],
    [200, 'luxury'],
  ])('puts the unit price %p in the band %p', (price, band) => {
    // Act
    const result = priceBandOf(price);

    // Assess
    expect(result).toBe(band);
  });
});

describe('ordersStream', () => {
  it('takes the event id, partition key and event time from the event, not from the record', () => {
    // Prepare
    const recordTimeMs = Date.parse('2026-11-25T04:10:00Z');
    const event = parsed(anOrder({ eventId: 'abc', userId: 1042, ts: '2026-11-25T05:00:30+01:00' }));

    // Act
    const identity = [ordersStream.eventId(event), ordersStream.partitionKey(event), ordersStream.eventTime(event, recordTimeMs)];

    // Assess
    expect(identity).toEqual(['abc', '1042', '2026-11-25T05:00:30+01:00']);
  });
});

describe('generateOrder', () => {
  const nowMs = Date.parse('2026-11-25T04:07:30Z');

  it('generates events the schema accepts', () => {
    // Prepare
    const random = seededRandom(1);

    // Act
    const failures = Array.from({ length: 1000 }, () => generateOrder(random, nowMs))
      .map((event) => orderEventSchema.safeParse(event))
      .filter((result) => !result.success);

    // Assess
    expect(failures).toEqual([]);
  });

  it('generates the same events from the same seed', () => {
    // Act
    const first = Array.from({ length: 50 }, ((random) => () => generateOrder(random, nowMs))(seededRandom(99)));
    const second = Array.from({ length: 50 }, ((random) => () => generateOrder(random, nowMs))(seededRandom(99)));

    // Assess
    expect(first).toEqual(second);
  });

  it('generates other events from another seed', () => {
    // Act
    const first = generateOrder(seededRandom(1), nowMs);
    const second = generateOrder(seededRandom(2), nowMs);

    // Assess
    expect(first).not.toEqual(second);
  });

  it('generates all three types, prices only on carts and purchases, and times up to 2 s before now', () => {
    // Prepare
    const random = seededRandom(5);

    // Act
    const events = Array.from({ length: 1000 }, () => generateOrder(random, nowMs));

    // Assess
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(['view', 'add_to_cart', 'purchase']));
    for (const event of events) {
      expect(event.price === undefined).toBe(event.type === 'view');
      expect(event.quantity === undefined).toBe(event.type === 'view');
      const eventTimeMs = Date.parse(event.ts);
      expect(eventTimeMs).toBeLessThanOrEqual(nowMs);
      expect(eventTimeMs).toBeGreaterThanOrEqual(nowMs - 2000);
    }
  });
});
