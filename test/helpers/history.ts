/**
 * A recent history of realistic traffic for tests that look at the read side as a person would:
 * each stream's own generator, seeded, spread over the last minutes with a rate that rises and
 * falls, and a few invalid records of several reasons. Each record's Kafka timestamp is its event
 * time, as a live producer's would be, so dead letters land in the minutes they were sent.
 */
import { Kafka, logLevel } from 'kafkajs';
import { STREAMS } from '../../lambdas/domain/streams/registry';
import { seededRandom, type RandomSource } from '../../lambdas/domain/random';

/** One record to produce. */
export interface HistoryRecord {
  readonly key: string;
  readonly value: Buffer;
  /** Kafka timestamp, epoch milliseconds as text (kafkajs's form). */
  readonly timestamp: string;
}

/** What {@link recentHistory} produces. */
export interface HistoryOptions {
  /** The history ends at this instant (exclusive). */
  readonly nowMs: number;
  /** How many minutes back it starts. */
  readonly minutes: number;
  /** Average valid events per minute per stream. */
  readonly perMinute: number;
  readonly seed: number;
}

/** The Kafka key of every invalid record, so a test can tell them from valid ones. */
export const INVALID_KEY = 'invalid';

/** Invalid values of several reasons, so the dead-letter chart has more than one colour. */
const INVALID_VALUES: readonly Buffer[] = [
  Buffer.from('{"eventId": "truncated", '), // malformed_json
  Buffer.from('[1, 2, 3]'), // not_an_object
  Buffer.from('{"eventId": "x"}'), // schema
  Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), // bad_encoding
];

function eventsInMinute(random: RandomSource, index: number, options: HistoryOptions): number {
  // A slow wave and some noise: a flat line would hide a chart that drew every bar alike.
  const wave = 1 + 0.6 * Math.sin((index / Math.max(1, options.minutes)) * Math.PI * 2.5);
  return Math.max(1, Math.round(options.perMinute * wave * (0.75 + random.next() * 0.5)));
}

/** Records per topic: generated events over `[nowMs - minutes, nowMs)` and a few invalid ones. */
export function recentHistory(options: HistoryOptions): Map<string, HistoryRecord[]> {
  const byTopic = new Map<string, HistoryRecord[]>();
  STREAMS.forEach((stream, streamIndex) => {
    const random = seededRandom(options.seed + streamIndex);
    const records: HistoryRecord[] = [];
    const startMs = Math.floor(options.nowMs / 60_000) * 60_000 - options.minutes * 60_000;
    for (let minute = 0; minute < options.minutes; minute += 1) {
      const count = eventsInMinute(random, minute, options);
      for (let index = 0; index < count; index += 1) {
        // Within the minute, and never at or after now.
        const atMs = Math.min(options.nowMs - 1, startMs + minute * 60_000 + Math.floor(random.next() * 58_000) + 2_000);
        const event = stream.generate(random, atMs);
        records.push({ key: stream.partitionKey(event), value: Buffer.from(JSON.stringify(event)), timestamp: String(atMs) });
      }
      if (random.next() < 0.2) {
        const value = INVALID_VALUES[Math.floor(random.next() * INVALID_VALUES.length)] as Buffer;
        records.push({ key: INVALID_KEY, value, timestamp: String(Math.min(options.nowMs - 1, startMs + minute * 60_000 + 30_000)) });
      }
    }
    byTopic.set(stream.name, records);
  });
  return byTopic;
}

/** Produces records to their topics with an idempotent producer, as the pipeline's own does. */
export async function produceRecords(brokers: string, byTopic: ReadonlyMap<string, readonly HistoryRecord[]>): Promise<void> {
  const kafka = new Kafka({ clientId: 'history-producer', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages: [...messages] })) });
  } finally {
    await producer.disconnect();
  }
}
