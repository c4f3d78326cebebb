import * as zlib from 'node:zlib';
import { snappyCompress } from '@platformatic/wasm-utils/bundled';
import { decompress as fzstdDecompress } from 'fzstd';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import {
  BatchDecompressionError,
  CODECS,
  assertCanCompress,
  canCompress,
  kafkajsCompressionOf,
  registerKafkajsCodecs,
} from '../../../../../lambdas/adapters/kafka/kafkajs/codecs';
import { COMPRESSION_CODECS } from '../../../../../lambdas/adapters/kafka/port';
import { SAMPLED_CODECS, readJavaSamples, sampleInput } from '../../../../helpers/javaCompressedSamples';

/** What kafkajs looks up for a batch whose attributes name `type`. */
function kafkajsCodec(type: CompressionTypes): { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(data: Buffer): Promise<Buffer> } {
  return (CompressionCodecs as unknown as Record<number, () => ReturnType<typeof kafkajsCodec>>)[type]!();
}

const nodeZstd = zlib as Partial<{ zstdCompressSync(data: Buffer): Buffer }>;

describe('registerKafkajsCodecs', () => {
  beforeAll(() => registerKafkajsCodecs());

  it.each(SAMPLED_CODECS)('decodes what the Java client compressed with %s', async (codec) => {
    // Prepare: the records section of a Java producer's batch, captured from Java's own codec streams.
    const compressed = Buffer.from(readJavaSamples()[codec], 'base64');

    // Act
    const decoded = await kafkajsCodec(kafkajsCompressionOf(codec)).decompress(compressed);

    // Assess
    expect(decoded.equals(sampleInput())).toBe(true);
  });

  it.each(['snappy', 'lz4'] as const)('reads back what it compresses with %s', async (codec) => {
    // Prepare
    const input = sampleInput();
    const kafkajs = kafkajsCodec(kafkajsCompressionOf(codec));

    // Act
    const compressed = await kafkajs.compress({ buffer: input });

    // Assess
    expect(compressed.length).toBeLessThan(input.length / 2);
    expect((await kafkajs.decompress(compressed)).equals(input)).toBe(true);
  });

  it('names the codec and the size of a batch it cannot decompress', async () => {
    // Prepare: a Java lz4 frame with its blocks cut off.
    const truncated = Buffer.from(readJavaSamples().lz4, 'base64').subarray(0, 40);

    // Act
    const decoding = kafkajsCodec(CompressionTypes.LZ4).decompress(truncated);

    // Assess
    await expect(decoding).rejects.toThrow(BatchDecompressionError);
    await expect(decoding).rejects.toThrow('cannot decompress a lz4 record batch of 40 bytes');
  });

  it('leaves gzip to kafkajs', async () => {
    // Act
    const decoded = await kafkajsCodec(CompressionTypes.GZIP).decompress(Buffer.from(readJavaSamples().gzip, 'base64'));

    // Assess
    expect(decoded.equals(sampleInput())).toBe(true);
  });
});

describe('snappy', () => {
  it('frames its blocks as snappy-java does: the xerial header, then length-prefixed blocks of at most 32 KiB input', () => {
    // Prepare: about 75 KB, three blocks.
    const input = sampleInput();

    // Act
    const framed = CODECS.snappy.compress(input);

    // Assess
    expect(framed.subarray(0, 16).toString('hex')).toBe('82534e415050590000000001' + '00000001');
    const blocks: number[] = [];
    for (let offset = 16; offset < framed.length; offset += 4 + framed.readUInt32BE(offset)) blocks.push(framed.readUInt32BE(offset));
    expect(blocks).toHaveLength(Math.ceil(input.length / (32 * 1024)));
    expect(16 + blocks.reduce((sum, length) => sum + 4 + length, 0)).toBe(framed.length);
  });

  it('reads one raw snappy block, as other clients send it', () => {
    // Prepare
    const input = Buffer.from('{"eventId":"raw-1","category":"books"}'.repeat(20));

    // Act
    const decoded = CODECS.snappy.decompress(snappyCompress(input));

    // Assess
    expect(decoded.equals(input)).toBe(true);
  });

  it('refuses a framed block that runs past the end', () => {
    // Prepare
    const framed = CODECS.snappy.compress(sampleInput());

    // Act / Assess
    expect(() => CODECS.snappy.decompress(framed.subarray(0, framed.length - 1))).toThrow(/runs past the end/);
  });
});

describe('lz4', () => {
  it('writes an LZ4 frame of independent blocks, the only kind Kafka\'s Java reader accepts', () => {
    // Act
    const frame = CODECS.lz4.compress(sampleInput());

    // Assess: magic 0x184D2204 (little-endian), FLG version 01 with the block-independence bit.
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    const flags = frame[4] as number;
    expect(flags >> 6).toBe(1);
    expect(flags & 0x20).toBe(0x20);
  });
});

describe('zstd', () => {
  it('decompresses in pure JavaScript where node:zlib has no zstd, and with node:zlib where it has', () => {
    // Prepare
    const compressed = Buffer.from(readJavaSamples().zstd, 'base64');

    // Act / Assess: both implementations agree on Java's frame.
    expect(Buffer.from(fzstdDecompress(compressed)).equals(sampleInput())).toBe(true);
    expect(CODECS.zstd.decompress(compressed).equals(sampleInput())).toBe(true);
  });

  it('compresses only where node:zlib has zstd, and says which Node.js it needs elsewhere', () => {
    // Prepare
    const input = sampleInput();

    // Act / Assess
    if (nodeZstd.zstdCompressSync) {
      expect(canCompress('zstd')).toBe(true);
      // Compressed by node:zlib, read back by the independent pure-JavaScript decoder.
      expect(Buffer.from(fzstdDecompress(CODECS.zstd.compress(input))).equals(input)).toBe(true);
    } else {
      expect(canCompress('zstd')).toBe(false);
      expect(() => assertCanCompress('zstd')).toThrow(/Node\.js 22\.15 or later/);
      expect(() => CODECS.zstd.compress(input)).toThrow(/Node\.js 22\.15 or later/);
    }
  });

  it('compresses with every other codec on any Node.js', () => {
    // Act / Assess
    expect(COMPRESSION_CODECS.filter((codec) => codec !== 'zstd').every(canCompress)).toBe(true);
  });
});

describe('kafkajsCompressionOf', () => {
  it('maps every codec of the port to the kafkajs type of the same Kafka attribute value', () => {
    // Act
    const types = COMPRESSION_CODECS.map(kafkajsCompressionOf);

    // Assess: Kafka's batch attributes: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.
    expect(types).toEqual([0, 1, 2, 3, 4]);
  });
});
