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
import { PIPELINE_METRICS, SERVICE_DIMENSION, STREAM_DIMENSION, serviceNameOf, type MetricsComponent } from '../../lambdas/config/metrics';
import { PIPELINE, type ConsumerName } from '../../lambdas/config/pipeline';
import { STREAMS } from '../../lambdas/domain/streams/registry';
import type { AnyStreamDefinition } from '../../lambdas/domain/streams/types';

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
  readonly topicWrites?: (topic: string, period: Duration) => Readonly<Record<string, cloudwatch.IMetric>>;
}

/** An event source mapping with an on-failure destination. */
export interface DiscardingMapping {
  readonly consumer: ConsumerName;
  readonly stream: string;
  readonly mapping: lambda.IEventSourceMapping;
}

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

/** When an alarm fires: `datapointsToAlarm` of the last `evaluationPeriods` periods at or above `threshold`. */
export interface AlarmThreshold {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** When each alarm fires, and why there. */
export const ALARM_THRESHOLDS = {
  /**
   * A consumer's failed batch is retried, so one error is a retry, not an outage; errors in three
   * consecutive minutes mean a partition is stuck (its offset does not move while its batch fails).
   */
  consumerErrors: { threshold: 1, period: ONE_MINUTE, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /** The producer runs once a minute: two failed runs in five minutes leave visible gaps in the series. */
  producerErrors: { threshold: 1, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 2 },
  /** The query handler turns bad input into a 4xx, so an error that escapes it is a fault a user saw. */
  queryErrors: { threshold: 1, period: FIVE_MINUTES, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** Any throttle matters: a throttled consumer stalls its partitions, a throttled query fails a request. */
  throttles: { threshold: 1, period: FIVE_MINUTES, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /**
   * Ten batches of backlog still there after fifteen minutes: the pollers scale within about three
   * minutes, so a backlog that outlasts several scaling steps means consumption is slower than
   * production (a batch-sized lag comes and goes with every burst).
   */
  offsetLagBatches: { batches: 10, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /**
   * The scheduled producer sends no invalid events, so dead letters come from outside producers;
   * more than 5 % of a stream's records over fifteen minutes means a producer's format changed.
   */
  deadLetterPercent: { threshold: 5, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /**
   * The API serves minute windows: when the newest record a consumer handles is over five minutes
   * old for fifteen minutes, the results are stale whatever `OffsetLag` says (it counts records).
   */
  freshnessMs: { threshold: 5 * 60_000, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /**
   * Records reached a stream's topic in each of fifteen minutes while a consumer handled no batch
   * of that stream: a mapping that cannot connect, authenticate or invoke emits no metric at all,
   * so every other alarm (they treat missing data as fine) stays quiet. A working mapping hands
   * records over within seconds (500 ms batching window) and one that lags still handles batches,
   * each of which counts; fifteen minutes gives a new mapping's pollers time to start. Periods
   * without any input are missing data and not breaching: nothing reached the topic, so nothing
   * was expected of the consumers.
   */
  stalledConsumer: { threshold: 1, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /**
   * A record a mapping gave up on (sent to the on-failure destination, or dropped when even that
   * failed) is missing from the events table or the aggregates, or only partly folded: one is
   * enough to act on, and the minute period names the minute it happened.
   */
  discardedRecords: { threshold: 1, period: ONE_MINUTE, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** Bad input is a 4xx, so a 5xx is a fault; five in five minutes ignores a lone cold-start timeout. */
  api5xx: { threshold: 5, period: FIVE_MINUTES, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /**
   * A day of a series is one single-partition Query: p95 above 2 s for fifteen minutes means
   * throttling or a long range on every request, not a cold start.
   */
  apiLatencyP95Ms: { threshold: 2000, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 3 },
} as const;

/** The dashboard, the alarms and the topic they notify. */
export class PulseObservability extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  /** Subscribe to this topic to receive alarm notifications. */
  public readonly alarmTopic: sns.Topic;
  /** Every alarm, by a readable key (`enrichment-errors`, `orders-dead-letters`, …). */
  public readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;

  private readonly namespace: string;
  private readonly alarmsByKey = new Map<string, cloudwatch.Alarm>();

  constructor(scope: Construct, id: string, props: PulseObservabilityProps) {
    super(scope, id);
    this.namespace = props.metricsNamespace;
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
          this.stalledConsumer(consumer, stream.name, stalled.period, props.topicWrites),
          stalled,
          `${stream.name} records reach the topic but ${consumer} handles none`,
        );
        const freshness = ALARM_THRESHOLDS.freshnessMs;
        this.alarm(
          `${consumer}-${stream.name}-freshness`,
          this.pipelineMetric(consumer, PIPELINE_METRICS.newestRecordAge, 'Maximum', freshness.period, stream.name),
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
      this.alarm(`${stream.name}-dead-letters`, this.deadLetterPercent(stream.name, rate.period), rate, `${rate.threshold}% or more of ${stream.name} records dead-lettered`);
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
    this.dashboard.addWidgets(...streams.map((stream) => this.streamWidget(stream.name)));
    this.dashboard.addWidgets(
      ...streams.map(
        (stream) =>
          new cloudwatch.GraphWidget({
            title: `${stream.name}: age of the newest record handled`,
            left: (Object.keys(consumers) as ConsumerName[]).map((consumer) =>
              this.pipelineMetric(consumer, PIPELINE_METRICS.newestRecordAge, 'Maximum', ONE_MINUTE, stream.name).with({ label: consumer }),
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
        left: [this.pipelineMetric('aggregation', PIPELINE_METRICS.aggregatesWritten, 'Sum', ONE_MINUTE)],
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

  /** One of the handlers' Powertools metrics. */
  private pipelineMetric(component: MetricsComponent, metricName: string, statistic: string, period: Duration, stream?: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { [SERVICE_DIMENSION]: serviceNameOf(component), ...(stream ? { [STREAM_DIMENSION]: stream } : {}) },
      statistic,
      period,
    });
  }

  /** Percentage of a stream's records the enrichment consumer dead-lettered. */
  private deadLetterPercent(stream: string, period: Duration): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'IF(stored + dead > 0, 100 * dead / (stored + dead), 0)',
      usingMetrics: {
        stored: this.pipelineMetric('enrichment', PIPELINE_METRICS.eventsStored, 'Sum', period, stream),
        dead: this.pipelineMetric('enrichment', PIPELINE_METRICS.deadLetters, 'Sum', period, stream),
      },
      label: `${stream} dead letters (%)`,
      period,
    });
  }

  /**
   * 1 in a period when records were written to a stream's topic (the cluster's own count, and the
   * scheduled producer's, which also covers a cluster whose metrics are not known here) and the
   * consumer handled no batch of the stream: each handled batch emits one `NewestRecordAge` per
   * stream in it, so its sample count is the number of batches.
   */
  private stalledConsumer(
    consumer: ConsumerName,
    stream: string,
    period: Duration,
    topicWrites: PulseObservabilityProps['topicWrites'],
  ): cloudwatch.MathExpression {
    const written: Record<string, cloudwatch.IMetric> = {
      ...topicWrites?.(stream, period),
      produced: this.pipelineMetric('producer', PIPELINE_METRICS.eventsProduced, 'Sum', period, stream),
    };
    const writes = Object.keys(written).map((id) => `FILL(${id}, 0)`).join(' + ');
    return new cloudwatch.MathExpression({
      expression: `IF((${writes}) > 0 AND FILL(handled, 0) == 0, 1, 0)`,
      usingMetrics: { ...written, handled: this.pipelineMetric(consumer, PIPELINE_METRICS.newestRecordAge, 'SampleCount', period, stream) },
      label: `${stream} written, ${consumer} idle`,
      period,
    });
  }

  private streamWidget(stream: string): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: `${stream}: records per minute`,
      left: [
        this.pipelineMetric('producer', PIPELINE_METRICS.eventsProduced, 'Sum', ONE_MINUTE, stream).with({ label: 'produced' }),
        this.pipelineMetric('enrichment', PIPELINE_METRICS.eventsStored, 'Sum', ONE_MINUTE, stream).with({ label: 'stored' }),
        this.pipelineMetric('enrichment', PIPELINE_METRICS.deadLetters, 'Sum', ONE_MINUTE, stream).with({ label: 'dead letters' }),
        this.pipelineMetric('aggregation', PIPELINE_METRICS.invalidRecords, 'Sum', ONE_MINUTE, stream).with({ label: 'invalid (aggregation)' }),
      ],
      width: 12,
    });
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

/**
 * Records one mapping gave up on: those it sent to its on-failure destination, plus those it
 * dropped because that delivery failed. Both are event source mapping metrics of the `EventCount`
 * group, published per mapping (`EventSourceMappingUUID`)
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics);
 * a period without either is a period without discards.
 */
function discardedRecordsOf(mapping: lambda.IEventSourceMapping, period: Duration): cloudwatch.MathExpression {
  const metric = (metricName: string) =>
    new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap: { EventSourceMappingUUID: mapping.eventSourceMappingId }, statistic: 'Sum', period });
  return new cloudwatch.MathExpression({
    expression: 'FILL(delivered, 0) + FILL(dropped, 0)',
    usingMetrics: { delivered: metric('OnFailureDestinationDeliveredEventCount'), dropped: metric('DroppedEventCount') },
    label: 'records given up on',
    period,
  });
}

/** Lambda's `OffsetLag` of a function: published per function, so the maximum over its mappings. */
function offsetLagOf(fn: lambda.IFunction, period: Duration): cloudwatch.Metric {
  return fn.metric('OffsetLag', { statistic: 'Maximum', period });
}

function functionWidget(name: string, fn: lambda.IFunction): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title: `${name} function`,
    left: [
      fn.metricInvocations({ period: ONE_MINUTE, label: 'invocations' }),
      fn.metricErrors({ period: ONE_MINUTE, label: 'errors' }),
      fn.metricThrottles({ period: ONE_MINUTE, label: 'throttles' }),
    ],
    right: [fn.metricDuration({ period: ONE_MINUTE, statistic: 'p95', label: 'duration p95' })],
    width: 6,
  });
}
