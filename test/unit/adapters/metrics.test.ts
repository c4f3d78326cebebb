import { PIPELINE_METRICS, metricsNamespaceOf } from '../../../lambdas/config/metrics';
import { createMetrics, recordTallies } from '../../../lambdas/adapters/metrics';
import { recordingMetrics } from '../../helpers/recordingMetrics';

interface EmfDocument {
  readonly _aws: { readonly CloudWatchMetrics: readonly { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  readonly [key: string]: unknown;
}

/** The EMF documents Powertools writes to stdout while `work` runs. */
function emfWrittenBy(work: () => void): EmfDocument[] {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfDocument);
}

describe('createMetrics', () => {
  it('gives no metrics when the environment names no namespace, so the local twin prints no EMF', () => {
    // Act
    const metrics = createMetrics('enrichment', {});

    // Assess
    expect(metrics).toBeUndefined();
  });

  it('publishes one EMF document per stream, in the namespace, with the service and stream dimensions', () => {
    // Prepare
    const metrics = createMetrics('enrichment', { POWERTOOLS_METRICS_NAMESPACE: metricsNamespaceOf('test') });
    metrics?.add(PIPELINE_METRICS.eventsStored, 'Count', 7, 'orders');
    metrics?.add(PIPELINE_METRICS.deadLetters, 'Count', 1, 'orders');
    metrics?.add(PIPELINE_METRICS.eventsStored, 'Count', 2, 'tickets');

    // Act
    const documents = emfWrittenBy(() => metrics?.publish());

    // Assess
    expect(documents).toHaveLength(2);
    const [orders, tickets] = documents;
    expect(orders?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Pulse/test',
      Dimensions: [['service', 'stream']],
      Metrics: [
        { Name: 'EventsStored', Unit: 'Count' },
        { Name: 'DeadLetters', Unit: 'Count' },
      ],
    });
    expect(orders).toMatchObject({ service: 'pulse-enrichment', stream: 'orders', EventsStored: 7, DeadLetters: 1 });
    expect(tickets).toMatchObject({ service: 'pulse-enrichment', stream: 'tickets', EventsStored: 2 });
  });

  it('publishes a metric recorded without a stream with the service dimension only', () => {
    // Prepare
    const metrics = createMetrics('aggregation', { POWERTOOLS_METRICS_NAMESPACE: 'Pulse/test' });
    metrics?.add(PIPELINE_METRICS.aggregatesWritten, 'Count', 12);

    // Act
    const [document] = emfWrittenBy(() => metrics?.publish());

    // Assess
    expect(document?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(document).toMatchObject({ service: 'pulse-aggregation', AggregatesWritten: 12 });
    expect(document).not.toHaveProperty('stream');
  });

  it('starts afresh after publishing', () => {
    // Prepare
    const metrics = createMetrics('producer', { POWERTOOLS_METRICS_NAMESPACE: 'Pulse/test' });
    metrics?.add(PIPELINE_METRICS.eventsProduced, 'Count', 300, 'orders');
    emfWrittenBy(() => metrics?.publish());

    // Act
    const documents = emfWrittenBy(() => metrics?.publish());

    // Assess
    expect(documents).toEqual([]);
  });
});

describe('recordTallies', () => {
  it('records each stream’s valid and invalid counts under the given names and the age of its newest record', () => {
    // Prepare
    const metrics = recordingMetrics();
    const tallies = new Map([
      ['orders', { valid: 9, invalid: 1, newestTimestampMs: 1_000 }],
      ['tickets', { valid: 3, invalid: 0, newestTimestampMs: 4_000 }],
    ]);

    // Act
    recordTallies(metrics, tallies, { valid: 'EventsStored', invalid: 'DeadLetters' }, 5_000);

    // Assess
    expect(metrics.points).toEqual([
      ['EventsStored', 'Count', 9, 'orders'],
      ['DeadLetters', 'Count', 1, 'orders'],
      ['NewestRecordAge', 'Milliseconds', 4_000, 'orders'],
      ['EventsStored', 'Count', 3, 'tickets'],
      ['DeadLetters', 'Count', 0, 'tickets'],
      ['NewestRecordAge', 'Milliseconds', 1_000, 'tickets'],
    ]);
  });

  it('records no count the consumer does not name, and no negative age for a record stamped ahead of the clock', () => {
    // Prepare
    const metrics = recordingMetrics();

    // Act
    recordTallies(metrics, new Map([['orders', { valid: 1, invalid: 2, newestTimestampMs: 9_000 }]]), { invalid: 'InvalidRecords' }, 5_000);

    // Assess
    expect(metrics.points).toEqual([
      ['InvalidRecords', 'Count', 2, 'orders'],
      ['NewestRecordAge', 'Milliseconds', 0, 'orders'],
    ]);
  });
});
