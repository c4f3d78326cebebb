import type { KafkaAdmin } from '../../../lambdas/adapters/kafka';
import { STREAMS } from '../../../lambdas/domain/streams/registry';
import type { ConsumerHealth } from '../../../twin/lambda/eventSourceMapping';
import { StatusMonitor, consumersStatus, formatStatus, type MonitoredConsumer, type StatusSnapshot } from '../../../twin/status';

const NOW = Date.parse('2026-11-25T04:00:00Z');

function consumer(groupId: string, health: ConsumerHealth, lag = 0): MonitoredConsumer {
  return { groupId, lag: async () => lag, health: () => health };
}

const running: ConsumerHealth = { consuming: true, crashes: 0 };

const snapshot = (consumers: StatusSnapshot['consumers']): StatusSnapshot => ({ eventsPerSecond: 2.5, eventsTotal: 120, lag: 3, deadLetters: 1, consumers });

describe('formatStatus', () => {
  it('says every consumer runs when none crashed', () => {
    // Act
    const line = formatStatus(snapshot({ running: 4, total: 4, crashes: 0 }), NOW);

    // Assess
    expect(line).toBe('in: 2.5 events/s (120 total) | lag: 3 | dlq: 1 | consumers: 4/4 running');
  });

  it('shows a crashed consumer, how many crashes there were, and the last one with its age', () => {
    // Prepare
    const consumers = consumersStatus([
      consumer('pulse-enrichment-orders', { consuming: false, crashes: 2, lastCrash: { atMs: NOW - 5_000, message: 'BatchDecompressionError: cannot decompress a lz4 record batch of 40 bytes (while fetching orders-0 from offset 10)' } }),
      consumer('pulse-aggregation-orders', { consuming: true, crashes: 1, lastCrash: { atMs: NOW - 600_000, message: 'Error: older' } }),
      consumer('pulse-enrichment-tickets', running),
    ]);

    // Act
    const line = formatStatus(snapshot(consumers), NOW);

    // Assess
    expect(line).toBe(
      'in: 2.5 events/s (120 total) | lag: 3 | dlq: 1 | consumers: 2/3 running, 3 crashes (last: pulse-enrichment-orders 5 s ago: BatchDecompressionError: cannot decompress a lz4 record batch of 40 bytes (while fetching orders-0 from offset 10))',
    );
  });

  it('keeps counting crashes once the consumer runs again, so a crash loop shows however the samples fall', () => {
    // Act
    const line = formatStatus(snapshot(consumersStatus([consumer('pulse-aggregation-tickets', { consuming: true, crashes: 1, lastCrash: { atMs: NOW - 3 * 3_600_000, message: 'Error: gone' } })])), NOW);

    // Assess
    expect(line).toMatch(/consumers: 1\/1 running, 1 crash \(last: pulse-aggregation-tickets 3 h ago: Error: gone\)$/);
  });

  it('cuts a long crash message short on the status line', () => {
    // Act
    const line = formatStatus(snapshot(consumersStatus([consumer('g', { consuming: false, crashes: 1, lastCrash: { atMs: NOW, message: 'x'.repeat(500) } })])), NOW);

    // Assess
    expect(line).toMatch(/: x{119}…\)$/);
  });
});

describe('StatusMonitor', () => {
  /** An admin whose every topic has `high` records per partition. */
  const admin = (high: bigint): KafkaAdmin => ({
    ensureTopics: async () => [],
    topicOffsets: async () => [{ partition: 0, low: 0n, high }],
    committedOffsets: async () => new Map(),
    probe: async () => undefined,
    close: async () => undefined,
  });

  it('samples the topics and lag, and reads the consumers\' health fresh on every snapshot', async () => {
    // Prepare
    let health: ConsumerHealth = running;
    const monitor = new StatusMonitor(admin(10n), STREAMS, [{ groupId: 'pulse-enrichment-orders', lag: async () => 7, health: () => health }]);

    // Act
    const sampled = await monitor.sample();
    health = { consuming: false, crashes: 1, lastCrash: { atMs: NOW, message: 'Error: down' } };

    // Assess
    expect(sampled).toMatchObject({ eventsTotal: 10 * STREAMS.length, lag: 7, consumers: { running: 1, total: 1, crashes: 0 } });
    expect(monitor.snapshot().consumers).toEqual({ running: 0, total: 1, crashes: 1, lastCrash: { groupId: 'pulse-enrichment-orders', atMs: NOW, message: 'Error: down' } });
  });
});
