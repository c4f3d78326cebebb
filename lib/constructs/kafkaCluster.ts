/**
 * The Kafka cluster: Amazon MSK Serverless (the default), a provisioned MSK cluster, or an
 * existing cluster by ARN. Clients authenticate with IAM over TLS on port 9098 only; the cluster's
 * security group admits that port from the functions' security group and from itself (the event
 * source mappings' pollers run with the cluster's own security group and subnets).
 */
import { Annotations, Aws, Fn, Stack, Token, type Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct, DependencyGroup, type IDependable } from 'constructs';
import { parseMskClusterArn } from '../../lambdas/config/mskClusterArn';
import { CLIENT_SUBNETS, maxAvailabilityZones } from '../availabilityZones';
import type { ClusterMode, PollerRules } from '../config';
import { KAFKA_DEFAULTS, LOG_REMOVAL_POLICY, LOG_RETENTION } from '../defaults';

/**
 * The IAM resource ARNs of a cluster's topics and consumer groups
 * (`arn:<partition>:kafka:<region>:<account>:topic/<cluster>/<uuid>/<topic>`), derived from the
 * cluster ARN `…:cluster/<cluster>/<uuid>`.
 */
export class KafkaResourceArns {
  /** `arn:<partition>:kafka:<region>:<account>` */
  private readonly prefix: string;
  /** `<cluster>/<uuid>` */
  private readonly clusterPath: string;

  /**
   * @param clusterArn - a literal ARN, or the token of a cluster created in one of this app's stacks
   * @param clusterName - the cluster's name (needed when the ARN is a token)
   */
  constructor(clusterArn: string, clusterName: string) {
    if (Token.isUnresolved(clusterArn)) {
      // Created by this app: same partition, region and account as the stacks; only MSK's uuid is unknown.
      this.prefix = `arn:${Aws.PARTITION}:kafka:${Aws.REGION}:${Aws.ACCOUNT_ID}`;
      this.clusterPath = `${clusterName}/${Fn.select(2, Fn.split('/', clusterArn))}`;
    } else {
      const { partition, region, account, name, uuid } = parseMskClusterArn(clusterArn, 'KafkaResourceArns clusterArn');
      this.prefix = `arn:${partition}:kafka:${region}:${account}`;
      this.clusterPath = `${name}/${uuid}`;
    }
  }

  /** `…:topic/<cluster>/<uuid>/<topic>` */
  topic(name: string): string {
    return `${this.prefix}:topic/${this.clusterPath}/${name}`;
  }

  /** `…:group/<cluster>/<uuid>/<group>` */
  group(name: string): string {
    return `${this.prefix}:group/${this.clusterPath}/${name}`;
  }
}

/** Properties of {@link PulseKafkaCluster}. */
export interface PulseKafkaClusterProps {
  /** The cluster's VPC. */
  readonly vpc: ec2.IVpc;
  /** Private subnets, one in each of two or three Availability Zones (see `lib/availabilityZones.ts`). */
  readonly subnets: ec2.SubnetSelection;
  /** Security group of the clients (the functions), admitted on the IAM port. */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** Name of a cluster this construct creates. @default - required unless `existingClusterArn` is set */
  readonly clusterName?: string;
  /** MSK Serverless or a provisioned cluster, for a cluster this construct creates. @default 'serverless' */
  readonly kind?: Exclude<ClusterMode, 'existing'>;
  /** Broker instance type of a provisioned cluster. @default KAFKA_DEFAULTS.brokerInstanceType (kafka.m7g.large) */
  readonly brokerInstanceType?: string;
  /** Use this cluster instead of creating one (a literal ARN: its name is read from it); it must have IAM client authentication on. @default - a new cluster */
  readonly existingClusterArn?: string;
  /** Security group of the existing cluster (required with `existingClusterArn`): opened to the functions on the IAM port, and checked for the pollers' rules. */
  readonly existingClusterSecurityGroupId?: string;
  /** Whether to add the pollers' rules to the existing cluster's group, or rely on its owner having them. @default 'add' */
  readonly existingClusterPollerRules?: PollerRules;
}

