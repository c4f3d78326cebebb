/**
 * Record-batch payloads compressed by the Java client's own codec streams (those a Java producer
 * compresses a batch's records with), committed as `test/fixtures/java-compressed.json` so that
 * the unit tests decode real Java output without a JVM. The integration test checks the file is
 * what Java produces today. Regenerate with `npx tsx test/helpers/javaCompressedSamples.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressionCodec } from '../../lambdas/adapters/kafka';
import { JavaKafkaClient } from './javaKafkaClient';

/** Where the samples are kept. */
export const JAVA_SAMPLES_FILE = path.join(__dirname, '..', 'fixtures', 'java-compressed.json');

/** The codecs sampled: every one Kafka has. */
export const SAMPLED_CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const satisfies readonly CompressionCodec[];

/** Base64 of each codec's compressed {@link sampleInput}. */
export type JavaSamples = Record<(typeof SAMPLED_CODECS)[number], string>;

/**
 * The text compressed: 400 purchase events as JSON lines, about 70 KB, so that snappy-java
 * writes more than one 32 KiB block and lz4 more than one 64 KiB block. Deterministic.
 */
export function sampleInput(): Buffer {
  const categories = ['books', 'toys', 'rosé wine', 'garden'];
  const lines = Array.from({ length: 400 }, (_, index) =>
    JSON.stringify({
      eventId: `sample-${index}`,
      type: 'purchase',
      userId: 1 + ((index * 7919) % 1000),
      productId: `p-${(index * 31) % 97}`,
      category: categories[index % categories.length],
      price: ((index * 137) % 10_000) / 100,
      quantity: 1 + (index % 4),
      channel: index % 3 === 0 ? 'web' : 'mobile',
      ts: new Date(Date.UTC(2026, 0, 1, 0, 0, index % 60)).toISOString(),
    }),
  );
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The committed samples. */
export function readJavaSamples(): JavaSamples {
  return JSON.parse(fs.readFileSync(JAVA_SAMPLES_FILE, 'utf8')) as JavaSamples;
}

/** {@link sampleInput} compressed by Java with every codec, now. */
export async function javaSamplesNow(java: JavaKafkaClient): Promise<JavaSamples> {
  const input = sampleInput();
  const samples: Partial<JavaSamples> = {};
  for (const codec of SAMPLED_CODECS) samples[codec] = (await java.compress(codec, input)).toString('base64');
  return samples as JavaSamples;
}

if (require.main === module) {
  void (async () => {
    const samples = await javaSamplesNow(await JavaKafkaClient.build());
    fs.mkdirSync(path.dirname(JAVA_SAMPLES_FILE), { recursive: true });
    fs.writeFileSync(JAVA_SAMPLES_FILE, `${JSON.stringify(samples, null, 2)}\n`);
    process.stdout.write(`wrote ${JAVA_SAMPLES_FILE}\n`);
  })();
}
