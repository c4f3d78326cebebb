/**
 * The two consumers of every stream: the enrichment and aggregation functions, each with one MSK
 * event source mapping per stream of the registry, configured from `PIPELINE` (batch size,
 * batching window, starting position, fixed consumer group), as the local twin configures its
 * emulated mappings.
 *
 * Error handling: by default a failed batch is retried until it succeeds (AWS's default), which is
 * what exactly-once totals want. With provisioned pollers the mappings can also bound retries and
 * record age, bisect a failing batch, honour partial batch responses and send what they give up
 * on to an on-failure destination; AWS offers these for Kafka in provisioned mode only.
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
import { PIPELINE, consumerGroupId, deadLetterTopic, type ConsumerName } from '../../lambdas/config/pipeline';
import { STREAMS } from '../../lambdas/domain/streams/registry';
import type { AnyStreamDefinition } from '../../lambdas/domain/streams/types';
import type { OnFailureDestination } from '../config';
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

/** Provisioned pollers and the error handling AWS offers with them. */
export interface ProvisionedPolling {
  readonly minimumPollers: number;
  readonly maximumPollers: number;
  /** Retries before a batch is discarded (-1: until the record expires). @default - AWS's default; required with an on-failure destination */
  readonly retryAttempts?: number;
  /** Records older than this many seconds are discarded (-1: none, 60 to 604800). @default - AWS's default (-1), written out with an on-failure destination */
  readonly maxRecordAgeSeconds?: number;
  /** Split a failing batch in two and retry each half. @default false */
  readonly bisectBatchOnError?: boolean;
  /** Honour `batchItemFailures` in the function's response. @default false */
  readonly reportBatchItemFailures?: boolean;
  /** Where discarded batches go. @default 'none' */
  readonly onFailure?: OnFailureDestination;
}

/** Properties of {@link PulseStreamProcessing}. */
export interface PulseStreamProcessingProps {
  /** The cluster the topics are on. */
  readonly cluster: PulseKafkaCluster;
  /** The tables: enrichment writes `events`, aggregation reads and writes `aggregates`. */
  readonly storage: PulseStorage;
  /** Where the functions run: in the cluster's VPC. */
  readonly placement: FunctionPlacement;
  /** Settings both handlers read (retention, log level, metrics namespace). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Streams to consume. @default - every stream of the registry */
  readonly streams?: readonly AnyStreamDefinition[];
  /** Provisioned pollers for every mapping. @default - on-demand pollers, AWS's default error handling */
  readonly provisionedPolling?: ProvisionedPolling;
}

/** One event source mapping: a consumer of a stream. */
export interface ConsumerMapping {
  readonly consumer: ConsumerName;
  readonly stream: string;
  readonly groupId: string;
  readonly mapping: lambda.EventSourceMapping;
}

/** The enrichment and aggregation functions and their event source mappings. */
export class PulseStreamProcessing extends Construct {
  public readonly enrichment: PulseFunction;
  public readonly aggregation: PulseFunction;
  /** One per (consumer, stream). */
  public readonly mappings: readonly ConsumerMapping[];
  /** The queue, topic or bucket that receives discarded batches, when one was asked for. */
  public readonly failureDestination?: sqs.Queue | sns.Topic | s3.Bucket;
  /** Where the mappings send what they give up on ('none': they retry until the function succeeds). */
  public readonly onFailure: OnFailureDestination;

