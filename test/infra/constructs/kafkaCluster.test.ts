import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { KafkaResourceArns, PulseKafkaCluster, type PulseKafkaClusterProps } from '../../../lib/constructs/kafkaCluster';
import { PulseNetwork } from '../../../lib/constructs/network';
import { EXISTING, EXISTING_SUBNETS, OPEN_EGRESS_GROUP_ID, bareStack, logicalIdOf } from '../helpers/pulseApp';

function setUp(props: Partial<PulseKafkaClusterProps> = {}, existingVpc = false) {
  const stack = existingVpc ? bareStack({ env: { account: EXISTING.account, region: EXISTING.region } }) : bareStack();
  const network = new PulseNetwork(stack, 'Network', existingVpc ? { existingVpcId: EXISTING.vpcId } : {});
  const create = (overrides: Partial<PulseKafkaClusterProps> = props) =>
    new PulseKafkaCluster(stack, 'Kafka', {
      vpc: network.vpc,
      subnets: network.subnets,
      clientSecurityGroup: network.functionSecurityGroup,
      ...overrides,
    });
  return { stack, network, create };
}

const PORT_9098 = { IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098 };

describe('PulseKafkaCluster', () => {
  it('creates an MSK Serverless cluster with IAM client authentication in the private subnets', () => {
    // Prepare
    const { stack, create } = setUp();

    // Act
    const cluster = create({ clusterName: 'pulse-test' });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClusterName: 'pulse-test',
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [{ SubnetIds: [Match.anyValue(), Match.anyValue()], SecurityGroups: [{ 'Fn::GetAtt': [logicalIdOf(cluster.securityGroup as ec2.SecurityGroup), 'GroupId'] }] }],
    });
    expect(cluster.kind).toBe('serverless');
  });

  it('admits port 9098 from the functions’ security group and from itself (the pollers) only', () => {
    // Prepare
    const { stack, network, create } = setUp();

    // Act
    const cluster = create({ clusterName: 'pulse-test' });

    // Assess
    const clusterGroup = { 'Fn::GetAtt': [logicalIdOf(cluster.securityGroup as ec2.SecurityGroup), 'GroupId'] };
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      ...PORT_9098,
      GroupId: clusterGroup,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(network.functionSecurityGroup), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { ...PORT_9098, GroupId: clusterGroup, SourceSecurityGroupId: clusterGroup });
    const toCluster = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: clusterGroup } }));
    expect(toCluster).toHaveLength(2);
    template.allResourcesProperties('AWS::EC2::SecurityGroupIngress', { CidrIp: Match.absent(), CidrIpv6: Match.absent() });
    template.allResourcesProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
  });

  it('creates a provisioned cluster, one broker per AZ, TLS in transit, IAM only, broker logs on, Kafka 3.8 in KRaft mode', () => {
    // Prepare
    const { stack, create } = setUp();

    // Act
    const cluster = create({ clusterName: 'pulse-test', kind: 'provisioned', brokerInstanceType: 'kafka.t3.small' });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::MSK::Cluster', {
      ClusterName: 'pulse-test',
      KafkaVersion: '3.8.x.kraft',
      NumberOfBrokerNodes: 2,
      BrokerNodeGroupInfo: { InstanceType: 'kafka.t3.small', ClientSubnets: [Match.anyValue(), Match.anyValue()] },
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true } } },
    });
    expect(cluster.brokerCount).toBe(2);
  });

  it('creates a provisioned cluster in an existing VPC with four private subnets across three AZs: one client subnet and one broker per AZ', () => {
    // Prepare
    const { stack, create } = setUp({}, true);

    // Act
    const cluster = create({ clusterName: 'pulse-test', kind: 'provisioned' });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::MSK::Cluster', {
      NumberOfBrokerNodes: 3,
      BrokerNodeGroupInfo: { ClientSubnets: [EXISTING_SUBNETS.b, EXISTING_SUBNETS.a1, EXISTING_SUBNETS.c] },
    });
    expect(cluster.brokerCount).toBe(3);
  });

  it('creates an MSK Serverless cluster in one subnet per AZ of an existing VPC', () => {
    // Prepare
    const { stack, create } = setUp({}, true);

    // Act
    create({ clusterName: 'pulse-test' });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::MSK::ServerlessCluster', {
      VpcConfigs: [Match.objectLike({ SubnetIds: [EXISTING_SUBNETS.b, EXISTING_SUBNETS.a1, EXISTING_SUBNETS.c] })],
    });
  });

  it('refuses client subnets two of which share an AZ, which MSK rejects', () => {
    // Prepare
    const { network, create } = setUp({}, true);
    const subnets = [EXISTING_SUBNETS.a1, EXISTING_SUBNETS.a2, EXISTING_SUBNETS.b].map((subnetId) =>
      network.vpc.privateSubnets.find((subnet) => subnet.subnetId === subnetId) as ec2.ISubnet,
    );

    // Act
    const creating = () => create({ clusterName: 'pulse-test', kind: 'provisioned', subnets: { subnets } });

    // Assess
    expect(creating).toThrow('PulseKafkaCluster: a cluster needs one client subnet in each of 2 to 3 AZs; got 3 subnets in 2 AZs');
  });

  it('creates the provisioned cluster in KRaft mode, which MSK only does for a `.kraft` version of 3.7 or later', () => {
    // Prepare
    const { stack, create } = setUp();

    // Act
    create({ clusterName: 'pulse-test', kind: 'provisioned' });

    // Assess
    const [cluster] = Object.values(Template.fromStack(stack).findResources('AWS::MSK::Cluster'));
    const version = cluster?.Properties.KafkaVersion as string;
    expect(version).toMatch(/^(\d+)\.(\d+)\.x\.kraft$/);
    const [major, minor] = version.split('.').map(Number) as [number, number];
    expect(major > 3 || (major === 3 && minor >= 7)).toBe(true);
  });

  it('uses an existing cluster by ARN and opens its security group to the functions on 9098', () => {
    // Prepare
    const { stack, network, create } = setUp({}, true);

    // Act
    const cluster = create({ existingClusterArn: EXISTING.clusterArn, existingClusterSecurityGroupId: EXISTING.clusterSecurityGroupId });

    // Assess
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    template.resourceCountIs('AWS::MSK::Cluster', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      ...PORT_9098,
      GroupId: EXISTING.clusterSecurityGroupId,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(network.functionSecurityGroup), 'GroupId'] },
    });
    expect(cluster).toMatchObject({ kind: 'existing', clusterArn: EXISTING.clusterArn, clusterName: 'shared' });
  });

  it('adds the pollers’ rules to an existing cluster’s group: 9098 from itself, and 9098 to itself and 443 out, since its lookup shows limited egress', () => {
    // Prepare
    const { stack, create } = setUp({}, true);

    // Act
    create({ existingClusterArn: EXISTING.clusterArn, existingClusterSecurityGroupId: EXISTING.clusterSecurityGroupId });

    // Assess
    const group = EXISTING.clusterSecurityGroupId;
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { ...PORT_9098, GroupId: group, SourceSecurityGroupId: group });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { ...PORT_9098, GroupId: group, DestinationSecurityGroupId: group });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, GroupId: group, CidrIp: '0.0.0.0/0' });
  });

  it('checks the egress of an existing cluster’s group: one that allows all outbound traffic gets no egress rule', () => {
    // Prepare
    const { stack, create } = setUp({}, true);

    // Act
    create({ existingClusterArn: EXISTING.clusterArn, existingClusterSecurityGroupId: OPEN_EGRESS_GROUP_ID });

    // Assess
    const template = Template.fromStack(stack);
    expect(Object.values(template.findResources('AWS::EC2::SecurityGroupEgress', { Properties: { GroupId: OPEN_EGRESS_GROUP_ID } }))).toEqual([]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { ...PORT_9098, GroupId: OPEN_EGRESS_GROUP_ID, SourceSecurityGroupId: OPEN_EGRESS_GROUP_ID });
  });

  it('adds none of the pollers’ rules when the owner states the group has them (EC2 refuses a duplicate rule)', () => {
    // Prepare
    const { stack, network, create } = setUp({}, true);

    // Act
    create({ existingClusterArn: EXISTING.clusterArn, existingClusterSecurityGroupId: EXISTING.clusterSecurityGroupId, existingClusterPollerRules: 'present' });

    // Assess
    const template = Template.fromStack(stack);
    const onGroup = (type: string) => Object.values(template.findResources(type, { Properties: { GroupId: EXISTING.clusterSecurityGroupId } }));
    expect(onGroup('AWS::EC2::SecurityGroupEgress')).toEqual([]);
    expect(onGroup('AWS::EC2::SecurityGroupIngress').map((rule) => rule.Properties.SourceSecurityGroupId)).toEqual([
      { 'Fn::GetAtt': [logicalIdOf(network.functionSecurityGroup), 'GroupId'] },
    ]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('clusterPollerRules=present: sg-0123456789abcdef0 limits outbound traffic'))).toHaveLength(1);
  });

  it.each([
    [{ existingClusterArn: EXISTING.clusterArn, kind: 'provisioned' as const }, 'existingClusterArn excludes kind, clusterName and brokerInstanceType'],
    [{ clusterName: 'pulse-test', brokerInstanceType: 'kafka.t3.small' }, 'brokerInstanceType applies to a provisioned cluster only'],
    [{ clusterName: 'pulse-test', existingClusterSecurityGroupId: EXISTING.clusterSecurityGroupId }, 'existingClusterSecurityGroupId needs existingClusterArn'],
    [{}, 'clusterName is required to create a cluster'],
    [{ existingClusterArn: EXISTING.clusterArn }, "existingClusterSecurityGroupId is required with existingClusterArn: the mappings' pollers use the cluster's group"],
    [{ clusterName: 'pulse-test', existingClusterPollerRules: 'present' as const }, 'existingClusterPollerRules needs existingClusterArn'],
  ])('throws on the conflicting props %j', (props, message) => {
    // Prepare
    const { create } = setUp();

    // Act
    const creating = () => create(props);

    // Assess
    expect(creating).toThrow(message);
  });
});

