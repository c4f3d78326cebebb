/**
 * The record batches a broker wrote, read from its log segment files: which codec each batch is
 * compressed with and how many records it holds, as the broker stored them (record batch format
 * v2: https://kafka.apache.org/documentation/#recordbatch). The tests' proof that a producer
 * really compressed, whatever its client says.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressionCodec } from '../../lambdas/adapters/kafka';

/** One stored record batch. */
export interface StoredBatch {
  readonly partition: number;
  readonly baseOffset: bigint;
  readonly codec: CompressionCodec;
  readonly records: number;
}

/** The codec in the low three bits of a batch's attributes. */
const CODECS: readonly CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
/** baseOffset (8) and batchLength (4) come before what batchLength counts. */
const LOG_OVERHEAD = 12;
/** Bytes of a batch header up to its record count: attributes at 21, record count at 57. */
const ATTRIBUTES_AT = 21;
const RECORD_COUNT_AT = 57;

/**
 * Every batch of `topic` in the broker's log directory (`log.dirs`), by partition and offset.
 * @throws Error when the directory holds no partition of the topic
 */
export function storedBatches(logDir: string, topic: string): StoredBatch[] {
  const partitions = fs.readdirSync(logDir).filter((name) => name.startsWith(`${topic}-`) && /^\d+$/.test(name.slice(topic.length + 1)));
  if (partitions.length === 0) throw new Error(`no partition of ${topic} in ${logDir}`);
  const batches: StoredBatch[] = [];
  for (const name of partitions) {
    const partition = Number(name.slice(topic.length + 1));
    for (const segment of fs.readdirSync(path.join(logDir, name)).filter((file) => file.endsWith('.log')).sort()) {
      const bytes = fs.readFileSync(path.join(logDir, name, segment));
      for (let at = 0; at + RECORD_COUNT_AT + 4 <= bytes.length; at += LOG_OVERHEAD + bytes.readInt32BE(at + 8)) {
        batches.push({
          partition,
          baseOffset: bytes.readBigInt64BE(at),
          codec: CODECS[bytes.readInt16BE(at + ATTRIBUTES_AT) & 0x07] as CompressionCodec,
          records: bytes.readInt32BE(at + RECORD_COUNT_AT),
        });
      }
    }
  }
  return batches.sort((a, b) => a.partition - b.partition || Number(a.baseOffset - b.baseOffset));
}

/** Records per codec over the batches. */
export function recordsByCodec(batches: readonly StoredBatch[]): Partial<Record<CompressionCodec, number>> {
  const counts: Partial<Record<CompressionCodec, number>> = {};
  for (const batch of batches) counts[batch.codec] = (counts[batch.codec] ?? 0) + batch.records;
  return counts;
}