  constructor(scope: Construct, id: string, props: PulseStreamProcessingProps) {
    super(scope, id);
    const { cluster } = props;
    const streams = props.streams ?? STREAMS;
    const polling = props.provisionedPolling;
    const onFailure = polling?.onFailure ?? 'none';

    this.enrichment = new PulseFunction(this, 'Enrichment', {
      handlerName: 'enrichment',
      description: 'Validates and enriches stream records, stores valid events and dead-letters invalid ones to <stream>.dlq',
      ...FUNCTION_SIZES.enrichment,
      placement: props.placement,
      environment: { ...props.environment, EVENTS_TABLE: props.storage.events.tableName, MSK_CLUSTER_ARN: cluster.clusterArn },
    });
    this.aggregation = new PulseFunction(this, 'Aggregation', {
      handlerName: 'aggregation',
      description: 'Folds stream records into per-minute aggregates, exactly once',
      ...FUNCTION_SIZES.aggregation,
      placement: props.placement,
      // The cluster too: a record it must count as unprocessable is dead-lettered to its stream's .dlq.
      environment: { ...props.environment, AGGREGATES_TABLE: props.storage.aggregates.tableName, MSK_CLUSTER_ARN: cluster.clusterArn },
    });
    props.storage.grantEventWrites(this.enrichment);
    props.storage.grantAggregateUpdates(this.aggregation);

    const deadLetterTopics = streams.map((stream) => cluster.arns.topic(deadLetterTopic(stream.name)));
    // Both consumers produce dead letters with an idempotent producer: enrichment its invalid
    // records, aggregation the rare record it must count as unprocessable. (With onFailure=kafka
    // the pollers also write discarded batches there with the function's role.)
    for (const consumer of [this.enrichment, this.aggregation]) {
      consumer.addToRolePolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:WriteDataIdempotently'], resources: [cluster.clusterArn] }));
      consumer.addToRolePolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], resources: deadLetterTopics }));
    }

    this.onFailure = onFailure;
    this.failureDestination = this.createFailureDestination(onFailure);
    const functions: Record<ConsumerName, PulseFunction> = { enrichment: this.enrichment, aggregation: this.aggregation };
    const mappings: ConsumerMapping[] = [];
    for (const consumer of Object.keys(functions) as ConsumerName[]) {
      const target = functions[consumer];
      const settings = PIPELINE.consumers[consumer];
      grantEventSourceAccess(target, cluster, streams, consumer);
      for (const stream of streams) {
        const groupId = consumerGroupId(consumer, stream.name);
        const mapping = new lambda.EventSourceMapping(this, `${consumer}-${stream.name}`, {
          target,
          eventSourceArn: cluster.clusterArn,
          kafkaTopic: stream.name,
          kafkaConsumerGroupId: groupId,
          batchSize: settings.batchSize,
          maxBatchingWindow: batchingWindowOf(settings.maxBatchingWindowMs),
          startingPosition: lambda.StartingPosition[settings.startingPosition],
          ...(polling ? this.provisionedOptions(polling, stream.name) : {}),
        });
        if (polling) PulseStreamProcessing.setMaxRecordAge(mapping, polling);
        mappings.push({ consumer, stream: stream.name, groupId, mapping });
      }
    }
    this.mappings = mappings;
  }

  private provisionedOptions(polling: ProvisionedPolling, stream: string): Partial<lambda.EventSourceMappingProps> {
    const onFailure = polling.onFailure ?? 'none';
    if (onFailure !== 'none' && (polling.retryAttempts === undefined || polling.retryAttempts === -1)) {
      throw new Error('PulseStreamProcessing: an on-failure destination needs retryAttempts from 0 to 10000 (AWS caps unbounded retries at 10 then)');
    }
    return {
      provisionedPollerConfig: { minimumPollers: polling.minimumPollers, maximumPollers: polling.maximumPollers },
      ...(polling.retryAttempts === undefined ? {} : { retryAttempts: polling.retryAttempts }),
      ...(polling.bisectBatchOnError ? { bisectBatchOnError: true } : {}),
      ...(polling.reportBatchItemFailures ? { reportBatchItemFailures: true } : {}),
      ...(onFailure === 'none' ? {} : { metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] } }),
      ...this.onFailureOf(onFailure, stream),
    };
  }

  /**
   * The record age limit in the template: the CDK's `maxRecordAge` takes 60 s to 7 days, not -1
   * ("none"), which is what a mapping with an on-failure destination states when no limit is set.
   */
  private static setMaxRecordAge(mapping: lambda.EventSourceMapping, polling: ProvisionedPolling): void {
    const seconds = polling.maxRecordAgeSeconds ?? ((polling.onFailure ?? 'none') === 'none' ? undefined : -1);
    if (seconds !== undefined) (mapping.node.defaultChild as lambda.CfnEventSourceMapping).maximumRecordAgeInSeconds = seconds;
  }

  private onFailureOf(destination: OnFailureDestination, stream: string): Partial<lambda.EventSourceMappingProps> {
    const target = this.failureDestination;
    switch (destination) {
      case 'none':
        return {};
      case 'kafka':
        return { onFailure: new KafkaDlq(deadLetterTopic(stream)) };
      case 'sqs':
        return { onFailure: new SqsDlq(target as sqs.Queue) };
      case 'sns':
        return { onFailure: new SnsDlq(target as sns.Topic) };
      case 's3':
        return { onFailure: new BucketFailureDestination(target as s3.Bucket), supportS3OnFailureDestination: true };
    }
  }

  /** The queue, topic or bucket for discarded batches, encrypted, TLS-only and kept with the stack's data. */
  private createFailureDestination(destination: OnFailureDestination): sqs.Queue | sns.Topic | s3.Bucket | undefined {
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
function grantEventSourceAccess(target: lambda.IFunction, cluster: PulseKafkaCluster, streams: readonly AnyStreamDefinition[], consumer: ConsumerName): void {
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
      resources: streams.map((stream) => cluster.arns.topic(stream.name)),
    }),
  );
  target.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      resources: streams.map((stream) => cluster.arns.group(consumerGroupId(consumer, stream.name))),
    }),
  );
  target.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }),
  );
}
