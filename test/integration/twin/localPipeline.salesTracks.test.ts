/**
 * The `sales` and `tracks` streams through the whole local pipeline on the real broker and
 * DynamoDB Local: an outside client sends wine-shop events and catalogue tracks, valid and
 * invalid, and the HTTP API returns per-minute aggregates equal to totals worked out by hand here,
 * to the cent and to the bottle, negative and beyond 15 digits included.
 *
 * Every record carries a Kafka timestamp six hours back, set by the client: the untimed track is
 * placed at it, invalid records are counted at it, and no other test's traffic shares those minutes.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { SeriesBody } from '../../../lambdas/handlers/query/schemas';
import type { LocalPipeline } from '../../../twin/local';
import { aSale, aTrack, anAdjustment } from '../../helpers/salesTracksEvents';
import { startTestPipeline } from '../../helpers/testPipeline';

const brokers = process.env.KAFKA_BROKERS as string;

/** A whole minute six hours ago; the records are stamped 90 s after it, in the next minute. */
const minute0 = Math.floor(Date.now() / 60_000) * 60_000 - 6 * 3_600_000;
const minute1 = minute0 + 60_000;
const recordTimestamp = String(minute0 + 90_000);
const iso = (ms: number) => new Date(ms).toISOString();
const minuteText = (ms: number) => iso(ms).replace('.000Z', 'Z');
const run = randomUUID().slice(0, 8);

interface Sent {
  key: string;
  value: Buffer;
  timestamp: string;
}

const json = (key: string, value: unknown): Sent => ({ key, value: Buffer.from(JSON.stringify(value)), timestamp: recordTimestamp });
const sale = (id: string, at: number, fields: Record<string, unknown> = {}) => json('SKU-R004', aSale({ event_id: `${run}-${id}`, event_timestamp: iso(at), ...fields }));
const adjustment = (id: string, at: number, fields: Record<string, unknown>) => json('SKU-R004', anAdjustment({ event_id: `${run}-${id}`, event_timestamp: iso(at), ...fields }));
const track = (id: string, fields: Record<string, unknown>) => json(`${run}-${id}`, aTrack({ track_id: `${run}-${id}`, ...fields }));

const sales: Sent[] = [
  // 3 × 39.90 × (1 − 0.15) = 101.745 → 101.75 (doubles say 101.74499…).
  sale('s1', minute0 + 1_000),
  // 6 × 12.35 × (1 − 0.10) = 66.69.
  sale('s2', minute0 + 2_000, { category: 'Blanc', quantity: 6, unit_price: 12.35, discount: 0.1, total_price: 66.69, sales_channel: ' web ' }),
  // 1 × 1.005 = 1.005 → 1.01, and the minute's last millisecond.
  sale('s3', minute0 + 59_999, { quantity: 1, unit_price: 1.005, discount: 0, total_price: 1.01, sales_channel: 'WEB' }),
  // The next minute: 2 × 34 = 68.
  sale('s4', minute1, { category: 'Effervescent', quantity: 2, unit_price: 34, discount: 0, total_price: 68 }),
  adjustment('a1', minute0 + 3_000, { adjustment_type: 'BREAKAGE', quantity_change: -2 }),
  adjustment('a2', minute0 + 4_000, { adjustment_type: 'CORRECTION', quantity_change: -999_999_999_999_999 }),
  adjustment('a3', minute0 + 5_000, { adjustment_type: 'CORRECTION', quantity_change: -999_999_999_999_999 }),
  adjustment('a4', minute1 + 1_000, { adjustment_type: 'RESTOCK', quantity_change: 120 }),
  // Invalid, all schema: a total off by more than a cent, an unknown type, breakage that adds stock.
  sale('x1', minute0 + 6_000, { total_price: 101.77 }),
  sale('x2', minute0 + 7_000, { event_type: 'ORDER_CANCELLED' }),
  adjustment('x3', minute0 + 8_000, { adjustment_type: 'BREAKAGE', quantity_change: 3 }),
];

const tracks: Sent[] = [
  track('t1', { popularity: 64, timestamp: iso(minute0 + 10_000) }), // happy
  track('t2', { track_genre: 'Pop ', popularity: 80, valence: 0.3, energy: 0.9, timestamp: iso(minute0 + 20_000) }), // tense
  // No timestamp: placed at its record time, in minute1.
  track('t3', { track_genre: 'jazz', popularity: 0, valence: 0.7, energy: 0.2, timestamp: undefined }), // calm
  track('t4', { track_genre: 'jazz', popularity: 31, valence: 0.2, energy: 0.1, timestamp: iso(minute0 + 30_000 + 7_200_000).replace('Z', '+02:00') }), // sad
  track('x1', { popularity: 101, timestamp: iso(minute0 + 40_000) }), // schema
  { key: 'x', value: Buffer.from('[]'), timestamp: recordTimestamp }, // not_an_object
];

