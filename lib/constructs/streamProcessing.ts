/**
 * The consumers of every stream: one function per consumer of the pipeline plan (enrichment,
 * aggregation), each with one MSK event source mapping per stream, configured from the plan's
 * mappings (batch size, batching window, starting position, fixed consumer group, error
 * handling), which the local twin iterates too.
 *
 * Error handling: by default a failed batch is retried until it succeeds (AWS's default), which is
 * what exactly-once totals want. With provisioned pollers the mappings can also bound retries and
 * record age, bisect a failing batch and send what they give up on to an on-failure destination;
 * AWS offers these for Kafka in provisioned mode only. (The handlers never report partial batch
 * failures: a record no retry can fix is dead-lettered by the handler itself, and a transient
 * failure fails the batch, whose retry is idempotent, so `ReportBatchItemFailures` would change
 * nothing.)
 *
 * With an on-failure destination, "retry until success" is not on offer: AWS applies at most 10
 * retries when retries are unbounded (-1) and a destination is set
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html). So the mappings
 * then state both limits, retries (required) and record age (-1, none, unless given), and emit
 * the `EventCount` metrics, whose `OnFailureDestinationDeliveredEventCount` and
 * `DroppedEventCount` the alarms watch for every record given up on
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics).
 */
import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KafkaDlq, SnsDlq, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ConsumerName } from '../../lambdas/config/pipeline';
import type { MappingErrorHandling, MappingPlan, OnFailureKind, PipelinePlan } from '../../lambdas/config/plan';
import { FUNCTION_SIZES } from '../defaults';
import type { PulseKafkaCluster } from './kafkaCluster';
import { PulseFunction, type FunctionPlacement } from './pulseFunction';
import type { PulseStorage } from './storage';

/** The window Lambda applies to a Kafka mapping that sets none; the API takes whole seconds only. */
const KAFKA_DEFAULT_BATCHING_WINDOW_MS = 500;

/**
 * The `MaximumBatchingWindowInSeconds` of a window in milliseconds: unset for Kafka's own 500 ms
 * default, whole seconds otherwise.
 */
export function batchingWindowOf(windowMs: number): Duration | undefined {
  if (windowMs === KAFKA_DEFAULT_BATCHING_WINDOW_MS) return undefined;
  if (windowMs % 1000 !== 0) {
    throw new Error(`batching window ${windowMs} ms: an MSK event source mapping takes whole seconds, or no value for the 500 ms default`);
  }
  return Duration.seconds(windowMs / 1000);
}

/** What each consumer function does, shown in the console. */
const DESCRIPTIONS: Readonly<Record<ConsumerName, string>> = {
  enrichment: 'Validates and enriches stream records, stores valid events and dead-letters invalid ones to <stream>.dlq',
  aggregation: 'Folds stream records into per-minute aggregates, exactly once',
};

/** Provisioned pollers of every mapping; the error handling they unlock comes from the plan's mappings. */
export interface ProvisionedPolling {
  readonly minimumPollers: number;
  readonly maximumPollers: number;
}

/** Properties of {@link PulseStreamProcessing}. */
export interface PulseStreamProcessingProps {
  /** The cluster the topics are on. */
  readonly cluster: PulseKafkaCluster;
  /** The tables: enrichment writes `events`, aggregation reads and writes `aggregates`. */
  readonly storage: PulseStorage;
  /** Where the functions run: in the cluster's VPC. */
  readonly placement: FunctionPlacement;
  /** The consumers, their environments and their mappings. */
  readonly plan: PipelinePlan;
  /** Provisioned pollers for every mapping. @default - on-demand pollers (AWS's default error handling only) */
  readonly provisionedPolling?: ProvisionedPolling;
}

/** One event source mapping: a consumer of a stream. */
export interface ConsumerMapping {
  readonly consumer: ConsumerName;
  readonly stream: string;
  readonly groupId: string;
  readonly mapping: lambda.EventSourceMapping;
}

