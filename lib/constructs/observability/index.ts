/**
 * A CloudWatch dashboard and the alarms of the pipeline, all derived from the stream registry and
 * the pipeline's own metrics (`lambdas/config/metrics.ts`): adding a stream adds its series and
 * alarms. Alarms notify an SNS topic; missing data is not breaching, so an idle pipeline is quiet.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PIPELINE_METRICS } from '../../../lambdas/config/metrics';
import { PIPELINE, type ConsumerName } from '../../../lambdas/config/pipeline';
import { STREAMS } from '../../../lambdas/domain/streams/registry';
import type { AnyStreamDefinition } from '../../../lambdas/domain/streams/types';
import { ALARM_THRESHOLDS, ONE_MINUTE, type AlarmThreshold } from './alarmThresholds';
import { PipelineMetrics, discardedRecordsOf, functionWidget, offsetLagOf, type TopicWrites } from './pipelineMetrics';

export { ALARM_THRESHOLDS, type AlarmThreshold } from './alarmThresholds';
export type { TopicWrites } from './pipelineMetrics';

/** The functions the dashboard and alarms watch. */
export interface ObservedFunctions {
  readonly producer: lambda.IFunction;
  readonly enrichment: lambda.IFunction;
  readonly aggregation: lambda.IFunction;
  readonly query: lambda.IFunction;
}

/** Properties of {@link PulseObservability}. */
export interface PulseObservabilityProps {
  /** Names the dashboard `Pulse-<stage>`. */
  readonly stage: string;
  /** Where the handlers' Powertools metrics are (`metricsNamespaceOf(stage)`). */
  readonly metricsNamespace: string;
  readonly functions: ObservedFunctions;
  readonly api: apigwv2.IHttpApi;
  readonly tables: { readonly events: dynamodb.ITable; readonly aggregates: dynamodb.ITable };
  /** Streams to chart and alarm on. @default - every stream of the registry */
  readonly streams?: readonly AnyStreamDefinition[];
  /** The mappings that send what they give up on to an on-failure destination, to alarm on every such record. @default - none */
  readonly discardingMappings?: readonly DiscardingMapping[];
  /** The cluster's metrics of what producers write to a topic (`PulseKafkaCluster.metricTopicWrites`). @default - the scheduled producer's own count only */
  readonly topicWrites?: TopicWrites;
}

/** An event source mapping with an on-failure destination. */
export interface DiscardingMapping {
  readonly consumer: ConsumerName;
  readonly stream: string;
  readonly mapping: lambda.IEventSourceMapping;
}

