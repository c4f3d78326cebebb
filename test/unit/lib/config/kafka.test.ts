import { configFromContext } from '../../../../lib/config';
import { CLUSTER_ARN, EXISTING, contextProblems } from '../../../helpers/cdkContext';

describe('configFromContext: the Kafka cluster', () => {
  it('reads a provisioned cluster with its broker type, defaulting to kafka.m7g.large', () => {
    // Act
    const byDefault = configFromContext({ clusterMode: 'provisioned' });
    const chosen = configFromContext({ clusterMode: 'provisioned', brokerInstanceType: 'kafka.t3.small' });

    // Assess
    expect(byDefault.kafka).toEqual({ mode: 'provisioned', brokerInstanceType: 'kafka.m7g.large' });
    expect(chosen.kafka).toEqual({ mode: 'provisioned', brokerInstanceType: 'kafka.t3.small' });
  });

  it('reads an existing cluster in an existing VPC, with the target environment', () => {
    // Act
    const config = configFromContext(EXISTING);
    const present = configFromContext({ ...EXISTING, clusterPollerRules: 'present' });

    // Assess
    expect(config.kafka).toEqual({ mode: 'existing', clusterArn: CLUSTER_ARN, securityGroupId: 'sg-0123456789abcdef0', pollerRules: 'add' });
    expect(present.kafka).toMatchObject({ pollerRules: 'present' });
    expect(config.network).toEqual({ mode: 'existing', vpcId: 'vpc-0abc1234def567890' });
    expect(config.env).toEqual({ account: '123456789012', region: 'eu-west-1' });
  });

  it.each([
    [{ clusterMode: 'managed' }, 'clusterMode: must be one of serverless, provisioned, existing (got "managed")'],
    [{ brokerInstanceType: 'kafka.m7g.large' }, 'brokerInstanceType: only valid with clusterMode=provisioned'],
    [{ clusterMode: 'provisioned', brokerInstanceType: 'm7g.large' }, 'brokerInstanceType: must be an MSK broker type such as kafka.m7g.large (got "m7g.large")'],
    [{ existingClusterArn: CLUSTER_ARN }, 'existingClusterArn: only valid with clusterMode=existing'],
    [{ clusterSecurityGroupId: 'sg-0123456789abcdef0' }, 'clusterSecurityGroupId: only valid with clusterMode=existing'],
    [{ ...EXISTING, existingClusterArn: 'arn:aws:kafka:eu-west-1:123456789012:topic/shared/abc/orders' }, 'existingClusterArn: must be an MSK cluster ARN'],
    [{ ...EXISTING, existingClusterArn: undefined }, 'existingClusterArn: required with clusterMode=existing'],
    [{ ...EXISTING, existingVpcId: undefined }, "existingVpcId: required with clusterMode=existing (the functions run in the cluster's VPC)"],
    [{ ...EXISTING, clusterSecurityGroupId: undefined }, "clusterSecurityGroupId: required with clusterMode=existing (the mappings' pollers use the cluster's security group"],
    [{ ...EXISTING, clusterPollerRules: 'skip' }, 'clusterPollerRules: must be one of add, present (got "skip")'],
    [{ clusterPollerRules: 'present' }, 'clusterPollerRules: only valid with clusterMode=existing'],
  ])('refuses %j with a message naming the setting and the valid choices', (context, message) => {
    // Act
    const problems = contextProblems(context);

    // Assess
    expect(problems).toContain(message);
  });
});