/** The consumer functions and their event source mappings. */
export class PulseStreamProcessing extends Construct {
  public readonly enrichment: PulseFunction;
  public readonly aggregation: PulseFunction;
  /** One per (consumer, stream). */
  public readonly mappings: readonly ConsumerMapping[];
  /** The queue, topic or bucket that receives discarded batches, when one was asked for. */
  public readonly failureDestination?: sqs.Queue | sns.Topic | s3.Bucket;
  /** Where the mappings send what they give up on ('none': they retry until the function succeeds). */
  public readonly onFailure: OnFailureKind;

  constructor(scope: Construct, id: string, props: PulseStreamProcessingProps) {
    super(scope, id);
    const { cluster, plan } = props;
    const functions = Object.fromEntries(
      plan.consumers.map((consumer) => [
        consumer,
        new PulseFunction(this, consumer.charAt(0).toUpperCase() + consumer.slice(1), {
          handlerName: consumer,
          description: DESCRIPTIONS[consumer],
          ...FUNCTION_SIZES[consumer],
          placement: props.placement,
          environment: plan.functions[consumer].environment,
        }),
      ]),
    ) as Record<ConsumerName, PulseFunction>;
    this.enrichment = functions.enrichment;
    this.aggregation = functions.aggregation;
    props.storage.grantEventWrites(this.enrichment);
    props.storage.grantAggregateUpdates(this.aggregation);

    const deadLetterTopics = plan.topics.filter((topic) => topic.deadLetter).map((topic) => cluster.arns.topic(topic.name));
    const onFailure = plan.mappings[0]?.errorHandling.onFailure ?? 'none';
    // Every consumer produces dead letters with an idempotent producer: enrichment its invalid
    // records, aggregation the rare record it must count as unprocessable. (With onFailure=kafka
    // the pollers also write discarded batches there with the function's role.)
    for (const consumer of plan.consumers) {
      functions[consumer].addToRolePolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:WriteDataIdempotently'], resources: [cluster.clusterArn] }));
      functions[consumer].addToRolePolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], resources: deadLetterTopics }));
      grantEventSourceAccess(functions[consumer], cluster, plan.mappings.filter((mapping) => mapping.consumer === consumer));
    }

    this.onFailure = onFailure;
    this.failureDestination = this.createFailureDestination(onFailure);
    this.mappings = plan.mappings.map((planned) => {
      const mapping = new lambda.EventSourceMapping(this, `${planned.consumer}-${planned.stream}`, {
        target: functions[planned.consumer],
        eventSourceArn: cluster.clusterArn,
        kafkaTopic: planned.topic,
        kafkaConsumerGroupId: planned.groupId,
        batchSize: planned.batchSize,
        maxBatchingWindow: batchingWindowOf(planned.maxBatchingWindowMs),
        startingPosition: lambda.StartingPosition[planned.startingPosition],
        ...(props.provisionedPolling ? this.provisionedOptions(props.provisionedPolling, planned) : {}),
      });
      if (props.provisionedPolling) PulseStreamProcessing.setMaxRecordAge(mapping, planned.errorHandling);
      return { consumer: planned.consumer, stream: planned.stream, groupId: planned.groupId, mapping };
    });
  }

  private provisionedOptions(polling: ProvisionedPolling, planned: MappingPlan): Partial<lambda.EventSourceMappingProps> {
    const { retryPolicy, onFailure } = planned.errorHandling;
    if (onFailure !== 'none' && retryPolicy.maximumRetryAttempts === -1) {
      throw new Error('PulseStreamProcessing: an on-failure destination needs retryAttempts from 0 to 10000 (AWS caps unbounded retries at 10 then)');
    }
    return {
      provisionedPollerConfig: { minimumPollers: polling.minimumPollers, maximumPollers: polling.maximumPollers },
      ...(retryPolicy.maximumRetryAttempts === -1 ? {} : { retryAttempts: retryPolicy.maximumRetryAttempts }),
      ...(retryPolicy.bisectBatchOnError ? { bisectBatchOnError: true } : {}),
      ...(onFailure === 'none' ? {} : { metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] } }),
      ...this.onFailureOf(onFailure, planned.deadLetterTopic),
    };
  }

  /**
   * The record age limit in the template: the CDK's `maxRecordAge` takes 60 s to 7 days, not -1
   * ("none"), which is what a mapping with an on-failure destination states when no limit is set.
   */
  private static setMaxRecordAge(mapping: lambda.EventSourceMapping, errorHandling: MappingErrorHandling): void {
    const ageMs = errorHandling.retryPolicy.maximumRecordAgeMs;
    const seconds = ageMs !== -1 ? ageMs / 1000 : errorHandling.onFailure === 'none' ? undefined : -1;
    if (seconds !== undefined) (mapping.node.defaultChild as lambda.CfnEventSourceMapping).maximumRecordAgeInSeconds = seconds;
  }

  private onFailureOf(destination: OnFailureKind, deadLetterTopic: string): Partial<lambda.EventSourceMappingProps> {
    const target = this.failureDestination;
    switch (destination) {
      case 'none':
        return {};
      case 'kafka':
        return { onFailure: new KafkaDlq(deadLetterTopic) };
      case 'sqs':
        return { onFailure: new SqsDlq(target as sqs.Queue) };
      case 'sns':
        return { onFailure: new SnsDlq(target as sns.Topic) };
      case 's3':
        return { onFailure: new BucketFailureDestination(target as s3.Bucket), supportS3OnFailureDestination: true };
    }
  }

  /** The queue, topic or bucket for discarded batches, encrypted, TLS-only and kept with the stack's data. */
  private createFailureDestination(destination: OnFailureKind): sqs.Queue | sns.Topic | s3.Bucket | undefined {
    switch (destination) {
      case 'none':
      case 'kafka':
        return undefined;
      case 'sqs': {
        const queue = new sqs.Queue(this, 'FailedBatches', {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        });
        Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'this queue is itself the dead-letter destination of the event source mappings' });
        return queue;
      }
      case 'sns':
        return new sns.Topic(this, 'FailedBatches', { enforceSSL: true });
      case 's3': {
        const bucket = new s3.Bucket(this, 'FailedBatches', {
          encryption: s3.BucketEncryption.S3_MANAGED,
          enforceSSL: true,
          blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
          removalPolicy: RemovalPolicy.RETAIN,
        });
        Validations.of(bucket).acknowledge({
          id: 'AwsSolutions-S1',
          reason: 'private bucket written only by the event source mappings; audit reads with CloudTrail data events rather than a second bucket',
        });
        return bucket;
      }
    }
  }
}

