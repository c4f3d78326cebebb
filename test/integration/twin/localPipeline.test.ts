/**
 * The whole local pipeline on the real broker and DynamoDB Local: an outside Kafka client sends
 * its own events, valid and invalid, and the HTTP API then returns per-minute aggregates equal to
 * the client's ground truth, with every invalid record counted and dead-lettered.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { SeriesBody } from '../../../lambdas/handlers/query/schemas';
import type { LocalPipeline } from '../../../twin/local';
import { startTestPipeline } from '../../helpers/testPipeline';
import { eventually } from '../../helpers/eventually';

const brokers = process.env.KAFKA_BROKERS as string;

const now = Date.now();
/** A whole minute ten minutes ago, so every event time is in the past and within retention. */
const minute0 = Math.floor(now / 60_000) * 60_000 - 10 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const minuteText = (ms: number) => iso(Math.floor(ms / 60_000) * 60_000).replace('.000Z', 'Z');

interface Sent {
  key: string;
  value: Buffer;
}

const order = (fields: Record<string, unknown>) => ({ userId: 7, productId: 'p-1', channel: 'web', ...fields });
const json = (key: string, value: unknown): Sent => ({ key, value: Buffer.from(JSON.stringify(value)) });

/** The client's own events and what it expects of them. */
const orders: Sent[] = [
  json('7', order({ eventId: 'o-1', type: 'purchase', category: 'Books', price: 19.99, quantity: 3, ts: iso(minute0 + 1_000) })),
  // 1.005 × 1 is 1.01 to the cent, though binary floating point says 1.00.
  json('7', order({ eventId: 'o-2', type: 'purchase', category: ' books ', price: 1.005, quantity: 1, ts: iso(minute0 + 59_999) })),
  // Minute boundary: this one belongs to the next minute.
  json('8', order({ eventId: 'o-3', type: 'purchase', category: 'Rosé  Wine', price: 12.5, quantity: 2, ts: iso(minute0 + 60_000) })),
  // Zoned: 01:00 ahead of UTC, same instant as minute0 + 61 s.
  json('8', order({ eventId: 'o-4', type: 'view', category: 'Toys', ts: iso(minute0 + 61_000 + 3_600_000).replace('Z', '+01:00') })),
  json('9', order({ eventId: 'o-5', type: 'add_to_cart', category: 'Toys', price: 5, quantity: 1, ts: iso(minute0 + 62_000), extra: { kept: true } })),
  // Invalid: one per reason.
  json('9', order({ eventId: 'o-6', type: 'purchase', category: 'Books', quantity: 1, ts: iso(minute0) })), // schema: no price
  json('9', order({ eventId: 'o-7', type: 'view', category: 'Books', ts: iso(now - 100 * 86_400_000) })), // too_late
  json('9', order({ eventId: 'o-8', type: 'view', category: 'Books', ts: iso(now + 3_600_000) })), // too_early
  { key: '9', value: Buffer.from('{"eventId": "o-9", ') }, // malformed_json
  { key: '9', value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, // bad_encoding
  { key: '9', value: Buffer.from('[1,2,3]') }, // not_an_object
];
const tickets: Sent[] = [
  json('1', { ticketId: 't-1', clientId: 1, createdAt: iso(minute0 + 5_000), request: 'Checkout fails', type: 'incident', priority: 'high' }),
  json('2', { ticketId: 't-2', clientId: 2, createdAt: iso(minute0 + 6_000), request: 'Refund please', type: 'request', priority: 'low' }),
  json('2', { ticketId: 't-3', clientId: 2, createdAt: iso(minute0 + 7_000), request: '', type: 'question', priority: 'low' }), // schema: empty request
];

describe('local pipeline (external backend on the test broker)', () => {
  let pipeline: LocalPipeline;
  const kafka = new Kafka({ clientId: 'outside-client', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  let dlqConsumer: Consumer | undefined;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: 'orders', messages: orders });
    await producer.send({ topic: 'tickets', messages: tickets });
    await producer.disconnect();
  });

  afterAll(async () => {
    await dlqConsumer?.disconnect();
    await pipeline?.stop();
  });

  async function get<T = SeriesBody>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${pipeline.url}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  }

  const range = `from=${encodeURIComponent(iso(minute0 - 3_600_000))}&to=${encodeURIComponent(iso(now + 7_200_000))}`;

  it('serves per-minute revenue equal to the client ground truth, to the cent', async () => {
    const { body } = await eventually(
      () => get(`/v1/streams/orders/aggregations/revenue?${range}`),
      ({ body }) => expect(body.points.reduce((sum, p) => sum + p.count, 0)).toBe(3),
    );

    expect(body.points).toEqual([
      { windowStart: minuteText(minute0), windowEnd: minuteText(minute0 + 60_000), group: {}, count: 2, sum: '60.98', min: '1.01', max: '59.97' },
      { windowStart: minuteText(minute0 + 60_000), windowEnd: minuteText(minute0 + 120_000), group: {}, count: 1, sum: '25', min: '25', max: '25' },
    ]);
  });

  it('groups revenue by normalised category', async () => {
    const { body } = await eventually(
      () => get(`/v1/streams/orders/aggregations/revenue_by_category?${range}`),
      ({ body }) => expect(body.points).toHaveLength(2),
    );

    expect(body.points.map((p) => [p.group, p.count, p.sum])).toEqual([
      [{ category: 'books' }, 2, '60.98'],
      [{ category: 'rosé wine' }, 1, '25'],
    ]);
  });

  it('counts events by type in their event-time minute, zoned times included', async () => {
    const { body } = await eventually(
      () => get(`/v1/streams/orders/aggregations/events_by_type?${range}`),
      ({ body }) => expect(body.points.reduce((sum, p) => sum + p.count, 0)).toBe(5),
    );

    expect(body.points.map((p) => [p.windowStart, p.group.type, p.count])).toEqual([
      [minuteText(minute0), 'purchase', 2],
      [minuteText(minute0 + 60_000), 'add_to_cart', 1],
      [minuteText(minute0 + 60_000), 'purchase', 1],
      [minuteText(minute0 + 60_000), 'view', 1],
    ]);
  });

  it('counts every invalid record once, by reason', async () => {
    const { body } = await eventually(
      () => get(`/v1/streams/orders/aggregations/invalid?${range}`),
      ({ body }) => expect(body.points.reduce((sum, p) => sum + p.count, 0)).toBe(6),
    );
    const byReason: Record<string, number> = {};
    for (const point of body.points) {
      const reason = point.group.reason as string;
      byReason[reason] = (byReason[reason] ?? 0) + point.count;
    }

    expect(byReason).toEqual({ schema: 1, too_late: 1, too_early: 1, malformed_json: 1, bad_encoding: 1, not_an_object: 1 });
    const ticketsInvalid = await eventually(
      () => get(`/v1/streams/tickets/aggregations/invalid?${range}`),
      ({ body }) => expect(body.points).toHaveLength(1),
    );
    expect(ticketsInvalid.body.points[0]).toMatchObject({ group: { reason: 'schema' }, count: 1 });
  });

  it('counts tickets by team', async () => {
    const { body } = await eventually(
      () => get(`/v1/streams/tickets/aggregations/by_team?${range}`),
      ({ body }) => expect(body.points).toHaveLength(2),
    );

    expect(body.points.map((p) => [p.group.team, p.count])).toEqual([
      ['Customer Care', 1],
      ['Technical Support', 1],
    ]);
  });

  it('serves a stored event, enriched, with its unknown fields kept', async () => {
    const { status, body } = await eventually(
      () => get<Record<string, unknown>>('/v1/streams/orders/events/o-5'),
      ({ status }) => expect(status).toBe(200),
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({ eventId: 'o-5', amount: 5, priceBand: 'budget', category: 'toys', extra: { kept: true } });
  });

  it('dead-letters each invalid record with its original bytes, a reason and its origin', async () => {
    dlqConsumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: 'orders.dlq', fromBeginning: true });
    const letters: { value: Buffer; reason: string; topic: string; offset: string }[] = [];
    await dlqConsumer.run({
      eachMessage: async ({ message }) => {
        letters.push({
          value: message.value as Buffer,
          reason: String(message.headers?.['pulse-reason']),
          topic: String(message.headers?.['pulse-source-topic']),
          offset: String(message.headers?.['pulse-source-offset']),
        });
      },
    });
    await eventually(async () => letters.length, (count) => expect(count).toBeGreaterThanOrEqual(6));

    const invalidSent = orders.slice(5);
    for (const [index, sent] of invalidSent.entries()) {
      const letter = letters.find((l) => l.value.equals(sent.value));
      expect(letter).toBeDefined();
      expect(letter).toMatchObject({ topic: 'orders', reason: ['schema', 'too_late', 'too_early', 'malformed_json', 'bad_encoding', 'not_an_object'][index] });
    }
  });
});