/** An MSK cluster reachable by the Pulse functions with IAM authentication. */
export class PulseKafkaCluster extends Construct {
  /** How the cluster is provided. */
  public readonly kind: ClusterMode;
  /** The cluster ARN (a token for a cluster created here). */
  public readonly clusterArn: string;
  /** The cluster name, known at synth time (the `Cluster Name` dimension of its metrics). */
  public readonly clusterName: string;
  /** ARNs of its topics and groups, for IAM statements. */
  public readonly arns: KafkaResourceArns;
  /** Brokers of a provisioned cluster this construct creates; undefined otherwise. */
  public readonly brokerCount?: number;
  /** The cluster's security group, created here or the existing cluster's. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The security-group rules on the IAM port this construct added: what a client in the VPC (the topics resource) must wait for. */
  public readonly clientAccess: IDependable;
  /** The CloudFormation resource of a cluster created here. */
  public readonly resource?: msk.CfnServerlessCluster | msk.CfnCluster;
  /** Broker logs of a provisioned cluster. */
  public readonly brokerLogGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PulseKafkaClusterProps) {
    super(scope, id);
    const port = ec2.Port.tcp(KAFKA_DEFAULTS.iamPort);

    if (props.existingClusterArn) {
      if (props.kind || props.clusterName || props.brokerInstanceType) {
        throw new Error('PulseKafkaCluster: existingClusterArn excludes kind, clusterName and brokerInstanceType (they describe a cluster to create)');
      }
      if (!props.existingClusterSecurityGroupId) {
        throw new Error("PulseKafkaCluster: existingClusterSecurityGroupId is required with existingClusterArn: the mappings' pollers use the cluster's group");
      }
      this.kind = 'existing';
      this.clusterArn = props.existingClusterArn;
      this.clusterName = parseMskClusterArn(props.existingClusterArn, 'existingClusterArn').name;
      this.securityGroup = existingClusterGroup(this, props.existingClusterSecurityGroupId, props.existingClusterPollerRules ?? 'add');
      this.securityGroup.connections.allowFrom(props.clientSecurityGroup, port, 'Pulse functions (IAM auth over TLS)');
    } else {
      if (props.existingClusterPollerRules) throw new Error('PulseKafkaCluster: existingClusterPollerRules needs existingClusterArn');
      if (props.existingClusterSecurityGroupId) throw new Error('PulseKafkaCluster: existingClusterSecurityGroupId needs existingClusterArn');
      if (!props.clusterName) throw new Error('PulseKafkaCluster: clusterName is required to create a cluster');
      const kind = props.kind ?? 'serverless';
      if (kind === 'serverless' && props.brokerInstanceType) throw new Error('PulseKafkaCluster: brokerInstanceType applies to a provisioned cluster only');
      this.kind = kind;
      this.clusterName = props.clusterName;

      const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: 'Pulse MSK cluster: IAM-authenticated TLS from the Pulse functions and the event source mapping pollers',
        allowAllOutbound: false,
      });
      securityGroup.connections.allowFrom(props.clientSecurityGroup, port, 'Pulse functions (IAM auth over TLS)');
      // The event source mappings' pollers run in the cluster's subnets with this group: they reach the brokers
      // through it, and STS and Lambda through the VPC endpoints on 443.
      securityGroup.connections.allowInternally(port, 'Event source mapping pollers');
      securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Pollers to STS and Lambda endpoints');
      this.securityGroup = securityGroup;

      const subnetIds = clientSubnetIdsOf(props.vpc.selectSubnets(props.subnets), maxAvailabilityZones(resolvedRegion(this), kind));
      if (kind === 'serverless') {
        this.resource = new msk.CfnServerlessCluster(this, 'Resource', {
          clusterName: props.clusterName,
          // MSK Serverless always encrypts in transit (TLS) and at rest; IAM is its only client authentication.
          clientAuthentication: { sasl: { iam: { enabled: true } } },
          vpcConfigs: [{ subnetIds, securityGroups: [securityGroup.securityGroupId] }],
        });
      } else {
        this.brokerLogGroup = new logs.LogGroup(this, 'BrokerLogs', { retention: LOG_RETENTION, removalPolicy: LOG_REMOVAL_POLICY });
        // MSK spreads the brokers evenly over the client subnets, so their number is a multiple of the subnets';
        // one broker per subnet (AZ) is the smallest such cluster.
        this.brokerCount = subnetIds.length;
        this.resource = new msk.CfnCluster(this, 'Resource', {
          clusterName: props.clusterName,
          kafkaVersion: KAFKA_DEFAULTS.kafkaVersion,
          numberOfBrokerNodes: this.brokerCount,
          brokerNodeGroupInfo: {
            instanceType: props.brokerInstanceType ?? KAFKA_DEFAULTS.brokerInstanceType,
            clientSubnets: subnetIds,
            securityGroups: [securityGroup.securityGroupId],
            storageInfo: { ebsStorageInfo: { volumeSize: KAFKA_DEFAULTS.brokerVolumeGiB } },
          },
          clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
          encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
          loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: this.brokerLogGroup.logGroupName } } },
          enhancedMonitoring: 'DEFAULT',
        });
      }
      this.clusterArn = this.resource.attrArn;
    }
    this.arns = new KafkaResourceArns(this.clusterArn, this.clusterName);
    this.clientAccess = rulesOnPort([this.securityGroup, props.clientSecurityGroup], KAFKA_DEFAULTS.iamPort);
  }

  /**
   * The MSK metrics that count what producers write to `topic`, by metric-math id, summed over a
   * period; none for an existing cluster, whose kind and brokers are not known here.
   *
   * - MSK Serverless publishes `MessagesInPerSec` per topic (`Cluster Name`, `Topic`) at the free
   *   DEFAULT level (https://docs.aws.amazon.com/msk/latest/developerguide/serverless-monitoring.html).
   * - Standard brokers publish `BytesInPerSec` per broker and topic (`Cluster Name`, `Broker ID`,
   *   `Topic`) at DEFAULT (https://docs.aws.amazon.com/msk/latest/developerguide/metrics-details.html),
   *   so a topic's input is the sum over brokers. That MSK numbers a cluster's brokers 1 to N is what
   *   its broker endpoints (`b-1`, `b-2`, …) show; no AWS page found states it.
   */
  metricTopicWrites(topic: string, period: Duration): Record<string, cloudwatch.IMetric> {
    const metric = (metricName: string, dimensions: Record<string, string>) =>
      new cloudwatch.Metric({ namespace: 'AWS/Kafka', metricName, dimensionsMap: { 'Cluster Name': this.clusterName, ...dimensions, Topic: topic }, statistic: 'Sum', period });
    switch (this.kind) {
      case 'serverless':
        return { messagesIn: metric('MessagesInPerSec', {}) };
      case 'provisioned':
        return Object.fromEntries(Array.from({ length: this.brokerCount ?? 0 }, (_, index) => [`bytesInBroker${index + 1}`, metric('BytesInPerSec', { 'Broker ID': String(index + 1) })]));
      case 'existing':
        return {};
    }
  }
}

