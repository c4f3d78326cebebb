/**
 * The stateful half of Pulse: the network, the Kafka cluster and its topics, the DynamoDB tables
 * and the optional Keyspaces mirror. It changes rarely and takes longest to create (a provisioned
 * MSK cluster takes about half an hour), so it is deployed apart from the functions.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { PIPELINE } from '../../lambdas/config/pipeline';
import { maxAvailabilityZones } from '../availabilityZones';
import type { PulseConfig } from '../config';
import { PulseKafkaCluster } from '../constructs/kafkaCluster';
import { PulseKafkaTopics } from '../constructs/kafkaTopics';
import { PulseKeyspacesMirror } from '../constructs/keyspacesMirror';
import { PulseNetwork } from '../constructs/network';
import { PulseStorage } from '../constructs/storage';

/** Properties of {@link PulseDataStack}. */
export interface PulseDataStackProps extends StackProps {
  readonly config: PulseConfig;
}

/** Network, cluster, topics and tables. */
export class PulseDataStack extends Stack {
  public readonly network: PulseNetwork;
  public readonly cluster: PulseKafkaCluster;
  public readonly topics: PulseKafkaTopics;
  public readonly storage: PulseStorage;
  public readonly keyspaces?: PulseKeyspacesMirror;

  constructor(scope: Construct, id: string, props: PulseDataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const onFailure = config.pollers?.errorHandling.onFailure ?? 'none';

    const { network } = config;
    this.network = new PulseNetwork(this, 'Network', {
      maxAvailabilityZones: maxAvailabilityZones(config.env?.region, config.kafka.mode),
      ...(network.mode === 'existing'
        ? { existingVpcId: network.vpcId, ...(network.availabilityZones ? { availabilityZones: network.availabilityZones } : {}) }
        : {}),
      ...(network.mode === 'new'
        ? {
            ...(network.availabilityZoneIds ? { availabilityZoneIds: network.availabilityZoneIds } : {}),
            // The mappings' pollers deliver discarded batches from inside the VPC.
            additionalInterfaceEndpoints: [
              ...(onFailure === 'sqs' ? [ec2.InterfaceVpcEndpointAwsService.SQS] : []),
              ...(onFailure === 'sns' ? [ec2.InterfaceVpcEndpointAwsService.SNS] : []),
            ],
            s3GatewayEndpoint: onFailure === 's3',
          }
        : {}),
    });
    const { kafka } = config;
    this.cluster = new PulseKafkaCluster(this, 'Kafka', {
      vpc: this.network.vpc,
      subnets: this.network.subnets,
      clientSecurityGroup: this.network.functionSecurityGroup,
      ...(kafka.mode === 'existing'
        ? { existingClusterArn: kafka.clusterArn, existingClusterSecurityGroupId: kafka.securityGroupId, existingClusterPollerRules: kafka.pollerRules }
        : { clusterName: `${PIPELINE.projectName}-${config.stage}`, kind: kafka.mode }),
      ...(kafka.mode === 'provisioned' ? { brokerInstanceType: kafka.brokerInstanceType } : {}),
    });
    // The event source mappings' pollers run with the cluster's security group and reach STS and Lambda through the endpoints.
    this.network.allowEndpointAccessFrom(this.cluster.securityGroup);
    this.topics = new PulseKafkaTopics(this, 'Topics', {
      cluster: this.cluster,
      placement: this.network.functionPlacement,
      // The topics function reaches the MSK API through a VPC endpoint and the brokers on 9098: create those first.
      connectsThrough: [...this.network.interfaceEndpoints.values(), this.cluster.clientAccess],
    });
    // The topics function is this stack's function in the VPC: keep its role until its network interfaces are gone.
    if (this.topics.handler?.role) this.network.keepRoleUntilDeleted(this.topics.handler.role);
    this.storage = new PulseStorage(this, 'Storage');
    if (config.keyspaces) this.keyspaces = new PulseKeyspacesMirror(this, 'Keyspaces', { retention: Duration.days(config.retentionDays) });

    new CfnOutput(this, 'ClusterArn', { value: this.cluster.clusterArn, description: 'MSK cluster (IAM auth on port 9098)' });
    new CfnOutput(this, 'EventsTableName', { value: this.storage.events.tableName, description: 'DynamoDB table of enriched events' });
    new CfnOutput(this, 'AggregatesTableName', { value: this.storage.aggregates.tableName, description: 'DynamoDB table of per-minute aggregates' });
    if (this.keyspaces) {
      new CfnOutput(this, 'KeyspaceName', { value: this.keyspaces.keyspaceName, description: `Amazon Keyspaces mirror: table ${this.keyspaces.tableName}` });
    }
  }
}