/** The dashboard, the alarms and the topic they notify. */
export class PulseObservability extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  /** Subscribe to this topic to receive alarm notifications. */
  public readonly alarmTopic: sns.Topic;
  /** Every alarm, by a readable key (`enrichment-errors`, `orders-dead-letters`, …). */
  public readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;

  private readonly metrics: PipelineMetrics;
  private readonly alarmsByKey = new Map<string, cloudwatch.Alarm>();

  constructor(scope: Construct, id: string, props: PulseObservabilityProps) {
    super(scope, id);
    this.metrics = new PipelineMetrics(props.metricsNamespace);
    const streams = props.streams ?? STREAMS;
    const { functions } = props;
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: `Pulse ${props.stage} alarms`, enforceSSL: true });

    const functionAlarms: [keyof ObservedFunctions, AlarmThreshold][] = [
      ['producer', ALARM_THRESHOLDS.producerErrors],
      ['enrichment', ALARM_THRESHOLDS.consumerErrors],
      ['aggregation', ALARM_THRESHOLDS.consumerErrors],
      ['query', ALARM_THRESHOLDS.queryErrors],
    ];
    for (const [name, errors] of functionAlarms) {
      const fn = functions[name];
      this.alarm(`${name}-errors`, fn.metricErrors({ period: errors.period, statistic: 'Sum' }), errors, `${name} function errors`);
      const throttles = ALARM_THRESHOLDS.throttles;
      this.alarm(`${name}-throttles`, fn.metricThrottles({ period: throttles.period, statistic: 'Sum' }), throttles, `${name} function throttled`);
    }
    const consumers: Record<ConsumerName, lambda.IFunction> = { enrichment: functions.enrichment, aggregation: functions.aggregation };
    for (const [consumer, fn] of Object.entries(consumers) as [ConsumerName, lambda.IFunction][]) {
      const lag = ALARM_THRESHOLDS.offsetLagBatches;
      const threshold = lag.batches * PIPELINE.consumers[consumer].batchSize;
      this.alarm(`${consumer}-offset-lag`, offsetLagOf(fn, lag.period), { ...lag, threshold }, `${consumer} mappings ${threshold} records or more behind`);
      for (const stream of streams) {
        const stalled = ALARM_THRESHOLDS.stalledConsumer;
        this.alarm(
          `${consumer}-${stream.name}-stalled`,
          this.metrics.stalledConsumer(consumer, stream.name, stalled.period, props.topicWrites),
          stalled,
          `${stream.name} records reach the topic but ${consumer} handles none`,
        );
        const freshness = ALARM_THRESHOLDS.freshnessMs;
        this.alarm(
          `${consumer}-${stream.name}-freshness`,
          this.metrics.metric(consumer, PIPELINE_METRICS.newestRecordAge, 'Maximum', freshness.period, stream.name),
          freshness,
          `${stream.name} records reach ${consumer} ${freshness.threshold / 60_000} minutes or more after they were written`,
        );
      }
    }
    for (const { consumer, stream, mapping } of props.discardingMappings ?? []) {
      const discarded = ALARM_THRESHOLDS.discardedRecords;
      this.alarm(`${consumer}-${stream}-discarded`, discardedRecordsOf(mapping, discarded.period), discarded, `${consumer} gave up on ${stream} records (on-failure destination)`);
    }
    for (const stream of streams) {
      const rate = ALARM_THRESHOLDS.deadLetterPercent;
      this.alarm(`${stream.name}-dead-letters`, this.metrics.deadLetterPercent(stream.name, rate.period), rate, `${rate.threshold}% or more of ${stream.name} records dead-lettered`);
    }
    const api5xx = ALARM_THRESHOLDS.api5xx;
    this.alarm('api-5xx', props.api.metricServerError({ period: api5xx.period, statistic: 'Sum' }), api5xx, 'HTTP API 5xx responses');
    const latency = ALARM_THRESHOLDS.apiLatencyP95Ms;
    this.alarm('api-latency', props.api.metricLatency({ period: latency.period, statistic: 'p95' }), latency, `HTTP API p95 latency of ${latency.threshold} ms or more`);
    this.alarms = this.alarmsByKey;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `Pulse-${props.stage}`, defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# Pulse ${props.stage}\nPer stream: throughput, dead letters and freshness; per consumer: offset lag; then the functions, the HTTP API and the tables.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarmsByKey.values()], width: 24, height: 3 }));
    this.dashboard.addWidgets(...streams.map((stream) => this.metrics.streamWidget(stream.name)));
    this.dashboard.addWidgets(
      ...streams.map(
        (stream) =>
          new cloudwatch.GraphWidget({
            title: `${stream.name}: age of the newest record handled`,
            left: (Object.keys(consumers) as ConsumerName[]).map((consumer) =>
              this.metrics.metric(consumer, PIPELINE_METRICS.newestRecordAge, 'Maximum', ONE_MINUTE, stream.name).with({ label: consumer }),
            ),
            leftYAxis: { label: 'ms', showUnits: false, min: 0 },
            width: 12,
          }),
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'OffsetLag (records behind, max over the function’s mappings)',
        left: Object.entries(consumers).map(([consumer, fn]) => offsetLagOf(fn, ONE_MINUTE).with({ label: consumer })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Aggregate items written',
        left: [this.metrics.metric('aggregation', PIPELINE_METRICS.aggregatesWritten, 'Sum', ONE_MINUTE)],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(...Object.entries(functions).map(([name, fn]) => functionWidget(name, fn)));
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'HTTP API requests',
        left: [
          props.api.metricCount({ period: ONE_MINUTE, statistic: 'Sum', label: 'requests' }),
          props.api.metricClientError({ period: ONE_MINUTE, statistic: 'Sum', label: '4xx' }),
          props.api.metricServerError({ period: ONE_MINUTE, statistic: 'Sum', label: '5xx' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'HTTP API latency',
        left: ['p50', 'p95', 'p99'].map((statistic) => props.api.metricLatency({ period: ONE_MINUTE, statistic, label: statistic })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      ...Object.entries(props.tables).map(
        ([name, table]) =>
          new cloudwatch.GraphWidget({
            title: `${name} table`,
            left: [
              table.metricConsumedReadCapacityUnits({ period: ONE_MINUTE, label: 'read units' }),
              table.metricConsumedWriteCapacityUnits({ period: ONE_MINUTE, label: 'write units' }),
            ],
            right: ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metricName) =>
              table.metric(metricName, { period: ONE_MINUTE, statistic: 'Sum', label: metricName }),
            ),
            width: 12,
          }),
      ),
    );
  }

  /** The console URL of the dashboard. */
  get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  private alarm(
    key: string,
    metric: cloudwatch.IMetric,
    settings: Omit<AlarmThreshold, 'period'>,
    description: string,
  ): void {
    const alarm = new cloudwatch.Alarm(this, `Alarm-${key}`, {
      metric,
      threshold: settings.threshold,
      evaluationPeriods: settings.evaluationPeriods,
      datapointsToAlarm: settings.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Pulse: ${description}.`,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    alarm.addOkAction(new actions.SnsAction(this.alarmTopic));
    this.alarmsByKey.set(key, alarm);
  }
}

