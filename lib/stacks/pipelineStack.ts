/**
 * The stateless half of Pulse: the consumers and their event source mappings, the scheduled
 * producer, the query API, and the dashboard and alarms. It reads the data stack's cluster,
 * network and tables, and can be replaced without touching any data.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { metricsNamespaceOf } from '../../lambdas/config/metrics';
import { PIPELINE } from '../../lambdas/config/pipeline';
import { pipelinePlan } from '../../lambdas/config/plan';
import type { PulseConfig } from '../config';
import { PulseObservability } from '../constructs/observability';
import { PulseProducer } from '../constructs/producer';
import { PulseQueryApi } from '../constructs/queryApi';
import { PulseStreamProcessing } from '../constructs/streamProcessing';
import type { PulseDataStack } from './dataStack';

/** Properties of {@link PulsePipelineStack}. */
export interface PulsePipelineStackProps extends StackProps {
  readonly config: PulseConfig;
  readonly data: PulseDataStack;
}

/** Functions, mappings, schedule, API and observability. */
export class PulsePipelineStack extends Stack {
  public readonly processing: PulseStreamProcessing;
  public readonly producer: PulseProducer;
  public readonly queryApi: PulseQueryApi;
  public readonly observability: PulseObservability;

  constructor(scope: Construct, id: string, props: PulsePipelineStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const metricsNamespace = metricsNamespaceOf(config.stage);
    const pollers = config.pollers;
    // The values of the handlers' settings on AWS; each function gets those it reads (lambdas/config/settings.ts).
    const plan = pipelinePlan({
      values: {
        EVENTS_TABLE: data.storage.events.tableName,
        AGGREGATES_TABLE: data.storage.aggregates.tableName,
        MSK_CLUSTER_ARN: data.cluster.clusterArn,
        PULSE_RETENTION_DAYS: String(config.retentionDays),
        PULSE_EVENTS_RETENTION_DAYS: String(config.eventsRetentionDays),
        PULSE_MAX_CLOCK_SKEW_SECONDS: String(PIPELINE.validation.maxClockSkewMs / 1000),
        PULSE_EVENTS_PER_SECOND: String(config.producerEventsPerSecond),
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      },
      ...(pollers ? { errorHandling: pollers.errorHandling } : {}),
    });

    this.processing = new PulseStreamProcessing(this, 'Processing', {
      cluster: data.cluster,
      storage: data.storage,
      placement: data.network.functionPlacement,
      plan,
      ...(pollers ? { provisionedPolling: { minimumPollers: pollers.minimumPollers, maximumPollers: pollers.maximumPollers } } : {}),
    });
    data.keyspaces?.grantWrite(this.processing.aggregation);
    this.producer = new PulseProducer(this, 'Producer', {
      cluster: data.cluster,
      placement: data.network.functionPlacement,
      eventsPerSecond: config.producerEventsPerSecond,
      environment: plan.functions.producer.environment,
    });
    this.queryApi = new PulseQueryApi(this, 'Query', {
      apiName: `Pulse-${config.stage}`,
      storage: data.storage,
      corsOrigins: config.corsOrigins,
      environment: plan.functions.query.environment,
    });
    this.observability = new PulseObservability(this, 'Observability', {
      stage: config.stage,
      metricsNamespace,
      functions: {
        producer: this.producer.handler,
        enrichment: this.processing.enrichment,
        aggregation: this.processing.aggregation,
        query: this.queryApi.handler,
      },
      api: this.queryApi.api,
      tables: { events: data.storage.events, aggregates: data.storage.aggregates },
      ...(this.processing.onFailure === 'none' ? {} : { discardingMappings: this.processing.mappings }),
      topicWrites: (topic, period) => data.cluster.metricTopicWrites(topic, period),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.queryApi.url, description: 'HTTP API base URL (GET /health, /v1/streams, /)' });
    new CfnOutput(this, 'DashboardUrl', { value: this.observability.dashboardUrl, description: 'CloudWatch dashboard' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.alarmTopic.topicArn, description: 'Subscribe to receive alarm notifications' });
  }
}
