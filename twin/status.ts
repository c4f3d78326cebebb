/**
 * The live status of the local twin: events per second arriving on the stream topics (from any
 * producer, the twin's own or an outside client), consumer lag and dead letters.
 */
import type { KafkaAdmin } from '../lambdas/adapters/kafka';
import { deadLetterTopic } from '../lambdas/config/pipeline';
import type { AnyStreamDefinition } from '../lambdas/domain/streams/types';

/** A consumer whose uncommitted records can be counted. */
export interface LagSource {
  lag(): Promise<number>;
}

/** One reading of the twin's status. */
export interface StatusSnapshot {
  /** Records per second appended to the stream topics over the last interval. */
  readonly eventsPerSecond: number;
  /** Records in the stream topics. */
  readonly eventsTotal: number;
  /** Records not yet committed by the consumers, summed over every mapping. */
  readonly lag: number;
  /** Records in the dead-letter topics. */
  readonly deadLetters: number;
}

/** The one-line form of a snapshot. */
export function formatStatus(snapshot: StatusSnapshot): string {
  return `in: ${snapshot.eventsPerSecond.toFixed(1)} events/s (${snapshot.eventsTotal} total) | lag: ${snapshot.lag} | dlq: ${snapshot.deadLetters}`;
}

const SAMPLE_MS = 1000;

/** Samples topic offsets and consumer lag once a second. */
export class StatusMonitor {
  private timer: NodeJS.Timeout | undefined;
  private previous: { at: number; total: number } | undefined;
  private latest: StatusSnapshot = { eventsPerSecond: 0, eventsTotal: 0, lag: 0, deadLetters: 0 };

  /** `admin` stays the caller's: the monitor neither connects nor closes it. */
  constructor(
    private readonly admin: KafkaAdmin,
    private readonly streams: readonly AnyStreamDefinition[],
    private readonly consumers: readonly LagSource[],
  ) {}

  /** Takes the first sample, then one a second. */
  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => {
      this.sample().catch(() => undefined);
    }, SAMPLE_MS);
  }

  /** The latest sample. */
  snapshot(): StatusSnapshot {
    return this.latest;
  }

  /** Takes a sample now. */
  async sample(): Promise<StatusSnapshot> {
    const at = Date.now();
    const sumOffsets = async (topic: string, from: 'low' | 'zero') => {
      const partitions = await this.admin.topicOffsets(topic);
      return partitions.reduce((sum, p) => sum + Number(p.high) - (from === 'low' ? Number(p.low) : 0), 0);
    };
    const [totals, letters, lags] = await Promise.all([
      Promise.all(this.streams.map((stream) => sumOffsets(stream.name, 'zero'))),
      Promise.all(this.streams.map((stream) => sumOffsets(deadLetterTopic(stream.name), 'low'))),
      Promise.all(this.consumers.map((consumer) => consumer.lag())),
    ]);
    const total = totals.reduce((a, b) => a + b, 0);
    const rate = this.previous ? ((total - this.previous.total) * 1000) / Math.max(1, at - this.previous.at) : 0;
    this.previous = { at, total };
    this.latest = {
      eventsPerSecond: rate,
      eventsTotal: total,
      lag: lags.reduce((a, b) => a + b, 0),
      deadLetters: letters.reduce((a, b) => a + b, 0),
    };
    return this.latest;
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
