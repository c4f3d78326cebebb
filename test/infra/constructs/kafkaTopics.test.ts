import { Match, Template } from 'aws-cdk-lib/assertions';
import { PIPELINE } from '../../../lambdas/config/pipeline';
import { topicPlansOf } from '../../../lambdas/config/plan';
import { PulseKafkaCluster } from '../../../lib/constructs/kafkaCluster';
import { PulseKafkaTopics, type PulseKafkaTopicsProps } from '../../../lib/constructs/kafkaTopics';
import { PulseNetwork } from '../../../lib/constructs/network';
import { bareStack, logicalIdOf } from '../helpers/pulseApp';

function setUp(kind: 'serverless' | 'provisioned') {
  const stack = bareStack();
  const network = new PulseNetwork(stack, 'Network');
  const cluster = new PulseKafkaCluster(stack, 'Kafka', {
    vpc: network.vpc,
    subnets: network.subnets,
    clientSecurityGroup: network.functionSecurityGroup,
    clusterName: 'pulse-test',
    kind,
  });
  const create = (props: Partial<PulseKafkaTopicsProps> = {}) =>
    new PulseKafkaTopics(stack, 'Topics', { cluster, placement: network.functionPlacement, ...props });
  return { stack, cluster, create };
}

const TOPICS = ['orders', 'orders.dlq', 'tickets', 'tickets.dlq', 'sales', 'sales.dlq', 'tracks', 'tracks.dlq'];

describe('PulseKafkaTopics', () => {
  it('defaults to every stream of the registry and its dead-letter topic', () => {
    // Act
    const { create } = setUp('serverless');

    // Assess
    expect(create().topicNames).toEqual(topicPlansOf().map((topic) => topic.name));
    expect(topicPlansOf().map((topic) => topic.name)).toEqual(TOPICS);
  });

  describe('on MSK Serverless', () => {
    it('creates the topics with the Custom::PulseKafkaTopics resource, with the pipeline’s partitions', () => {
      // Prepare
      const { stack, cluster, create } = setUp('serverless');

      // Act
      const topics = create();

      // Assess
      const template = Template.fromStack(stack);
      template.hasResourceProperties('Custom::PulseKafkaTopics', {
        ClusterArn: { 'Fn::GetAtt': [logicalIdOf(cluster.resource as never), 'Arn'] },
        Topics: TOPICS,
        Partitions: PIPELINE.topics.partitions,
      });
      template.resourceCountIs('AWS::MSK::Topic', 0);
      expect(topics.method).toBe('customResource');
    });

    it('runs the custom resource’s handler in the VPC, where it reaches the brokers', () => {
      // Prepare
      const { stack, create } = setUp('serverless');

      // Act
      create();

      // Assess
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        VpcConfig: { SubnetIds: [Match.anyValue(), Match.anyValue()], SecurityGroupIds: [Match.anyValue()] },
        Description: 'Creates the Pulse topics on the MSK cluster (Custom::PulseKafkaTopics); never deletes them',
      });
    });

    it('lets the handler connect, and describe and create exactly the pipeline’s topics: no wildcard', () => {
      // Prepare
      const { stack, create } = setUp('serverless');

      // Act
      const topics = create();

      // Assess
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalIdOf(topics.handler?.role as never) }] },
      });
      const statements = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
      const kafkaStatements = statements.filter((statement) => JSON.stringify(statement.Action).includes('kafka'));
      expect(kafkaStatements.map((statement) => statement.Action)).toEqual([
        ['kafka-cluster:Connect', 'kafka:GetBootstrapBrokers'],
        ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'],
      ]);
      const topicResources = JSON.stringify(kafkaStatements[1]?.Resource);
      for (const topic of TOPICS) expect(topicResources).toContain(`"/${topic}"`);
      expect(JSON.stringify(kafkaStatements)).not.toContain('*');
    });

    it('refuses AWS::MSK::Topic, which MSK Serverless does not support', () => {
      // Prepare
      const { create } = setUp('serverless');

      // Act
      const creating = () => create({ method: 'native' });

      // Assess
      expect(creating).toThrow('PulseKafkaTopics: AWS::MSK::Topic needs a provisioned cluster created by this app (Kafka ≥ 3.6), not a serverless one');
    });

    it('refuses the custom resource without a placement that reaches the brokers', () => {
      // Prepare
      const { create } = setUp('serverless');

      // Act
      const creating = () => create({ placement: undefined });

      // Assess
      expect(creating).toThrow('PulseKafkaTopics: the custom resource needs a placement that reaches the brokers');
    });
  });

  describe('on a provisioned cluster', () => {
    it('creates one AWS::MSK::Topic per topic, replicated on both brokers, retained when removed', () => {
      // Prepare
      const { stack, cluster, create } = setUp('provisioned');

      // Act
      const topics = create();

      // Assess
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::MSK::Topic', TOPICS.length);
      for (const topicName of TOPICS) {
        template.hasResource('AWS::MSK::Topic', {
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
          Properties: {
            ClusterArn: { 'Fn::GetAtt': [logicalIdOf(cluster.resource as never), 'Arn'] },
            TopicName: topicName,
            PartitionCount: PIPELINE.topics.partitions,
            ReplicationFactor: 2,
          },
        });
      }
      template.resourceCountIs('Custom::PulseKafkaTopics', 0);
      expect(topics.method).toBe('native');
    });
  });
});
