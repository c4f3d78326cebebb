/**
 * Kafka's compression codecs for kafkajs, which decodes only gzip by itself: a snappy, lz4 or zstd
 * record batch from any other producer would crash its consumer ("KafkaJSNotImplemented"). On AWS
 * the event source mapping decompresses before it invokes a function, so the twin's consumers must
 * read every codec too; and Pulse's producers may compress with any of them.
 *
 * - snappy: `@platformatic/wasm-utils` (Rust's snap crate in WebAssembly). The Java client frames
 *   snappy the way snappy-java's `SnappyOutputStream` does (the "xerial" framing: a 16-byte header,
 *   then blocks of at most 32 KiB input, each a big-endian length and a raw snappy block); other
 *   clients send one raw snappy block. Both are read; what Pulse writes is framed as Java frames it.
 * - lz4: `@platformatic/wasm-utils` (lz4_flex), the LZ4 frame format with independent blocks,
 *   which is what Kafka's `Lz4BlockOutputStream` writes and the only kind its reader accepts.
 * - zstd: `node:zlib` where Node.js has it (22.15 and later, so the Lambda runtime), `fzstd` (pure
 *   JavaScript, decompression only) elsewhere. Compressing needs `node:zlib`; see {@link canCompress}.
 */
import * as zlib from 'node:zlib';
import { lz4Compress, lz4Decompress, snappyCompress, snappyDecompress } from '@platformatic/wasm-utils/bundled';
import { decompress as fzstdDecompress } from 'fzstd';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import type { CompressionCodec } from '../port';

/** A codec over whole buffers, as a record batch's records section is compressed. */
export interface BufferCodec {
  compress(data: Buffer): Buffer;
  decompress(data: Buffer): Buffer;
}

/** A compressed record batch that its codec could not decompress. */
export class BatchDecompressionError extends Error {
  override readonly name = 'BatchDecompressionError';

  constructor(
    readonly codec: CompressionCodec,
    /** Size of the compressed records, in bytes. */
    readonly bytes: number,
    cause: unknown,
  ) {
    super(`cannot decompress a ${codec} record batch of ${bytes} bytes: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** `"\x82SNAPPY\0"`: the start of snappy-java's stream header. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** The whole header: the magic, then version 1 and minimum compatible version 1, as snappy-java writes them. */
const XERIAL_HEADER = Buffer.from([...XERIAL_MAGIC, 0, 0, 0, 1, 0, 0, 0, 1]);
/** snappy-java's default block size: input bytes per framed block. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

/** Snappy in snappy-java's framing, as the Java producer writes it. */
function snappyXerialCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [XERIAL_HEADER];
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_BYTES) {
    const block = snappyCompress(data.subarray(start, start + XERIAL_BLOCK_BYTES));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** Snappy in snappy-java's framing, or one raw block (what kafkajs codecs and some other clients send). */
function snappyAnyDecompress(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER.length || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) return snappyDecompress(data);
  const blocks: Buffer[] = [];
  for (let offset = XERIAL_HEADER.length; offset < data.length; ) {
    if (offset + 4 > data.length) throw new Error(`truncated snappy block length at byte ${offset}`);
    const length = data.readUInt32BE(offset);
    offset += 4;
    if (offset + length > data.length) throw new Error(`snappy block of ${length} bytes at byte ${offset} runs past the end (${data.length} bytes)`);
    blocks.push(snappyDecompress(data.subarray(offset, offset + length)));
    offset += length;
  }
  return Buffer.concat(blocks);
}

/** `node:zlib`'s zstd, added in Node.js 22.15 (absent from this project's Node 20 types). */
const nodeZstd = zlib as Partial<{ zstdCompressSync(data: Buffer): Buffer; zstdDecompressSync(data: Buffer): Buffer }>;

/** The codecs kafkajs lacks. gzip is kafkajs's own (`node:zlib`). */
export const CODECS: Readonly<Record<Exclude<CompressionCodec, 'none' | 'gzip'>, BufferCodec>> = {
  snappy: { compress: snappyXerialCompress, decompress: snappyAnyDecompress },
  lz4: { compress: lz4Compress, decompress: lz4Decompress },
  zstd: {
    compress: (data) => {
      if (!nodeZstd.zstdCompressSync) throw new Error(zstdUnavailable());
      return nodeZstd.zstdCompressSync(data);
    },
    decompress: (data) => (nodeZstd.zstdDecompressSync ? nodeZstd.zstdDecompressSync(data) : Buffer.from(fzstdDecompress(data))),
  },
};

function zstdUnavailable(): string {
  return `zstd compression needs Node.js 22.15 or later (node:zlib zstd); this is Node.js ${process.versions.node}. Reading zstd works on any version`;
}

/** Whether this process can compress with `codec` (zstd needs Node.js 22.15 or later; every codec decompresses everywhere). */
export function canCompress(codec: CompressionCodec): boolean {
  return codec !== 'zstd' || nodeZstd.zstdCompressSync !== undefined;
}

/**
 * Fails early, by name, when this process cannot compress with `codec`.
 * @throws Error naming the Node.js version zstd compression needs
 */
export function assertCanCompress(codec: CompressionCodec): void {
  if (!canCompress(codec)) throw new Error(zstdUnavailable());
}

const KAFKAJS_TYPES: Readonly<Record<CompressionCodec, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** kafkajs's name for a codec. */
export function kafkajsCompressionOf(codec: CompressionCodec): CompressionTypes {
  return KAFKAJS_TYPES[codec];
}

/** What kafkajs asks of a codec: the encoder holds the serialised records. */
function kafkajsCodec(codec: Exclude<CompressionCodec, 'none' | 'gzip'>) {
  return {
    compress: async (encoder: { buffer: Buffer }): Promise<Buffer> => CODECS[codec].compress(encoder.buffer),
    decompress: async (data: Buffer): Promise<Buffer> => {
      try {
        return CODECS[codec].decompress(data);
      } catch (error) {
        throw new BatchDecompressionError(codec, data.length, error);
      }
    },
  };
}

/**
 * Registers snappy, lz4 and zstd with kafkajs. Its codec table is one per process, shared by every
 * client, so once is enough; calling again changes nothing.
 */
export function registerKafkajsCodecs(): void {
  const codecs = CompressionCodecs as Record<number, () => unknown>;
  codecs[CompressionTypes.Snappy] = () => kafkajsCodec('snappy');
  codecs[CompressionTypes.LZ4] = () => kafkajsCodec('lz4');
  codecs[CompressionTypes.ZSTD] = () => kafkajsCodec('zstd');
}