describe('local pipeline: sales and tracks (external backend on the test broker)', () => {
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    const producer = new Kafka({ clientId: 'outside-client', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: 'sales', messages: sales });
    await producer.send({ topic: 'tracks', messages: tracks });
    await producer.disconnect();
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${pipeline.url}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  }

  const range = `from=${encodeURIComponent(iso(minute0 - 3_600_000))}&to=${encodeURIComponent(iso(minute0 + 3_600_000))}`;

  /** The first value `read` gives that `ready` accepts, or the last one after a minute: the pipeline is asynchronous, the expectation is not. */
  async function once<T>(read: () => Promise<T>, ready: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await read();
      if (ready(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** The points of an aggregation once at least `count` records are folded into it. */
  async function pointsOnce(stream: string, aggregation: string, count: number): Promise<SeriesBody['points']> {
    const { body } = await once(
      () => get<SeriesBody>(`/v1/streams/${stream}/aggregations/${aggregation}?${range}`),
      ({ body: series }) => series.points.reduce((sum, point) => sum + point.count, 0) >= count,
    );
    return body.points;
  }

  const at = (ms: number) => ({ windowStart: minuteText(ms), windowEnd: minuteText(ms + 60_000) });

  it('serves revenue by category equal to the hand-computed cents', async () => {
    expect(await pointsOnce('sales', 'revenue_by_category', 4)).toEqual([
      { ...at(minute0), group: { category: 'Blanc' }, count: 1, sum: '66.69', min: '66.69', max: '66.69' },
      { ...at(minute0), group: { category: 'Rouge' }, count: 2, sum: '102.76', min: '1.01', max: '101.75' },
      { ...at(minute1), group: { category: 'Effervescent' }, count: 1, sum: '68', min: '68', max: '68' },
    ]);
  });

  it('serves revenue by normalised sales channel', async () => {
    expect(await pointsOnce('sales', 'revenue_by_channel', 4)).toEqual([
      { ...at(minute0), group: { sales_channel: 'boutique' }, count: 1, sum: '101.75', min: '101.75', max: '101.75' },
      { ...at(minute0), group: { sales_channel: 'web' }, count: 2, sum: '67.7', min: '1.01', max: '66.69' },
      { ...at(minute1), group: { sales_channel: 'boutique' }, count: 1, sum: '68', min: '68', max: '68' },
    ]);
  });

  it('serves stock movements with negative sums beyond 15 digits exactly', async () => {
    expect(await pointsOnce('sales', 'stock_movements_by_type', 4)).toEqual([
      { ...at(minute0), group: { adjustment_type: 'BREAKAGE' }, count: 1, sum: '-2', min: '-2', max: '-2' },
      { ...at(minute0), group: { adjustment_type: 'CORRECTION' }, count: 2, sum: '-1999999999999998', min: '-999999999999999', max: '-999999999999999' },
      { ...at(minute1), group: { adjustment_type: 'RESTOCK' }, count: 1, sum: '120', min: '120', max: '120' },
    ]);
  });

  it('counts the invalid sales and tracks by reason, in the minute of their record time', async () => {
    expect(await pointsOnce('sales', 'invalid', 3)).toEqual([{ ...at(minute1), group: { reason: 'schema' }, count: 3 }]);
    expect(await pointsOnce('tracks', 'invalid', 2)).toEqual([
      { ...at(minute1), group: { reason: 'not_an_object' }, count: 1 },
      { ...at(minute1), group: { reason: 'schema' }, count: 1 },
    ]);
  });

  it('serves tracks by genre with the popularity sum, min and max, an untimed track at its record time', async () => {
    expect(await pointsOnce('tracks', 'by_genre', 4)).toEqual([
      { ...at(minute0), group: { track_genre: 'jazz' }, count: 1, sum: '31', min: '31', max: '31' },
      { ...at(minute0), group: { track_genre: 'pop' }, count: 2, sum: '144', min: '64', max: '80' },
      { ...at(minute1), group: { track_genre: 'jazz' }, count: 1, sum: '0', min: '0', max: '0' },
    ]);
  });

  it('counts tracks by mood quadrant', async () => {
    const points = await pointsOnce('tracks', 'by_mood', 4);
    expect(points.map((point) => [point.windowStart, point.group.mood, point.count])).toEqual([
      [minuteText(minute0), 'happy', 1],
      [minuteText(minute0), 'sad', 1],
      [minuteText(minute0), 'tense', 1],
      [minuteText(minute1), 'calm', 1],
    ]);
  });

  it('stores the enriched events, unknown fields kept', async () => {
    const stored = (path: string) => once(() => get<Record<string, unknown>>(path), ({ status }) => status === 200);
    const line = await stored(`/v1/streams/sales/events/${run}-s1`);
    const untimed = await stored(`/v1/streams/tracks/events/${run}-t3`);

    expect(line).toMatchObject({ status: 200, body: { net_amount: 101.75, discount_band: 'standard', sales_channel: 'boutique', minute: minuteText(minute0) } });
    expect(untimed).toMatchObject({ status: 200, body: { mood: 'calm', duration_min: 3.59, track_genre: 'jazz', loudness: -6.41 } });
    expect(untimed.body).not.toHaveProperty('timestamp');
  });
});
