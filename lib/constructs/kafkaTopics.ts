/**
 * The pipeline's topics (each stream and its `<stream>.dlq`), created at deploy time.
 *
 * - On a provisioned cluster created here (`KAFKA_DEFAULTS.kafkaVersion`, KRaft): `AWS::MSK::Topic`, one resource per topic,
 *   with a `Retain` deletion policy.
 * - On MSK Serverless, which `AWS::MSK::Topic` does not support, and on an existing cluster (whose
 *   Kafka version may predate 3.6): the `Custom::PulseKafkaTopics` resource, a Lambda in the VPC
 *   using the Kafka admin API with IAM auth (`lambdas/handlers/kafkaTopics.ts`).
 *
 * Both are idempotent on update (existing topics are kept as they are) and safe on delete: topics,
 * and the records in them, are never deleted by the stack.
 */
import { CfnResource, CustomResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import { PIPELINE } from '../../lambdas/config/pipeline';
import { topicPlansOf } from '../../lambdas/config/plan';
import { FUNCTION_SIZES, KAFKA_DEFAULTS, LOG_REMOVAL_POLICY, LOG_RETENTION } from '../defaults';
import type { PulseKafkaCluster } from './kafkaCluster';
import { PulseFunction, functionRole, type FunctionPlacement } from './pulseFunction';

/** How the topics are created. */
export type TopicsMethod = 'native' | 'customResource';

/** Properties of {@link PulseKafkaTopics}. */
export interface PulseKafkaTopicsProps {
  /** The cluster to create the topics on. */
  readonly cluster: PulseKafkaCluster;
  /** Where the custom resource's function runs; it must reach the brokers and the MSK API. @default - required for the custom resource */
  readonly placement?: FunctionPlacement;
  /** Topics to create. @default - every stream of the registry and its dead-letter topic */
  readonly topics?: readonly string[];
  /** Partitions of each new topic. @default PIPELINE.topics.partitions */
  readonly partitions?: number;
  /** `AWS::MSK::Topic` or the custom resource. @default - native for a provisioned cluster created here, the custom resource otherwise */
  readonly method?: TopicsMethod;
  /** What the custom resource's handler needs before it runs: the VPC endpoints and security-group rules it connects through. @default - none */
  readonly connectsThrough?: readonly IDependable[];
}

/** The pipeline's topics on one cluster. */
export class PulseKafkaTopics extends Construct {
  /** The topics' names. */
  public readonly topicNames: readonly string[];
  /** How they are created. */
  public readonly method: TopicsMethod;
  /** What a consumer of the topics should depend on. */
  public readonly ready: IDependable;
  /** The custom resource's `onEvent` function, when the custom resource is used. */
  public readonly handler?: PulseFunction;

  constructor(scope: Construct, id: string, props: PulseKafkaTopicsProps) {
    super(scope, id);
    const { cluster } = props;
    this.topicNames = props.topics ?? topicPlansOf().map((topic) => topic.name);
    const partitions = props.partitions ?? PIPELINE.topics.partitions;
    const nativeSupported = cluster.kind === 'provisioned' && cluster.brokerCount !== undefined;
    this.method = props.method ?? (nativeSupported ? 'native' : 'customResource');
    if (this.method === 'native' && !nativeSupported) {
      throw new Error(`PulseKafkaTopics: AWS::MSK::Topic needs a provisioned cluster created by this app (Kafka ≥ 3.6), not a ${cluster.kind} one`);
    }

    if (this.method === 'native') {
      const replicationFactor = Math.min(KAFKA_DEFAULTS.maxReplicationFactor, cluster.brokerCount ?? 1);
      this.ready = this;
      for (const topicName of this.topicNames) {
        const topic = new msk.CfnTopic(this, topicName, { clusterArn: cluster.clusterArn, topicName, partitionCount: partitions, replicationFactor });
        // Removing a stream, or the stack, must not delete its records.
        topic.applyRemovalPolicy(RemovalPolicy.RETAIN);
      }
      return;
    }

    if (!props.placement) throw new Error('PulseKafkaTopics: the custom resource needs a placement that reaches the brokers');
    const handler = new PulseFunction(this, 'Handler', {
      handlerName: 'kafkaTopics',
      description: 'Creates the Pulse topics on the MSK cluster (Custom::PulseKafkaTopics); never deletes them',
      ...FUNCTION_SIZES.topics,
      placement: props.placement,
    });
    handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: [cluster.clusterArn] }));
    handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:Connect'], resources: [cluster.clusterArn] }));
    handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:CreateTopic'],
        resources: this.topicNames.map((topic) => cluster.arns.topic(topic)),
      }),
    );
    const providerLogs = new logs.LogGroup(this, 'ProviderLogs', { retention: LOG_RETENTION, removalPolicy: LOG_REMOVAL_POLICY });
    const providerRole = functionRole(this, 'ProviderRole', providerLogs, false);
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: handler, logGroup: providerLogs, frameworkOnEventRole: providerRole });
    Validations.of(providerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(handler.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason: "the Provider framework invokes the versions of this resource's own handler, and nothing else",
    });
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "the CDK Provider framework's function: its runtime is chosen by aws-cdk-lib",
    });
    this.handler = handler;
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PulseKafkaTopics',
      properties: { ClusterArn: cluster.clusterArn, Topics: [...this.topicNames], Partitions: partitions },
    });
    resource.node.addDependency(...(props.connectsThrough ?? []));
    this.ready = resource;
  }
}
