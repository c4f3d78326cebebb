import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PulseNetwork } from '../../../lib/constructs/network';
import { PulseFunction } from '../../../lib/constructs/pulseFunction';
import { LOG_RETENTION } from '../../../lib/defaults';
import { bareStack, logicalIdOf } from '../helpers/pulseApp';

function setUp(inVpc: boolean) {
  const stack = bareStack();
  const network = inVpc ? new PulseNetwork(stack, 'Network') : undefined;
  const fn = new PulseFunction(stack, 'Producer', {
    handlerName: 'producer',
    description: 'test',
    memorySize: 256,
    timeout: Duration.seconds(30),
    environment: { PULSE_EVENTS_PER_SECOND: '5' },
    ...(network ? { placement: network.functionPlacement } : {}),
  });
  return { stack, fn, template: Template.fromStack(stack) };
}

function statementsOf(template: Template, fn: PulseFunction): { Action: string | string[]; Resource: unknown }[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalIdOf(fn.role as never) }] } });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('PulseFunction', () => {
  it('runs its handler module on Node.js 22 on arm64, with source maps on and JSON logs', () => {
    // Act
    const { template } = setUp(false);

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 30,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: Match.anyValue() },
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', PULSE_EVENTS_PER_SECOND: '5' } },
    });
  });

  it('logs to its own log group with the project’s retention, removed with the stack', () => {
    // Act
    const { template, fn } = setUp(false);

    // Assess
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { RetentionInDays: LOG_RETENTION } });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logicalIdOf(fn.functionLogGroup) } } });
  });

  it('has a role of its own that may write its log group and nothing else, and no AWS managed policy', () => {
    // Act
    const { template, fn } = setUp(false);

    // Assess
    expect(statementsOf(template, fn)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logicalIdOf(fn.functionLogGroup), 'Arn'] } },
    ]);
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('may manage its network interfaces when it runs in a VPC', () => {
    // Act
    const { template, fn } = setUp(true);

    // Assess
    expect(statementsOf(template, fn)).toContainEqual({
      Effect: 'Allow',
      Action: [
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: '*',
    });
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SubnetIds: [Match.anyValue(), Match.anyValue()], SecurityGroupIds: [Match.anyValue()] } });
  });
});