describe('KafkaResourceArns', () => {
  it('derives topic and group ARNs from a literal cluster ARN', () => {
    // Act
    const arns = new KafkaResourceArns(EXISTING.clusterArn, 'shared');

    // Assess
    expect(arns.topic('orders')).toBe('arn:aws:kafka:eu-west-1:123456789012:topic/shared/abcd1234-abcd-cafe-abab-9876543210ab-4/orders');
    expect(arns.group('pulse-enrichment-orders')).toBe('arn:aws:kafka:eu-west-1:123456789012:group/shared/abcd1234-abcd-cafe-abab-9876543210ab-4/pulse-enrichment-orders');
  });

  it('derives them from the cluster’s name and the uuid that MSK puts third in the ARN of a cluster created here', () => {
    // Prepare
    const { stack, create } = setUp();
    const cluster = create({ clusterName: 'pulse-test' });

    // Act
    const topicArn = Stack.of(stack).resolve(cluster.arns.topic('orders'));

    // Assess
    expect(topicArn).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':kafka:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':topic/pulse-test/',
          { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [logicalIdOf(cluster.resource as never), 'Arn'] }] }] },
          '/orders',
        ],
      ],
    });
  });

  it('throws for a literal ARN that is not a cluster’s', () => {
    // Act
    const deriving = () => new KafkaResourceArns('arn:aws:kafka:eu-west-1:123456789012:topic/shared/abc/orders', 'shared');

    // Assess
    expect(deriving).toThrow('KafkaResourceArns clusterArn: must be an MSK cluster ARN');
  });
});
