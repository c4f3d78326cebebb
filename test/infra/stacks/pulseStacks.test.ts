import * as fs from 'node:fs';
import * as path from 'node:path';
import { Token } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { STREAMS } from '../../../lambdas/domain/streams/registry';
import { ConfigurationError } from '../../../lambdas/config/errors';
import { ALL_VARIANTS, EXISTING, EXISTING_SUBNETS, EXISTING_VPC_LOOKUP, ONE_ZONE_VPC_ID, SYNTH_TIMEOUT_MS, VARIANTS, logicalIdOf, synthesizeBeforeAll, synthesizePulse, type SynthesizedPulse } from '../helpers/pulseApp';

const variant = synthesizeBeforeAll(ALL_VARIANTS);

type Statement = { Action: string | string[]; Resource: unknown };

/** Every IAM statement of both stacks of a variant. */
function allStatements(result: SynthesizedPulse): Statement[] {
  return [result.data, result.pipeline].flatMap((template) =>
    Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]),
  );
}

describe('the Pulse stacks', () => {
  it('are env-agnostic by default: synth needs no AWS account or credentials', () => {
    // Act
    const { stacks } = variant('serverless');

    // Assess
    expect(stacks.data.stackName).toBe('Pulse-dev-Data');
    expect(stacks.pipeline.stackName).toBe('Pulse-dev-Pipeline');
    expect(Token.isUnresolved(stacks.data.account)).toBe(true);
    expect(Token.isUnresolved(stacks.pipeline.region)).toBe(true);
  });

  it('hold, by default, the MSK Serverless cluster, the topics resource, the two tables and the network in the data stack', () => {
    // Prepare
    const { data } = variant('serverless');

    // Assess
    data.resourceCountIs('AWS::MSK::ServerlessCluster', 1);
    data.resourceCountIs('Custom::PulseKafkaTopics', 1);
    data.resourceCountIs('AWS::DynamoDB::Table', 2);
    data.resourceCountIs('AWS::EC2::VPC', 1);
    data.resourceCountIs('AWS::Cassandra::Keyspace', 0);
  });

  it('hold the mappings, the HTTP API, the schedule, the dashboard and the alarms in the pipeline stack', () => {
    // Prepare
    const { pipeline } = variant('serverless');

    // Assess
    pipeline.resourceCountIs('AWS::Lambda::EventSourceMapping', 2 * STREAMS.length);
    pipeline.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    pipeline.resourceCountIs('AWS::Events::Rule', 1);
    pipeline.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    pipeline.resourceCountIs('AWS::Lambda::Function', 4);
  });

  it('output the cluster ARN and the table names from the data stack', () => {
    // Prepare
    const { data, stacks } = variant('serverless');

    // Assess
    data.hasOutput('ClusterArn', { Value: { 'Fn::GetAtt': [logicalIdOf(stacks.data.cluster.resource as never), 'Arn'] } });
    data.hasOutput('EventsTableName', { Value: { Ref: logicalIdOf(stacks.data.storage.events) } });
    data.hasOutput('AggregatesTableName', { Value: { Ref: logicalIdOf(stacks.data.storage.aggregates) } });
  });

  it('output the API URL, the dashboard URL and the alarm topic from the pipeline stack', () => {
    // Prepare
    const { pipeline } = variant('serverless');

    // Assess
    pipeline.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
    pipeline.hasOutput('DashboardUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['.console.aws.amazon.com/cloudwatch/home?region=', '#dashboards:name=', { Ref: Match.stringLikeRegexp('Dashboard') }])] },
    });
    pipeline.hasOutput('AlarmTopicArn', { Value: { Ref: Match.stringLikeRegexp('AlarmTopic') } });
  });

  it.each(['serverless', 'existing'])('create the topics, in the %s deployment, only once every 9098 rule the app adds exists', (name) => {
    // Prepare
    const { data, stacks } = variant(name);
    const resource = data.toJSON().Resources[logicalIdOf(stacks.data.topics.ready as never)];
    const rulesOn9098 = ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'].flatMap((type) =>
      Object.keys(data.findResources(type, { Properties: { FromPort: 9098 } })),
    );

    // Assess
    expect(rulesOn9098.length).toBeGreaterThanOrEqual(name === 'existing' ? 4 : 3);
    expect(resource.DependsOn).toEqual(expect.arrayContaining(rulesOn9098));
  });

  it.each(['serverless', 'existing'])(
    'delete, in the %s deployment, the functions’ security group before the topics function’s role and its policy (aws-cdk#6701)',
    (name) => {
      // Prepare
      const { data, stacks } = variant(name);
      const role = stacks.data.topics.handler?.role as never;
      const group = data.toJSON().Resources[logicalIdOf(stacks.data.network.functionSecurityGroup)];
      const policies = Object.keys(data.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalIdOf(role) }] } }));

      // Assess
      expect(policies).toHaveLength(1);
      expect(group.DependsOn).toEqual(expect.arrayContaining([logicalIdOf(role), ...policies]));
    },
  );

  it('create the topics only once the VPC endpoints the topics function needs exist', () => {
    // Prepare
    const { data, stacks } = variant('serverless');
    const resource = data.toJSON().Resources[logicalIdOf(stacks.data.topics.ready as never)];

    // Assess
    for (const endpoint of stacks.data.network.interfaceEndpoints.values()) expect(resource.DependsOn).toContain(logicalIdOf(endpoint));
  });

  it('give every function in the VPC the MSK API endpoint, so the topics resource and the producer reach the MSK API from isolated subnets', () => {
    // Prepare
    const { data, pipeline, stacks } = variant('serverless');
    const endpoint = logicalIdOf(stacks.data.network.interfaceEndpoints.get('kafka-api') as never);
    const inVpc = (template: typeof data) =>
      Object.values(template.findResources('AWS::Lambda::Function', { Properties: { VpcConfig: Match.anyValue() } }));

    // Assess
    expect(inVpc(data)).toHaveLength(1);
    expect(inVpc(pipeline)).toHaveLength(3);
    for (const fn of inVpc(data)) expect(JSON.stringify(fn.Properties.Environment.Variables.AWS_ENDPOINT_URL_KAFKA)).toContain(`"${endpoint}","DnsEntries"`);
    for (const fn of inVpc(pipeline)) {
      expect(JSON.stringify(fn.Properties.Environment.Variables.AWS_ENDPOINT_URL_KAFKA)).toMatch(/"https:\/\/".*"Fn::ImportValue":"Pulse-dev-Data:[^"]*kafkaapiEndpoint[^"]*DnsEntries/);
    }
  });

  it('hold, with a provisioned cluster, the cluster, an AWS::MSK::Topic per topic and the Keyspaces mirror', () => {
    // Prepare
    const { data, pipeline, stacks } = variant('provisioned');

    // Assess
    data.resourceCountIs('AWS::MSK::Cluster', 1);
    data.resourceCountIs('AWS::MSK::Topic', 2 * STREAMS.length);
    data.resourceCountIs('Custom::PulseKafkaTopics', 0);
    data.resourceCountIs('AWS::Cassandra::Table', 1);
    data.hasOutput('KeyspaceName', { Value: { Ref: logicalIdOf(stacks.data.keyspaces?.keyspace as never) } });
    pipeline.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(stacks.pipeline.processing.aggregation.role as never) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['cassandra:Modify', 'cassandra:Select'] })]) },
    });
  });

  it('use an existing cluster and VPC in the given account and region, with literal topic ARNs', () => {
    // Prepare
    const { data, pipeline, stacks } = variant('existing');

    // Assess
    expect(stacks.data.account).toBe(EXISTING.account);
    expect(stacks.pipeline.region).toBe(EXISTING.region);
    data.resourceCountIs('AWS::EC2::VPC', 0);
    data.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    data.hasResourceProperties('Custom::PulseKafkaTopics', { ClusterArn: EXISTING.clusterArn });
    pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: EXISTING.clusterArn });
    pipeline.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SubnetIds: [EXISTING_SUBNETS.b, EXISTING_SUBNETS.a1, EXISTING_SUBNETS.c] } });
    expect(JSON.stringify(pipeline.toJSON())).toContain('arn:aws:kafka:eu-west-1:123456789012:topic/shared/abcd1234-abcd-cafe-abab-9876543210ab-4/orders');
  });

  it('create a provisioned cluster in an existing VPC with four private subnets across three AZs: three client subnets, three brokers', () => {
    // Prepare
    const { data, stacks } = variant('existingVpc');

    // Assess
    data.hasResourceProperties('AWS::MSK::Cluster', {
      NumberOfBrokerNodes: 3,
      BrokerNodeGroupInfo: Match.objectLike({ ClientSubnets: [EXISTING_SUBNETS.b, EXISTING_SUBNETS.a1, EXISTING_SUBNETS.c] }),
    });
    data.resourceCountIs('AWS::MSK::Topic', 2 * STREAMS.length);
    data.hasResourceProperties('AWS::MSK::Topic', { ReplicationFactor: 3 });
    expect(stacks.data.cluster.brokerCount).toBe(3);
  });

  it('place the subnets of an env-agnostic VPC in the AZs pinned by ID, with one broker per AZ', () => {
    // Prepare
    const { data } = variant('pinnedZones');

    // Assess
    const zones = Object.values(data.findResources('AWS::EC2::Subnet')).map((subnet) => subnet.Properties.AvailabilityZoneId);
    expect(zones).toEqual(['use1-az1', 'use1-az2', 'use1-az4']);
    const [cluster] = Object.values(data.findResources('AWS::MSK::Cluster'));
    expect(cluster?.Properties.NumberOfBrokerNodes).toBe(3);
    expect(cluster?.Properties.BrokerNodeGroupInfo.ClientSubnets).toHaveLength(3);
  });

  it('avoid use1-az3 in us-east-1 by placing a new VPC in use1-az1 and use1-az2', () => {
    // Act
    const { data } = synthesizePulse({ stage: 'useast', account: EXISTING.account, region: 'us-east-1' });

    // Assess
    const subnets = Object.values(data.findResources('AWS::EC2::Subnet')).map((subnet) => subnet.Properties);
    expect(subnets.map((subnet) => subnet.AvailabilityZoneId)).toEqual(['use1-az1', 'use1-az2']);
    expect(subnets.map((subnet) => subnet.AvailabilityZone)).toEqual([undefined, undefined]);
  }, SYNTH_TIMEOUT_MS);

  it('fail at synth with a ConfigurationError naming existingVpcId when the existing VPC has private subnets in one AZ only', () => {
    // Act
    const synthesizing = () =>
      synthesizePulse({ stage: 'onezone', clusterMode: 'provisioned', existingVpcId: ONE_ZONE_VPC_ID, account: EXISTING.account, region: EXISTING.region, ...EXISTING_VPC_LOOKUP });

    // Assess
    expect(synthesizing).toThrow(expect.objectContaining({ name: ConfigurationError.name, message: expect.stringContaining(`existingVpcId: VPC ${ONE_ZONE_VPC_ID}: the VPC has private subnets in 1 AZ`) }));
  }, SYNTH_TIMEOUT_MS);

  it.each(Object.keys(ALL_VARIANTS))('grant no kafka-cluster action with a wildcard, nor on a wildcard resource, in the %s deployment', (name) => {
    // Prepare
    const kafkaStatements = allStatements(variant(name)).filter((statement) => JSON.stringify(statement.Action).includes('kafka'));

    // Assess
    expect(kafkaStatements.length).toBeGreaterThan(0);
    for (const statement of kafkaStatements) {
      expect(JSON.stringify(statement.Action)).not.toContain('*');
      expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|\/\*"/);
    }
  });

  it('bundle each function locally into a minified index.js with its source map', () => {
    // Prepare
    const { assembly } = variant(Object.keys(VARIANTS)[0] as string);
    const assets = fs.readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.') && fs.existsSync(path.join(assembly.directory, entry, 'index.js.map')));

    // Assess
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const asset of assets) {
      const code = fs.statSync(path.join(assembly.directory, asset, 'index.js')).size;
      expect(code).toBeLessThan(5 * 1024 * 1024);
    }
  });
});
