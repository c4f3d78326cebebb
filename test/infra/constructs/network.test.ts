import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { PulseNetwork } from '../../../lib/constructs/network';
import { ConfigurationError } from '../../../lambdas/config/errors';
import { EXISTING, EXISTING_SUBNETS, ONE_ZONE_VPC_ID, bareStack, logicalIdOf } from '../helpers/pulseApp';

describe('PulseNetwork', () => {
  it('creates a VPC over two Availability Zones with private subnets only: no internet or NAT gateway', () => {
    // Act
    const stack = bareStack();
    new PulseNetwork(stack, 'Network');

    // Assess
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const zones = Object.values(template.findResources('AWS::EC2::Subnet')).map((subnet) => JSON.stringify(subnet.Properties.AvailabilityZone));
    expect(new Set(zones).size).toBe(2);
  });

  it('routes DynamoDB through a gateway endpoint and STS, Lambda and the MSK API through private interface endpoints', () => {
    // Act
    const stack = bareStack();
    new PulseNetwork(stack, 'Network');

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
    });
    for (const service of ['sts', 'lambda']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
      });
    }
  });

  it('reaches the MSK API through aws.api.<region>.kafka-api, not com.amazonaws.<region>.kafka, which takes no new connections', () => {
    // Act
    const stack = bareStack();
    const network = new PulseNetwork(stack, 'Network');

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: { 'Fn::Join': ['', ['aws.api.', { Ref: 'AWS::Region' }, '.kafka-api']] },
    });
    const serviceNames = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((endpoint) => JSON.stringify(endpoint.Properties.ServiceName));
    expect(serviceNames.filter((name) => /\.kafka"|\.kafka-fips"/.test(name))).toEqual([]);
    expect(network.interfaceEndpoints.has('kafka-api')).toBe(true);
  });

  it('points the SDK of its functions at the MSK API endpoint by the endpoint’s own regional DNS name', () => {
    // Act
    const stack = bareStack();
    const network = new PulseNetwork(stack, 'Network');

    // Assess
    const endpoint = logicalIdOf(network.interfaceEndpoints.get('kafka-api') as ec2.InterfaceVpcEndpoint);
    expect(stack.resolve(network.functionPlacement.environment)).toEqual({
      AWS_ENDPOINT_URL_KAFKA: {
        'Fn::Join': ['', ['https://', { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::Select': [0, { 'Fn::GetAtt': [endpoint, 'DnsEntries'] }] }] }] }]],
      },
    });
  });

  it('adds the endpoints an on-failure destination needs', () => {
    // Act
    const stack = bareStack();
    new PulseNetwork(stack, 'Network', { additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SQS], s3GatewayEndpoint: true });

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.sqs']] } });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
  });

  it('opens the interface endpoints on 443 to the functions’ security group only, never to an address range', () => {
    // Act
    const stack = bareStack();
    const network = new PulseNetwork(stack, 'Network');

    // Assess
    const template = Template.fromStack(stack);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(3);
    for (const rule of ingress) {
      expect(rule.Properties).toMatchObject({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(network.functionSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
      });
    }
    template.allResourcesProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
  });

  it('lets the functions out on HTTPS only', () => {
    // Act
    const stack = bareStack();
    const network = new PulseNetwork(stack, 'Network');

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Pulse functions'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'AWS service endpoints' }],
    });
    expect(network.subnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
  });

  it('keeps a flow log of the VPC', () => {
    // Act
    const stack = bareStack();
    new PulseNetwork(stack, 'Network');

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it('places a new VPC’s subnets by AZ ID, one per ID, so that CloudFormation resolves them in the deploying account', () => {
    // Act
    const stack = bareStack();
    new PulseNetwork(stack, 'Network', { availabilityZoneIds: ['use1-az1', 'use1-az2', 'use1-az4'] });

    // Assess
    const subnets = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Subnet')).map((subnet) => subnet.Properties);
    expect(subnets.map((subnet) => subnet.AvailabilityZoneId)).toEqual(['use1-az1', 'use1-az2', 'use1-az4']);
    for (const subnet of subnets) expect(subnet.AvailabilityZone).toBeUndefined();
  });

  it('uses one private subnet in each AZ of an existing VPC with four private subnets across three AZs, and creates no endpoint', () => {
    // Prepare
    const stack = bareStack({ env: { account: EXISTING.account, region: EXISTING.region } });

    // Act
    const network = new PulseNetwork(stack, 'Network', { existingVpcId: EXISTING.vpcId });

    // Assess
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    const selected = network.vpc.selectSubnets(network.subnets);
    expect(selected.subnetIds).toEqual([EXISTING_SUBNETS.b, EXISTING_SUBNETS.a1, EXISTING_SUBNETS.c]);
    expect([...selected.availabilityZones].sort()).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(network.interfaceEndpoints.size).toBe(0);
    // The SDK's default MSK API hostname, through the VPC's own NAT or endpoint.
    expect(network.functionPlacement.environment).toEqual({});
  });

  it.each([
    [{ availabilityZones: ['eu-west-1b', 'eu-west-1c'] }, [EXISTING_SUBNETS.b, EXISTING_SUBNETS.c]],
    [{ maxAvailabilityZones: 2 }, [EXISTING_SUBNETS.b, EXISTING_SUBNETS.a1]],
  ])('uses only the AZs it is told to in an existing VPC (%j)', (props, subnetIds) => {
    // Prepare
    const stack = bareStack({ env: { account: EXISTING.account, region: EXISTING.region } });

    // Act
    const network = new PulseNetwork(stack, 'Network', { existingVpcId: EXISTING.vpcId, ...props });

    // Assess
    expect(network.vpc.selectSubnets(network.subnets).subnetIds).toEqual(subnetIds);
  });

  it.each([
    [
      { existingVpcId: ONE_ZONE_VPC_ID },
      `existingVpcId: VPC ${ONE_ZONE_VPC_ID}: the VPC has private subnets in 1 AZ (eu-west-1a); MSK needs 2 or 3 client subnets, each in a different AZ`,
    ],
    [
      { existingVpcId: EXISTING.vpcId, availabilityZones: ['eu-west-1a', 'eu-west-1d'] },
      `availabilityZones: VPC ${EXISTING.vpcId}: no private subnet in eu-west-1d (the VPC has private subnets in eu-west-1a, eu-west-1b, eu-west-1c)`,
    ],
  ])('fails the synth by setting name when an existing VPC cannot hold the cluster (%j)', (props, message) => {
    // Prepare
    const stack = bareStack({ env: { account: EXISTING.account, region: EXISTING.region } });

    // Act
    const creating = () => new PulseNetwork(stack, 'Network', props);

    // Assess
    expect(creating).toThrow(expect.objectContaining({ name: ConfigurationError.name, message: expect.stringContaining(message) }));
  });

  it('refuses to order deletions against a role in another stack, which would tie the stacks in a cycle', () => {
    // Prepare
    const stack = bareStack();
    const network = new PulseNetwork(stack, 'Network');
    const role = new iam.Role(new Stack(stack.node.root as Construct, 'Other'), 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // Act
    const ordering = () => network.keepRoleUntilDeleted(role);

    // Assess
    expect(ordering).toThrow('PulseNetwork: keepRoleUntilDeleted orders deletions within one stack; the role is in another');
  });

  it('throws when asked for endpoints in an existing VPC', () => {
    // Prepare
    const stack = bareStack({ env: { account: EXISTING.account, region: EXISTING.region } });

    // Act
    const creating = () => new PulseNetwork(stack, 'Network', { existingVpcId: EXISTING.vpcId, s3GatewayEndpoint: true });

    // Assess
    expect(creating).toThrow('PulseNetwork: endpoints and AZ IDs are only for the VPC it creates; an existing VPC must provide its own routes');
  });
});
