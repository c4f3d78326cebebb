/**
 * The twin reads whatever a real Kafka producer sends. A Java producer (the Kafka client jars the
 * twin resolves) sends 20 purchases per codec, gzip, snappy, lz4 and zstd, all in one minute, to
 * `pulse local --backend jvm`: two codecs before and two after the twin restarts on the same
 * `--data-dir`. `revenue_by_category` and the events table then hold exactly those purchases, the
 * broker's log shows each batch in its codec, and no consumer crashed. The other way round, the
 * Java consumer reads what Pulse's publisher compresses, as MSK's clients must.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canCompress, createKafkaPort, type CompressionCodec } from '../../../lambdas/adapters/kafka';
import { pipelinePlan } from '../../../lambdas/config/plan';
import type { SeriesBody } from '../../../lambdas/handlers/query/schemas';
import { findFreePort } from '../../../twin/backends/jvm';
import { TwinProcess, processesMentioning } from '../../faults/scenarios';
import { eventually } from '../../helpers/eventually';
import { javaSamplesNow, readJavaSamples } from '../../helpers/javaCompressedSamples';
import { JavaKafkaClient, type JavaRecord } from '../../helpers/javaKafkaClient';
import { recordsByCodec, storedBatches } from '../../helpers/kafkaLogSegments';

const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const satisfies readonly CompressionCodec[];
const PER_CODEC = 20;
const run = randomUUID().slice(0, 8);
/** A whole minute five minutes ago: within retention, never too early, and every purchase in it. */
const minute0 = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** 20 purchases of one codec's own category, 2 s apart within `minute0`, with their total in cents. */
function purchases(codec: CompressionCodec): { records: JavaRecord[]; ids: string[]; cents: number } {
  let cents = 0;
  const ids: string[] = [];
  const records = Array.from({ length: PER_CODEC }, (_, index) => {
    const price = 1 + index * 0.25 + CODECS.indexOf(codec as (typeof CODECS)[number]);
    const quantity = 1 + (index % 3);
    cents += Math.round(price * 100) * quantity;
    const eventId = `java-${codec}-${run}-${index}`;
    ids.push(eventId);
    const event = { eventId, type: 'purchase', userId: 100 + index, productId: `p-${index}`, category: `Java ${codec.toUpperCase()}`, price, quantity, channel: 'store', ts: iso(minute0 + index * 2_000) };
    return { key: String(event.userId), value: JSON.stringify(event) };
  });
  return { records, ids, cents };
}

describe('compressed batches from a Java producer, across a twin restart', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-compression-'));
  const logDir = path.join(dataDir, 'kafka', 'kraft-combined-logs');
  let java: JavaKafkaClient;
  let twin: TwinProcess;
  let brokers: string;
  let api: string;

  beforeAll(async () => {
    java = await JavaKafkaClient.build();
    const [kafkaPort, dynamoPort, apiPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    brokers = `127.0.0.1:${kafkaPort}`;
    api = `http://127.0.0.1:${apiPort}`;
    twin = new TwinProcess(['--backend', 'jvm', '--no-producer', '--data-dir', dataDir, '--port', String(apiPort)], {
      KAFKA_BROKERS: brokers,
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
    });
    await twin.start();
  }, 300_000);

  afterAll(async () => {
    await twin?.stop();
    twin?.signalGroup('SIGKILL');
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  async function revenueByCategory(): Promise<Map<string, { count: number; cents: number; windowStart: string }>> {
    const range = `from=${encodeURIComponent(iso(minute0 - 3_600_000))}&to=${encodeURIComponent(iso(minute0 + 3_600_000))}`;
    const response = await fetch(`${api}/v1/streams/orders/aggregations/revenue_by_category?${range}`);
    const body = (await response.json()) as SeriesBody;
    return new Map(body.points.map((point) => [String(point.group.category), { count: point.count, cents: Math.round(Number(point.sum) * 100), windowStart: point.windowStart }]));
  }

  async function expectExactly(codecs: readonly (typeof CODECS)[number][]): Promise<void> {
    const expected = new Map(codecs.map((codec) => [`java ${codec}`, { count: PER_CODEC, cents: purchases(codec).cents, windowStart: iso(minute0).replace('.000Z', 'Z') }]));
    await eventually(revenueByCategory, (series) => expect(series).toEqual(expected), 90_000);
    for (const codec of codecs) {
      for (const eventId of purchases(codec).ids) {
        const response = await fetch(`${api}/v1/streams/orders/events/${eventId}`);
        expect({ eventId, status: response.status }).toEqual({ eventId, status: 200 });
        expect(await response.json()).toMatchObject({ eventId, category: `java ${codec}`, type: 'purchase' });
      }
    }
  }

  it('stores and counts exactly 20 purchases per codec, produced by Java, with the twin restarted in between', async () => {
    // Act: gzip and snappy, then a restart on the same --data-dir, then lz4 and zstd.
    for (const codec of ['gzip', 'snappy'] as const) await java.produce(brokers, 'orders', codec, purchases(codec).records);
    await expectExactly(['gzip', 'snappy']);
    await twin.stop();
    await twin.start();
    for (const codec of ['lz4', 'zstd'] as const) await java.produce(brokers, 'orders', codec, purchases(codec).records);

    // Assess: every purchase once, none counted again after the restart.
    await expectExactly(CODECS);
    expect(recordsByCodec(storedBatches(logDir, 'orders'))).toEqual({ gzip: PER_CODEC, snappy: PER_CODEC, lz4: PER_CODEC, zstd: PER_CODEC });
    expect(twin.printed).not.toMatch(/crashed/);
    // Every mapping of the plan (consumers × streams) runs.
    const mappings = pipelinePlan({ values: {} }).mappings.length;
    expect(twin.printed).toMatch(new RegExp(`consumers: ${mappings}/${mappings} running`));
  }, 600_000);

  it.each(CODECS.filter(canCompress))('compresses with %s so that the Java consumer reads it', async (codec) => {
    // Prepare
    const topic = `pulse-${codec}-${run}`;
    const kafka = createKafkaPort({ kind: 'brokers', brokers: [brokers] });
    const admin = await kafka.admin('compression-test');
    await admin.ensureTopics([topic], { partitions: 3, replicationFactor: 1 }).finally(() => admin.close());
    const publisher = kafka.publisher('compression-test', { compression: codec });
    const { records } = purchases(codec);

    // Act
    await publisher.send(topic, records).finally(() => publisher.disconnect());
    const read = await java.consume(brokers, topic, PER_CODEC);

    // Assess
    expect(recordsByCodec(storedBatches(logDir, topic))).toEqual({ [codec]: PER_CODEC });
    expect(read.map(({ value }) => value).sort()).toEqual(records.map(({ value }) => value).sort());
  }, 120_000);

  it('gets the same bytes from Java\'s codec streams as the samples the unit tests decode', async () => {
    // Act / Assess: regenerate with `npx tsx test/helpers/javaCompressedSamples.ts` when the Kafka version changes.
    expect(await javaSamplesNow(java)).toEqual(readJavaSamples());
  }, 120_000);
});