/**
 * An S3 on-failure destination granting only what Lambda uses (`s3:PutObject` on the bucket's
 * objects, `s3:ListBucket`), where the CDK's own grants read and delete too.
 */
class BucketFailureDestination implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.Bucket) {}

  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    targetHandler.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    targetHandler.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('*')] }));
    if (targetHandler.role) {
      const bucketId = Stack.of(this.bucket).getLogicalId(this.bucket.node.defaultChild as CfnResource);
      Validations.of(targetHandler.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
        reason: 'Lambda writes each discarded batch as a new object of this bucket, under a key it chooses',
      });
    }
    return { destination: this.bucket.bucketArn };
  }
}

/**
 * What an MSK event source mapping needs from its function's role (the pollers use it): the
 * cluster's description and brokers, and to read its topics in its own groups. The describe
 * actions of EC2 (the pollers' network set-up) have no resource-level scope.
 */
function grantEventSourceAccess(target: lambda.IFunction, cluster: PulseKafkaCluster, mappings: readonly MappingPlan[]): void {
  target.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
      resources: [cluster.clusterArn],
    }),
  );
  target.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
      resources: [cluster.clusterArn],
    }),
  );
  target.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resources: mappings.map((mapping) => cluster.arns.topic(mapping.topic)),
    }),
  );
  target.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      resources: mappings.map((mapping) => cluster.arns.group(mapping.groupId)),
    }),
  );
  target.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }),
  );
}
