/**
 * The live status of the local twin: events per second arriving on the stream topics (from any
 * producer, the twin's own or an outside client), consumer lag, dead letters, and whether every
 * consumer runs: a crashed one is shown until it runs again, and its crashes stay counted, so a
 * consumer that keeps crashing is never silent.
 */
import type { KafkaAdmin } from '../lambdas/adapters/kafka';
import { deadLetterTopic } from '../lambdas/config/pipeline';
import type { AnyStreamDefinition } from '../lambdas/domain/streams/types';
import type { ConsumerHealth } from './lambda/eventSourceMapping';

/** A consumer (an event source mapping) whose uncommitted records can be counted and whose health can be read. */
export interface MonitoredConsumer {
  /** Its consumer group, which names it. */
  readonly groupId: string;
  lag(): Promise<number>;
  health(): ConsumerHealth;
}

/** The consumers' health, summed. */
export interface ConsumersStatus {
  /** Consumers running now. */
  readonly running: number;
  readonly total: number;
  /** Crashes of all consumers since the twin started. */
  readonly crashes: number;
  /** The most recent crash of any consumer. */
  readonly lastCrash?: { readonly groupId: string; readonly atMs: number; readonly message: string };
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
  readonly consumers: ConsumersStatus;
}

/** Longest crash message on the status line; the log line has it whole. */
const CRASH_MESSAGE_CHARS = 120;

/** How long ago `ms` is, as a person reads it: "45 s", "3 min", "2 h". */
function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** The consumers' part of the status line: "4/4 running", and the crashes when there were any. */
export function formatConsumers(consumers: ConsumersStatus, nowMs: number): string {
  const running = `${consumers.running}/${consumers.total} running`;
  const last = consumers.lastCrash;
  if (consumers.crashes === 0 || last === undefined) return running;
  const message = last.message.length > CRASH_MESSAGE_CHARS ? `${last.message.slice(0, CRASH_MESSAGE_CHARS - 1)}…` : last.message;
  return `${running}, ${consumers.crashes} crash${consumers.crashes === 1 ? '' : 'es'} (last: ${last.groupId} ${ago(nowMs - last.atMs)} ago: ${message})`;
}

/**
 * The one-line form of a snapshot.
 * @param nowMs - now, ms since the epoch, for the age of the last crash
 */
export function formatStatus(snapshot: StatusSnapshot, nowMs: number = Date.now()): string {
  return `in: ${snapshot.eventsPerSecond.toFixed(1)} events/s (${snapshot.eventsTotal} total) | lag: ${snapshot.lag} | dlq: ${snapshot.deadLetters} | consumers: ${formatConsumers(snapshot.consumers, nowMs)}`;
}

/** The consumers' health, summed, with the most recent crash. */
export function consumersStatus(consumers: readonly MonitoredConsumer[]): ConsumersStatus {
  let running = 0;
  let crashes = 0;
  let lastCrash: ConsumersStatus['lastCrash'];
  for (const consumer of consumers) {
    const health = consumer.health();
    if (health.consuming) running += 1;
    crashes += health.crashes;
    if (health.lastCrash && (lastCrash === undefined || health.lastCrash.atMs >= lastCrash.atMs)) lastCrash = { groupId: consumer.groupId, ...health.lastCrash };
  }
  return { running, total: consumers.length, crashes, ...(lastCrash ? { lastCrash } : {}) };
}

const SAMPLE_MS = 1000;

/** Samples topic offsets and consumer lag once a second. */
export class StatusMonitor {
  private timer: NodeJS.Timeout | undefined;
  private previous: { at: number; total: number } | undefined;
  private latest: StatusSnapshot;

  /** `admin` stays the caller's: the monitor neither connects nor closes it. */
  constructor(
    private readonly admin: KafkaAdmin,
    private readonly streams: readonly AnyStreamDefinition[],
    private readonly consumers: readonly MonitoredConsumer[],
  ) {
    this.latest = { eventsPerSecond: 0, eventsTotal: 0, lag: 0, deadLetters: 0, consumers: consumersStatus(consumers) };
  }

  /** Takes the first sample, then one a second. */
  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => {
      this.sample().catch(() => undefined);
    }, SAMPLE_MS);
  }

  /** The latest sample of the topics and lag, with the consumers' health as it is now (reading it costs no request). */
  snapshot(): StatusSnapshot {
    return { ...this.latest, consumers: consumersStatus(this.consumers) };
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
      consumers: consumersStatus(this.consumers),
    };
    return this.latest;
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
