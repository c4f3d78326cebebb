/**
 * The metrics the dashboard charts and the alarms watch: the handlers' Powertools metrics by
 * component and stream, the expressions derived from them, and Lambda's own per-function and
 * per-mapping metrics.
 */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { PIPELINE_METRICS, SERVICE_DIMENSION, STREAM_DIMENSION, serviceNameOf, type MetricsComponent } from '../../../lambdas/config/metrics';
import type { ConsumerName } from '../../../lambdas/config/pipeline';
import { ONE_MINUTE } from './alarmThresholds';

/** The cluster's metrics of what producers write to a topic, by a math-expression id. */
export type TopicWrites = (topic: string, period: Duration) => Readonly<Record<string, cloudwatch.IMetric>>;

/** The handlers' metrics in one namespace (`metricsNamespaceOf(stage)`). */
export class PipelineMetrics {
  constructor(private readonly namespace: string) {}

  /** One of the handlers' Powertools metrics. */
  metric(component: MetricsComponent, metricName: string, statistic: string, period: Duration, stream?: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { [SERVICE_DIMENSION]: serviceNameOf(component), ...(stream ? { [STREAM_DIMENSION]: stream } : {}) },
      statistic,
      period,
    });
  }

  /** Percentage of a stream's records the enrichment consumer dead-lettered. */
  deadLetterPercent(stream: string, period: Duration): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'IF(stored + dead > 0, 100 * dead / (stored + dead), 0)',
      usingMetrics: {
        stored: this.metric('enrichment', PIPELINE_METRICS.eventsStored, 'Sum', period, stream),
        dead: this.metric('enrichment', PIPELINE_METRICS.deadLetters, 'Sum', period, stream),
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
  stalledConsumer(
    consumer: ConsumerName,
    stream: string,
    period: Duration,
    topicWrites: TopicWrites | undefined,
  ): cloudwatch.MathExpression {
    const written: Record<string, cloudwatch.IMetric> = {
      ...topicWrites?.(stream, period),
      produced: this.metric('producer', PIPELINE_METRICS.eventsProduced, 'Sum', period, stream),
    };
    const writes = Object.keys(written).map((id) => `FILL(${id}, 0)`).join(' + ');
    return new cloudwatch.MathExpression({
      expression: `IF((${writes}) > 0 AND FILL(handled, 0) == 0, 1, 0)`,
      usingMetrics: { ...written, handled: this.metric(consumer, PIPELINE_METRICS.newestRecordAge, 'SampleCount', period, stream) },
      label: `${stream} written, ${consumer} idle`,
      period,
    });
  }

  /** A stream's records per minute: produced, stored, dead-lettered and counted invalid. */
  streamWidget(stream: string): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: `${stream}: records per minute`,
      left: [
        this.metric('producer', PIPELINE_METRICS.eventsProduced, 'Sum', ONE_MINUTE, stream).with({ label: 'produced' }),
        this.metric('enrichment', PIPELINE_METRICS.eventsStored, 'Sum', ONE_MINUTE, stream).with({ label: 'stored' }),
        this.metric('enrichment', PIPELINE_METRICS.deadLetters, 'Sum', ONE_MINUTE, stream).with({ label: 'dead letters' }),
        this.metric('aggregation', PIPELINE_METRICS.invalidRecords, 'Sum', ONE_MINUTE, stream).with({ label: 'invalid (aggregation)' }),
      ],
      width: 12,
    });
  }
}

/**
 * Records one mapping gave up on: those it sent to its on-failure destination, plus those it
 * dropped because that delivery failed. Both are event source mapping metrics of the `EventCount`
 * group, published per mapping (`EventSourceMappingUUID`)
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics);
 * a period without either is a period without discards.
 */
export function discardedRecordsOf(mapping: lambda.IEventSourceMapping, period: Duration): cloudwatch.MathExpression {
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
export function offsetLagOf(fn: lambda.IFunction, period: Duration): cloudwatch.Metric {
  return fn.metric('OffsetLag', { statistic: 'Maximum', period });
}

/** A function's invocations, errors, throttles and p95 duration. */
export function functionWidget(name: string, fn: lambda.IFunction): cloudwatch.GraphWidget {
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
