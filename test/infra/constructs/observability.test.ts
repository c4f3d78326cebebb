import { Match } from 'aws-cdk-lib/assertions';
import { PIPELINE } from '../../../lambdas/config/pipeline';
import { STREAMS } from '../../../lambdas/domain/streams/registry';
import { ALARM_THRESHOLDS } from '../../../lib/constructs/observability';
import { SYNTH_TIMEOUT_MS, VARIANTS, logicalIdOf, synthesizePulse, type SynthesizedPulse } from '../helpers/pulseApp';

let result: SynthesizedPulse;

beforeAll(() => {
  result = synthesizePulse({ stage: 'dev' });
}, SYNTH_TIMEOUT_MS);

/** The alarm of `key`, as synthesized. */
function alarmProperties(key: string): Record<string, unknown> {
  const alarm = result.stacks.pipeline.observability.alarms.get(key);
  if (!alarm) throw new Error(`no alarm ${key}`);
  return result.pipeline.toJSON().Resources[logicalIdOf(alarm)].Properties;
}

const FUNCTIONS = ['producer', 'enrichment', 'aggregation', 'query'] as const;

describe('PulseObservability', () => {
  it('has an alarm per function on errors and on throttles, per consumer on OffsetLag, per stream on dead letters, per consumer and stream on freshness and on stalling, and two on the API', () => {
    // Prepare
    const expected = FUNCTIONS.length * 2 + 2 + STREAMS.length + 2 * 2 * STREAMS.length + 2;

    // Assess
    result.pipeline.resourceCountIs('AWS::CloudWatch::Alarm', expected);
    expect([...result.stacks.pipeline.observability.alarms.keys()]).toEqual(
      expect.arrayContaining(['enrichment-errors', 'query-throttles', 'aggregation-offset-lag', 'orders-dead-letters', 'enrichment-tickets-freshness', 'api-5xx', 'api-latency']),
    );
  });

  it.each(['enrichment', 'aggregation'] as const)('alarms when the %s mappings’ OffsetLag stays at ten batches for fifteen minutes', (consumer) => {
    expect(alarmProperties(`${consumer}-offset-lag`)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'OffsetLag',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(result.stacks.pipeline.processing[consumer]) } }],
      Statistic: 'Maximum',
      Threshold: 10 * PIPELINE.consumers[consumer].batchSize,
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  it.each(STREAMS.map((stream) => stream.name))('alarms on the share of %s records dead-lettered, from the enrichment metrics', (stream) => {
    // Act
    const properties = alarmProperties(`${stream}-dead-letters`);

    // Assess
    expect(properties).toMatchObject({ Threshold: ALARM_THRESHOLDS.deadLetterPercent.threshold, EvaluationPeriods: 3 });
    const metrics = properties.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: unknown; Stat: string } }[];
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe('IF(stored + dead > 0, 100 * dead / (stored + dead), 0)');
    expect(metrics.find((metric) => metric.Id === 'dead')?.MetricStat).toEqual({
      Metric: { Namespace: 'Pulse/dev', MetricName: 'DeadLetters', Dimensions: [{ Name: 'service', Value: 'pulse-enrichment' }, { Name: 'stream', Value: stream }] },
      Period: 300,
      Stat: 'Sum',
    });
  });

  it('alarms on records handled five minutes or more after they were written, per consumer and stream', () => {
    expect(alarmProperties('aggregation-orders-freshness')).toMatchObject({
      Namespace: 'Pulse/dev',
      MetricName: 'NewestRecordAge',
      Dimensions: [
        { Name: 'service', Value: 'pulse-aggregation' },
        { Name: 'stream', Value: 'orders' },
      ],
      Statistic: 'Maximum',
      Threshold: 5 * 60_000,
    });
  });

  it('alarms on every record a mapping with an on-failure destination gives up on, per consumer and stream', () => {
    // Prepare
    const withDestination = synthesizePulse({ stage: 'onfail', minPollers: '1', onFailure: 'sqs', retryAttempts: '2' });
    const observability = withDestination.stacks.pipeline.observability;
    const resources = withDestination.pipeline.toJSON().Resources;

    // Assess
    expect([...result.stacks.pipeline.observability.alarms.keys()].filter((key) => key.endsWith('-discarded'))).toEqual([]);
    for (const { consumer, stream, mapping } of withDestination.stacks.pipeline.processing.mappings) {
      const alarm = observability.alarms.get(`${consumer}-${stream}-discarded`);
      const properties = resources[logicalIdOf(alarm as never)].Properties;
      expect(properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      const metrics = properties.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: unknown; Period: number; Stat: string } }[];
      expect(metrics.find((metric) => metric.Expression)?.Expression).toBe('FILL(delivered, 0) + FILL(dropped, 0)');
      const dimensions = [{ Name: 'EventSourceMappingUUID', Value: { Ref: logicalIdOf(mapping) } }];
      expect(metrics.filter((metric) => metric.MetricStat).map((metric) => metric.MetricStat)).toEqual([
        { Metric: { Namespace: 'AWS/Lambda', MetricName: 'OnFailureDestinationDeliveredEventCount', Dimensions: dimensions }, Period: 60, Stat: 'Sum' },
        { Metric: { Namespace: 'AWS/Lambda', MetricName: 'DroppedEventCount', Dimensions: dimensions }, Period: 60, Stat: 'Sum' },
      ]);
    }
  }, SYNTH_TIMEOUT_MS);

  it.each(['enrichment', 'aggregation'] as const)('alarms when records reach a topic but %s handles no batch of that stream for fifteen minutes', (consumer) => {
    // Act
    const properties = alarmProperties(`${consumer}-orders-stalled`);

    // Assess
    expect(properties).toMatchObject({ Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching' });
    const metrics = properties.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: unknown; Period: number; Stat: string } }[];
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe('IF((FILL(messagesIn, 0) + FILL(produced, 0)) > 0 AND FILL(handled, 0) == 0, 1, 0)');
    const stat = (id: string) => metrics.find((metric) => metric.Id === id)?.MetricStat;
    expect(stat('messagesIn')).toEqual({
      Metric: { Namespace: 'AWS/Kafka', MetricName: 'MessagesInPerSec', Dimensions: [{ Name: 'Cluster Name', Value: 'pulse-dev' }, { Name: 'Topic', Value: 'orders' }] },
      Period: 300,
      Stat: 'Sum',
    });
    expect(stat('produced')).toMatchObject({ Metric: { Namespace: 'Pulse/dev', MetricName: 'EventsProduced' }, Stat: 'Sum' });
    expect(stat('handled')).toEqual({
      Metric: { Namespace: 'Pulse/dev', MetricName: 'NewestRecordAge', Dimensions: [{ Name: 'service', Value: `pulse-${consumer}` }, { Name: 'stream', Value: 'orders' }] },
      Period: 300,
      Stat: 'SampleCount',
    });
  });

  it('sums a provisioned cluster’s per-broker topic input, and counts only the producer’s records on an existing cluster', () => {
    // Prepare
    const expressionOf = (result: SynthesizedPulse) => {
      const alarm = result.stacks.pipeline.observability.alarms.get('aggregation-tickets-stalled');
      const metrics = result.pipeline.toJSON().Resources[logicalIdOf(alarm as never)].Properties.Metrics as { Expression?: string; MetricStat?: { Metric: { Dimensions: unknown } } }[];
      return { expression: metrics.find((metric) => metric.Expression)?.Expression, dimensions: metrics.map((metric) => metric.MetricStat?.Metric.Dimensions) };
    };

    // Act
    const provisioned = expressionOf(synthesizePulse(VARIANTS.provisioned));
    const existing = expressionOf(synthesizePulse(VARIANTS.existing));

    // Assess
    expect(provisioned.expression).toBe('IF((FILL(bytesInBroker1, 0) + FILL(bytesInBroker2, 0) + FILL(produced, 0)) > 0 AND FILL(handled, 0) == 0, 1, 0)');
    expect(provisioned.dimensions).toContainEqual([
      { Name: 'Broker ID', Value: '2' },
      { Name: 'Cluster Name', Value: 'pulse-prod' },
      { Name: 'Topic', Value: 'tickets' },
    ]);
    expect(existing.expression).toBe('IF((FILL(produced, 0)) > 0 AND FILL(handled, 0) == 0, 1, 0)');
  }, SYNTH_TIMEOUT_MS);

  it('alarms on API 5xx responses and p95 latency', () => {
    // Prepare
    const api = { Name: 'ApiId', Value: { Ref: logicalIdOf(result.stacks.pipeline.queryApi.api) } };

    // Assess
    expect(alarmProperties('api-5xx')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: [api], Statistic: 'Sum', Threshold: 5 });
    expect(alarmProperties('api-latency')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Dimensions: [api], ExtendedStatistic: 'p95', Threshold: 2000 });
  });

  it('notifies the alarm topic when any alarm fires and when it clears, and stays quiet when there is no data', () => {
    // Prepare
    const topic = { Ref: logicalIdOf(result.stacks.pipeline.observability.alarmTopic) };

    // Assess
    result.pipeline.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topic], OKActions: [topic], TreatMissingData: 'notBreaching' });
  });

  it('publishes alarms only over TLS', () => {
    result.pipeline.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  it('charts every stream, both consumers, every function, the API and the tables on the Pulse-<stage> dashboard', () => {
    // Prepare
    const dashboard = Object.values(result.pipeline.findResources('AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(result.stacks.pipeline.resolve(dashboard?.Properties.DashboardBody));

    // Assess
    expect(dashboard?.Properties.DashboardName).toBe('Pulse-dev');
    for (const stream of STREAMS) {
      expect(body).toContain(`${stream.name}: records per minute`);
      expect(body).toContain(`${stream.name}: age of the newest record handled`);
    }
    for (const title of ['OffsetLag', 'Aggregate items written', 'producer function', 'query function', 'HTTP API latency', 'events table', 'aggregates table']) {
      expect(body).toContain(title);
    }
  });
});