/**
 * The existing cluster's security group, with the rules the event source mappings' pollers need:
 * Lambda puts the mapping's network interfaces in the cluster's subnets with the cluster's security
 * groups (https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-create.html), so the group must admit
 * itself on 9098 and let them out to the brokers (9098) and to STS and Lambda (443)
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html).
 *
 * Egress is checked: the group is looked up, and a group that allows all outbound traffic needs no
 * egress rule (the CDK then adds none). The self-ingress rule cannot be read at synth time, so it
 * is added (`add`), or taken as there (`present`), since EC2 refuses a rule the group already has.
 */
function existingClusterGroup(scope: Construct, securityGroupId: string, pollerRules: PollerRules): ec2.ISecurityGroup {
  const group = ec2.SecurityGroup.fromLookupById(scope, 'SecurityGroup', securityGroupId);
  const port = ec2.Port.tcp(KAFKA_DEFAULTS.iamPort);
  if (pollerRules === 'add') {
    group.connections.allowInternally(port, 'Event source mapping pollers');
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Pollers to STS and Lambda endpoints');
  } else if (!group.allowAllOutbound) {
    Annotations.of(scope).addWarningV2(
      'pulse:clusterPollerRules',
      `clusterPollerRules=present: ${securityGroupId} limits outbound traffic; it must allow 9098 to itself and 443 to STS and Lambda, or the mappings cannot poll`,
    );
  }
  return group;
}

/** The ingress and egress rules on `port` that the CDK added under these groups. */
function rulesOnPort(groups: readonly ec2.ISecurityGroup[], port: number): DependencyGroup {
  const rules = groups
    .flatMap((group) => group.node.children)
    .filter((child) => (child instanceof ec2.CfnSecurityGroupIngress || child instanceof ec2.CfnSecurityGroupEgress) && child.fromPort === port);
  return new DependencyGroup(...rules);
}

/** The stack's region, when it is known at synth time. */
function resolvedRegion(scope: Construct): string | undefined {
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? undefined : region;
}

/**
 * The client subnets of a cluster created here, checked: one in each of two to `max` AZs, as MSK
 * takes them (`lib/availabilityZones.ts`). The network chooses them so; this guards other callers.
 */
function clientSubnetIdsOf(selected: ec2.SelectedSubnets, max: number): string[] {
  const zones = new Set(selected.availabilityZones);
  if (zones.size !== selected.subnetIds.length || zones.size < CLIENT_SUBNETS.min || zones.size > max) {
    throw new Error(
      `PulseKafkaCluster: a cluster needs one client subnet in each of ${CLIENT_SUBNETS.min} to ${max} AZs; got ${selected.subnetIds.length} subnets in ${zones.size} AZs`,
    );
  }
  return selected.subnetIds;
}
